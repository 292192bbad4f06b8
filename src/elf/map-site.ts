// Where each map definition sits in its ELF section, so relocations (which name a symbol and an
// offset) can be resolved to a map.

import type { MapSpec } from './spec.js';

export interface MapSite {
  map: MapSpec;
  sectionIndex: number;
  offset: number;
  size: number;
  /** Byte offset of the `values` member inside a BTF map definition (prog array / map-in-map). */
  valuesOffset?: number;
}

export function siteAt(sites: readonly MapSite[], sectionIndex: number, offset: number): MapSite | undefined {
  return sites.find((s) => s.sectionIndex === sectionIndex && offset >= s.offset && offset < s.offset + Math.max(s.size, 1));
}
