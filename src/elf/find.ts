// Look up a program by function name, or by section name when the section holds just one.

import { ElfError } from './errors.js';
import type { MapSpec, ObjectSpec, ProgramSpec } from './spec.js';

export function findProgram(spec: ObjectSpec, nameOrSection: string): ProgramSpec {
  const byName = spec.programs.find((p) => p.name === nameOrSection);
  if (byName) return byName;
  const inSection = spec.programs.filter((p) => p.section === nameOrSection);
  if (inSection.length === 1) return inSection[0]!;
  if (inSection.length > 1) {
    throw new ElfError(spec.path, `section '${nameOrSection}' holds ${inSection.length} programs (${inSection.map((p) => p.name).join(', ')}); name one`);
  }
  const available = spec.programs.map((p) => `${p.name} (section '${p.section}')`).join(', ') || 'none';
  throw new ElfError(spec.path, `no program or section named '${nameOrSection}'; available: ${available}`);
}

export function findMap(spec: ObjectSpec, name: string): MapSpec {
  const map = spec.maps.find((m) => m.name === name || m.libbpfName === name);
  if (map) return map;
  throw new ElfError(spec.path, `no map named '${name}'; available: ${spec.maps.map((m) => m.name).join(', ') || 'none'}`);
}
