// BPF_MAP_TYPE_ARRAY, including global data (.data/.rodata/.bss: one entry, see global-data.ts).

import { BpfMap, type MapDef, type MapOptions } from './bpf-map.js';
import { BPF_F_LOCK, BPF_NOEXIST, E2BIG, EEXIST, EINVAL } from './constants.js';
import { indexKey, readIndex } from './key-id.js';
import { roundUp8 } from './percpu-values.js';
import { validUpdateFlags } from './update-flags.js';

export class ArrayMap extends BpfMap {
  readonly kind = 'array';
  /** Values back to back in slots of round_up(value_size, 8) bytes, as the kernel lays them out. */
  readonly data: Uint8Array;
  readonly stride: number;
  /** Value views made on first use; preallocated so large indexes stay in fast elements. */
  readonly #views: (Uint8Array | undefined)[];

  constructor(def: MapDef, opts?: MapOptions) {
    super(def, opts);
    this.stride = roundUp8(def.valueSize);
    this.data = new Uint8Array(this.stride * def.maxEntries);
    this.#views = new Array<Uint8Array | undefined>(def.maxEntries);
  }

  override lookup(key: Uint8Array): Uint8Array | undefined {
    const index = readIndex(key);
    return index < this.maxEntries ? this.valueAt(index) : undefined;
  }

  /** The live value at an index below max_entries (direct value access, BPF_PSEUDO_MAP_VALUE). */
  valueAt(index: number): Uint8Array {
    return (this.#views[index] ??= this.data.subarray(index * this.stride, index * this.stride + this.valueSize));
  }

  override update(key: Uint8Array, value: Uint8Array, flags: number): number {
    if (!validUpdateFlags(flags, true)) return -EINVAL; // the lock flag is checked after index and NOEXIST, as in the kernel
    const index = readIndex(key);
    if (index >= this.maxEntries) return -E2BIG;
    if (flags & BPF_NOEXIST) return -EEXIST; // every element always exists
    if (flags & BPF_F_LOCK) return -EINVAL; // needs a bpf_spin_lock in the value, not modelled
    this.valueAt(index).set(value.length === this.valueSize ? value : value.subarray(0, this.valueSize));
    return 0;
  }

  override nextKey(key: Uint8Array | undefined): Uint8Array | undefined {
    return nextArrayKey(key, this.maxEntries);
  }

  get count(): number {
    return this.maxEntries;
  }

  *entries(): IterableIterator<[Uint8Array, Uint8Array]> {
    for (let i = 0; i < this.maxEntries; i++) yield [indexKey(i), this.valueAt(i).slice()];
  }

  protected readForUser(key: Uint8Array): Uint8Array | undefined {
    return this.lookup(key)?.slice();
  }

  protected writeFromUser(key: Uint8Array, value: Uint8Array, flags: number): number {
    return this.update(key, this.checkedValue(value), flags);
  }

  protected clearAll(): void {
    this.data.fill(0);
  }
}

/** Array get-next-key: index 0 for no key or an index out of range; undefined after the last. */
export function nextArrayKey(key: Uint8Array | undefined, maxEntries: number): Uint8Array | undefined {
  const index = key === undefined ? maxEntries : readIndex(key);
  if (index >= maxEntries) return maxEntries > 0 ? indexKey(0) : undefined;
  return index + 1 < maxEntries ? indexKey(index + 1) : undefined;
}
