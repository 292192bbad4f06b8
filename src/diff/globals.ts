// Global-data patches by variable name -> byte offsets, the form both loaders take.

import type { ObjectSpec } from '../elf/index.js';
import type { GlobalPatch } from './types.js';

export interface ResolvedGlobal {
  section: string;
  offset: number;
  bytes: Uint8Array;
}

export function resolveGlobals(spec: ObjectSpec, patches: readonly GlobalPatch[]): ResolvedGlobal[] {
  return patches.map((p) => {
    if (p.variable === undefined) {
      if (p.offset === undefined) throw new Error(`global patch of ${p.section}: give a variable or an offset`);
      return { section: p.section, offset: p.offset, bytes: p.bytes };
    }
    const map = spec.maps.find((m) => m.source === 'data' && (m.name === p.section || m.libbpfName === p.section));
    if (map === undefined) throw new Error(`${spec.path}: no global-data section ${p.section}`);
    const v = map.dataLayout?.find((d) => d.name === p.variable);
    if (v === undefined) {
      const names = map.dataLayout?.map((d) => d.name).join(', ') || 'none';
      throw new Error(`${spec.path}: ${p.section} has no variable ${p.variable} (variables: ${names})`);
    }
    if (p.bytes.length > v.size) throw new Error(`${p.section}.${p.variable} is ${v.size} bytes; the patch has ${p.bytes.length}`);
    return { section: map.name, offset: v.offset + (p.offset ?? 0), bytes: p.bytes };
  });
}
