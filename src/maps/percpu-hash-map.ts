// BPF_MAP_TYPE_PERCPU_HASH and BPF_MAP_TYPE_LRU_PERCPU_HASH: one value slot per CPU.

import type { MapDef, MapOptions } from './bpf-map.js';
import { BPF_EXIST, E2BIG, MapType } from './constants.js';
import { HashLikeMap } from './hash-like-map.js';
import { percpuValues, type PercpuInput } from './percpu-values.js';
import { updateFlagsError } from './update-flags.js';

export class PercpuHashMap extends HashLikeMap<Uint8Array[], Uint8Array[], PercpuInput> {
  readonly kind = 'percpu-hash';
  /** Slot arrays of deleted entries, reused (zeroed) by later inserts to spare the GC. */
  readonly #spare: Uint8Array[][] = [];

  constructor(def: MapDef, opts?: MapOptions) {
    super(def, opts, def.type === MapType.LRU_PERCPU_HASH);
  }

  /** The current CPU's slot. */
  override lookup(key: Uint8Array): Uint8Array | undefined {
    return this.lookupPercpu(key, this.cpu);
  }

  /** bpf_map_lookup_percpu_elem: another CPU's slot. */
  lookupPercpu(key: Uint8Array, cpu: number): Uint8Array | undefined {
    const entry = this.table.find(key);
    if (entry === undefined) return undefined;
    if (this.lru) this.table.moveToTail(entry);
    return entry.value[cpu];
  }

  /** A program writes the current CPU's slot; a new entry's other slots are zero (as in the kernel). */
  override update(key: Uint8Array, value: Uint8Array, flags: number): number {
    // The per-CPU LRU update pops a free node (evicting when full) unless the flags say BPF_EXIST.
    if (this.lru && flags !== BPF_EXIST && flags >= 0 && flags < BPF_EXIST) this.lruPrepareUpdate();
    const id = this.table.idOf(key);
    const entry = this.table.findId(id);
    const err = updateFlagsError(flags, entry !== undefined, false);
    if (err !== 0) return err;
    const bytes = value.length === this.valueSize ? value : value.subarray(0, this.valueSize);
    if (entry !== undefined) {
      entry.value[this.cpu].set(bytes);
      this.touch(entry);
      return 0;
    }
    if (!this.makeRoom()) return -E2BIG;
    const slots = this.#newSlots();
    slots[this.cpu].set(bytes);
    this.table.insert(id, key, slots);
    return 0;
  }

  *entries(): IterableIterator<[Uint8Array, Uint8Array[]]> {
    for (const entry of this.table) yield [entry.key.slice(), entry.value.map((v) => v.slice())];
  }

  protected readForUser(key: Uint8Array): Uint8Array[] | undefined {
    return this.table.find(key)?.value.map((v) => v.slice());
  }

  /** Userspace writes every CPU's slot. */
  protected writeFromUser(key: Uint8Array, input: PercpuInput, flags: number): number {
    const values = percpuValues(input, this.valueSize, this.nCpus, this.name);
    if (this.lru && flags >= 0 && flags < BPF_EXIST) this.lruPrepareUpdate();
    const id = this.table.idOf(key);
    let entry = this.table.findId(id);
    const err = updateFlagsError(flags, entry !== undefined, false);
    if (err !== 0) return err;
    if (entry === undefined) {
      if (!this.makeRoom()) return -E2BIG;
      entry = this.table.insert(id, key, this.#newSlots());
    } else {
      this.touch(entry);
    }
    entry.value.forEach((slot, cpu) => slot.set(values[cpu]));
    return 0;
  }

  protected override released(slots: Uint8Array[]): void {
    this.#spare.push(slots);
  }

  protected override clearAll(): void {
    super.clearAll();
    this.#spare.length = 0;
  }

  /** Zeroed slots for a new entry. */
  #newSlots(): Uint8Array[] {
    const reused = this.#spare.pop();
    if (reused !== undefined) {
      for (const slot of reused) slot.fill(0);
      return reused;
    }
    const storage = new Uint8Array(this.valueSize * this.nCpus);
    return Array.from({ length: this.nCpus }, (_, cpu) => storage.subarray(cpu * this.valueSize, (cpu + 1) * this.valueSize));
  }
}
