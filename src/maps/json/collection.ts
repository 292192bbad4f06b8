// The maps a JSON file talks about, by name.

import type { AnyBpfMap } from '../any-map.js';

/** Maps by their own names, or a record naming them. */
export type MapCollection = Iterable<AnyBpfMap> | Readonly<Record<string, AnyBpfMap>>;

export function mapsByName(maps: MapCollection): Map<string, AnyBpfMap> {
  if (Symbol.iterator in maps) {
    return new Map([...(maps as Iterable<AnyBpfMap>)].map((m) => [m.name, m]));
  }
  return new Map(Object.entries(maps));
}
