// BPF_MAP_TYPE_ARRAY_OF_MAPS: slots holding inner maps; programs get the inner map itself.

import type { AnyBpfMap } from './any-map.js';
import { BpfMap, type MapDef, type MapOptions } from './bpf-map.js';
import { nextArrayKey } from './array-map.js';
import { BPF_ANY, E2BIG, EINVAL, ENOENT } from './constants.js';
import { innerMapMismatch } from './inner-map-check.js';
import { indexKey, readIndex } from './key-id.js';

export class ArrayOfMapsMap extends BpfMap<AnyBpfMap, AnyBpfMap> {
  readonly kind = 'array-of-maps';
  /** The template every inner map must match. */
  readonly inner: MapDef;
  readonly #slots: (AnyBpfMap | undefined)[] = [];
  #count = 0;

  constructor(def: MapDef & { inner: MapDef }, opts?: MapOptions) {
    super(def, opts);
    this.inner = def.inner;
  }

  /** Program-side lookup: the inner map, not bytes. */
  lookupMap(key: Uint8Array): AnyBpfMap | undefined {
    return this.#slots[readIndex(key)];
  }

  override nextKey(key: Uint8Array | undefined): Uint8Array | undefined {
    return nextArrayKey(key, this.maxEntries);
  }

  get count(): number {
    return this.#count;
  }

  *entries(): IterableIterator<[Uint8Array, AnyBpfMap]> {
    for (let i = 0; i < this.#slots.length; i++) {
      const map = this.#slots[i];
      if (map !== undefined) yield [indexKey(i), map];
    }
  }

  protected readForUser(key: Uint8Array): AnyBpfMap | undefined {
    return this.lookupMap(key);
  }

  /** -EINVAL for flags other than BPF_ANY or a map not matching the template (see innerMapMismatch). */
  protected writeFromUser(key: Uint8Array, map: AnyBpfMap, flags: number): number {
    if (flags !== BPF_ANY) return -EINVAL;
    const index = readIndex(key);
    if (index >= this.maxEntries) return -E2BIG;
    if (innerMapMismatch(this.inner, map) !== undefined) return -EINVAL;
    if (this.#slots[index] === undefined) this.#count++;
    this.#slots[index] = map;
    return 0;
  }

  protected override deleteFromUser(key: Uint8Array): number {
    const index = readIndex(key);
    if (index >= this.maxEntries) return -E2BIG;
    if (this.#slots[index] === undefined) return -ENOENT;
    this.#slots[index] = undefined;
    this.#count--;
    return 0;
  }

  protected clearAll(): void {
    this.#slots.length = 0;
    this.#count = 0;
  }
}
