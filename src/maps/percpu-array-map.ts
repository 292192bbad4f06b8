// BPF_MAP_TYPE_PERCPU_ARRAY: every index exists, one value slot per CPU.

import { BpfMap, type MapDef, type MapOptions } from './bpf-map.js';
import { nextArrayKey } from './array-map.js';
import { BPF_NOEXIST, E2BIG, EEXIST, EINVAL } from './constants.js';
import { indexKey, readIndex } from './key-id.js';
import { percpuValues, type PercpuInput } from './percpu-values.js';
import { validUpdateFlags } from './update-flags.js';

export class PercpuArrayMap extends BpfMap<Uint8Array[], PercpuInput> {
  readonly kind = 'percpu-array';
  /** Per CPU, all its values back to back. */
  readonly #storage: Uint8Array[];
  /** Slot views made on first use, at cpu * max_entries + index. */
  readonly #views: (Uint8Array | undefined)[];

  constructor(def: MapDef, opts?: MapOptions) {
    super(def, opts);
    this.#storage = Array.from({ length: this.nCpus }, () => new Uint8Array(def.valueSize * def.maxEntries));
    this.#views = new Array<Uint8Array | undefined>(this.nCpus * def.maxEntries);
  }

  /** The current CPU's slot. */
  override lookup(key: Uint8Array): Uint8Array | undefined {
    return this.lookupPercpu(key, this.cpu);
  }

  /** bpf_map_lookup_percpu_elem: another CPU's slot. */
  lookupPercpu(key: Uint8Array, cpu: number): Uint8Array | undefined {
    const index = readIndex(key);
    return index < this.maxEntries && cpu < this.nCpus ? this.#slot(index, cpu) : undefined;
  }

  /** A program writes the current CPU's slot. */
  override update(key: Uint8Array, value: Uint8Array, flags: number): number {
    const err = this.#updateError(key, flags);
    if (err !== 0) return err;
    this.#slot(readIndex(key), this.cpu).set(value.length === this.valueSize ? value : value.subarray(0, this.valueSize));
    return 0;
  }

  override nextKey(key: Uint8Array | undefined): Uint8Array | undefined {
    return nextArrayKey(key, this.maxEntries);
  }

  get count(): number {
    return this.maxEntries;
  }

  *entries(): IterableIterator<[Uint8Array, Uint8Array[]]> {
    for (let i = 0; i < this.maxEntries; i++) yield [indexKey(i), this.#copies(i)];
  }

  protected readForUser(key: Uint8Array): Uint8Array[] | undefined {
    const index = readIndex(key);
    return index < this.maxEntries ? this.#copies(index) : undefined;
  }

  /** Userspace writes every CPU's slot. */
  protected writeFromUser(key: Uint8Array, input: PercpuInput, flags: number): number {
    const values = percpuValues(input, this.valueSize, this.nCpus, this.name);
    const err = this.#updateError(key, flags);
    if (err !== 0) return err;
    const index = readIndex(key);
    values.forEach((v, cpu) => this.#slot(index, cpu).set(v));
    return 0;
  }

  protected clearAll(): void {
    for (const s of this.#storage) s.fill(0);
  }

  #updateError(key: Uint8Array, flags: number): number {
    if (!validUpdateFlags(flags, false)) return -EINVAL;
    if (readIndex(key) >= this.maxEntries) return -E2BIG;
    return flags === BPF_NOEXIST ? -EEXIST : 0;
  }

  #slot(index: number, cpu: number): Uint8Array {
    const at = cpu * this.maxEntries + index;
    const start = index * this.valueSize;
    return (this.#views[at] ??= this.#storage[cpu].subarray(start, start + this.valueSize));
  }

  #copies(index: number): Uint8Array[] {
    return this.#storage.map((_, cpu) => this.#slot(index, cpu).slice());
  }
}
