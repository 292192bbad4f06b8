// From map JSON to what a loader writes: the part of a node's maps an object has, and the
// key/value bytes of each entry (for the kernel, through the same codec the VM imports with).

import type { ObjectSpec } from '../elf/index.js';
import { createMap, importMaps, type AnyBpfMap, type MapsJson } from '../maps/index.js';
import { toMapDef } from '../vm/index.js';

/** The part of `json` whose maps the object has (each object includes the maps its headers define). */
export function mapsOf(spec: ObjectSpec, json: MapsJson): MapsJson {
  const names = new Set(spec.maps.map((m) => m.name));
  return Object.fromEntries(Object.entries(json).filter(([name]) => names.has(name)));
}

/** Map JSON -> key/value bytes per entry (for BPF_MAP_UPDATE_ELEM). Per-CPU and fd-valued maps are refused. */
export function entryBytes(spec: ObjectSpec, json: MapsJson, nCpus = 1): { map: string; key: Uint8Array; value: Uint8Array }[] {
  const scratch: Record<string, AnyBpfMap> = {};
  for (const name of Object.keys(json)) {
    const m = spec.maps.find((x) => x.name === name);
    if (!m) throw new Error(`${spec.path}: no map ${name}`);
    scratch[name] = createMap(toMapDef(m), { nCpus });
  }
  importMaps(scratch, json);
  return Object.entries(scratch).flatMap(([map, m]) =>
    [...m.entries()].map(([key, value]) => {
      if (!(value instanceof Uint8Array)) throw new Error(`map ${map}: only plain (not per-CPU or fd) maps are written by the agent`);
      return { map, key, value };
    }),
  );
}
