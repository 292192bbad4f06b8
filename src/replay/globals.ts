// --globals {".rodata": {variable: value}} → byte patches at each variable's BTF offset
// (values in the map JSON's value notation).

import type { ObjectSpec } from '../elf/index.js';
import { encodeValue, type JsonValue } from '../maps/index.js';
import type { ResolvedGlobal } from '../diff/globals.js';
import { ReplayError } from './errors.js';

export function globalPatches(json: unknown, spec: ObjectSpec, file: string): ResolvedGlobal[] {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ReplayError('bad-input', `${file}: expected {".rodata": {variable: value}}`);
  const out: ResolvedGlobal[] = [];
  for (const [section, vars] of Object.entries(json as Record<string, Record<string, JsonValue>>)) {
    const m = spec.maps.find((x) => x.source === 'data' && (x.name === section || x.libbpfName === section));
    if (!m?.dataLayout) throw new ReplayError('bad-input', `${file}: the object has no global data section ${section}`);
    if (vars === null || typeof vars !== 'object' || Array.isArray(vars)) throw new ReplayError('bad-input', `${file}: ${section}: expected {variable: value}`);
    for (const [name, value] of Object.entries(vars)) {
      const v = m.dataLayout.find((d) => d.name === name);
      if (!v) throw new ReplayError('bad-input', `${file}: ${section} has no variable ${name} (has ${m.dataLayout.map((d) => d.name).join(', ')})`);
      try {
        out.push({ section: m.name, offset: v.offset, bytes: encodeValue(v.layout, value) });
      } catch (e) {
        throw new ReplayError('bad-input', `${file}: ${section}.${name}: ${(e as Error).message}`);
      }
    }
  }
  return out;
}
