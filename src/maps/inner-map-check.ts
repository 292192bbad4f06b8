// Whether a map may be stored in a map-in-map: the kernel compares it with the inner-map
// template given at creation (bpf_map_meta_equal; arrays also compare max_entries unless
// the template has BPF_F_INNER_MAP).

import type { BpfMap, MapDef } from './bpf-map.js';
import { BPF_F_INNER_MAP, MapType, mapTypeName } from './constants.js';

type InnerCandidate = Pick<BpfMap, 'name' | 'type' | 'typeName' | 'keySize' | 'valueSize' | 'maxEntries' | 'flags'>;

const ARRAY_TYPES: ReadonlySet<number> = new Set([MapType.ARRAY, MapType.PERCPU_ARRAY]);

/** Why `map` does not fit `template`, or undefined when it does. */
export function innerMapMismatch(template: MapDef, map: InnerCandidate): string | undefined {
  const flags = template.flags ?? 0;
  if (map.type !== template.type) return `inner map "${map.name}" is ${map.typeName}, expected ${mapTypeName(template.type)}`;
  if (map.keySize !== template.keySize) return `inner map "${map.name}" key_size ${map.keySize}, expected ${template.keySize}`;
  if (map.valueSize !== template.valueSize) return `inner map "${map.name}" value_size ${map.valueSize}, expected ${template.valueSize}`;
  if (map.flags !== flags) return `inner map "${map.name}" map_flags ${map.flags}, expected ${flags}`;
  if (ARRAY_TYPES.has(map.type) && !(flags & BPF_F_INNER_MAP) && map.maxEntries !== template.maxEntries) {
    return `inner map "${map.name}" max_entries ${map.maxEntries}, expected ${template.maxEntries}`;
  }
  return undefined;
}
