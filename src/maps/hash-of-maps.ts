// BPF_MAP_TYPE_HASH_OF_MAPS: keys mapping to inner maps; programs get the inner map itself.

import type { AnyBpfMap } from './any-map.js';
import type { MapDef, MapOptions } from './bpf-map.js';
import { E2BIG, EINVAL } from './constants.js';
import { HashLikeMap } from './hash-like-map.js';
import { innerMapMismatch } from './inner-map-check.js';
import { updateFlagsError } from './update-flags.js';

export class HashOfMapsMap extends HashLikeMap<AnyBpfMap, AnyBpfMap, AnyBpfMap> {
  readonly kind = 'hash-of-maps';
  /** The template every inner map must match. */
  readonly inner: MapDef;

  constructor(def: MapDef & { inner: MapDef }, opts?: MapOptions) {
    super(def, opts, false);
    this.inner = def.inner;
  }

  /** Program-side lookup: the inner map, not bytes. */
  lookupMap(key: Uint8Array): AnyBpfMap | undefined {
    return this.table.find(key)?.value;
  }

  *entries(): IterableIterator<[Uint8Array, AnyBpfMap]> {
    for (const entry of this.table) yield [entry.key.slice(), entry.value];
  }

  protected readForUser(key: Uint8Array): AnyBpfMap | undefined {
    return this.lookupMap(key);
  }

  /** Hash flag semantics; -EINVAL for a map not matching the template (see innerMapMismatch). */
  protected writeFromUser(key: Uint8Array, map: AnyBpfMap, flags: number): number {
    const id = this.table.idOf(key);
    const entry = this.table.findId(id);
    const err = updateFlagsError(flags, entry !== undefined, false);
    if (err !== 0) return err;
    if (innerMapMismatch(this.inner, map) !== undefined) return -EINVAL;
    if (entry !== undefined) {
      entry.value = map;
      return 0;
    }
    if (!this.makeRoom()) return -E2BIG;
    this.table.insert(id, key, map);
    return 0;
  }
}
