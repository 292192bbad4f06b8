// Assemble an ObjectSpec from an ELF object: BTF first (maps need it), then maps, then code
// sections, their relocations and finally one linked ProgramSpec per program function.

import { Btf } from './btf.js';
import { type BtfExt, parseBtfExt } from './btf-ext.js';
import { fixupDatasecs } from './btf-fixup.js';
import { type ElfFile, type ElfSection, parseElf } from './elf-file.js';
import { ElfError } from './errors.js';
import { collectCode, type CodeSection } from './functions.js';
import { lineInfoAt } from './line-info.js';
import { linkProgram } from './link.js';
import type { MapSite } from './map-site.js';
import { parseBtfMaps } from './maps-btf.js';
import { isDataSection, parseDataMap } from './maps-data.js';
import { applyInitialValues } from './maps-init.js';
import { parseLegacyMaps } from './maps-legacy.js';
import { progTypeForSection } from './prog-types.js';
import { classifyRelocs } from './relocations.js';
import type { ObjectSpec, ProgramSpec } from './spec.js';

export function parseObjectSpec(bytes: Uint8Array, path: string): ObjectSpec {
  // A plain view, so that a Node Buffer's non-copying slice() cannot leak into initialData.
  const elf = parseElf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
  const byName = (name: string) => elf.sections.find((s) => s.name === name);

  const btfSection = byName('.BTF');
  const btf = btfSection ? Btf.parse(btfSection.data, path) : undefined;
  if (btf) fixupDatasecs(btf, elf);
  const extSection = byName('.BTF.ext');
  const ext: BtfExt = btf && extSection ? parseBtfExt(extSection.data, btf, path) : { funcInfo: new Map(), lineInfo: new Map() };

  const license = readLicense(elf, byName('license'));
  const sites = collectMaps(elf, btf);

  const code = new Map<number, CodeSection>(collectCode(elf).map((c) => [c.section.index, c]));
  const relocs = new Map([...code.values()].map((c) => [c.section.index, classifyRelocs(elf, c, sites)]));
  const linkInput = { path, code, relocs, lineInfo: ext.lineInfo, funcInfo: ext.funcInfo };

  const programs: ProgramSpec[] = [];
  for (const c of code.values()) {
    for (const unit of c.funcs.filter((f) => f.isProgram)) {
      const linked = linkProgram(unit, linkInput);
      const lines = linked.lineInfo;
      programs.push({
        name: unit.name,
        section: c.section.name,
        ...progTypeForSection(c.section.name),
        ...linked,
        lineAt: (pc: number) => lineInfoAt(lines, pc),
        license,
      });
    }
  }

  return {
    path,
    name: objectName(path),
    license,
    programs,
    maps: sites.map((s) => s.map),
    ...(btf ? { btf } : {}),
    lineInfo: ext.lineInfo,
  };
}

function collectMaps(elf: ElfFile, btf: Btf | undefined): MapSite[] {
  const sites: MapSite[] = [];
  for (const s of elf.sections) {
    if (s.name === '.maps') {
      if (!btf) throw new ElfError(elf.path, `section '.maps' needs BTF (compile with -g)`);
      const btfSites = parseBtfMaps(btf, s);
      sites.push(...btfSites);
      applyInitialValues(elf, s, btfSites);
    } else if (s.name === 'maps') {
      sites.push(...parseLegacyMaps(elf, s, btf));
    } else if (isDataSection(s.name) && s.size > 0) {
      sites.push(parseDataMap(s, btf, elf.path));
    }
  }
  return sites;
}

function readLicense(elf: ElfFile, section: ElfSection | undefined): string {
  if (!section) return '';
  const nul = section.data.indexOf(0);
  return new TextDecoder().decode(section.data.subarray(0, nul === -1 ? section.data.length : nul));
}

/** The file's basename without a trailing ".o". */
export function objectName(path: string): string {
  const base = path.split('/').pop() ?? path;
  return base.endsWith('.o') ? base.slice(0, -2) : base;
}
