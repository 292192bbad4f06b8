// BPF_MAP_TYPE_HASH and BPF_MAP_TYPE_LRU_HASH.

import type { MapDef, MapOptions } from './bpf-map.js';
import { BPF_EXIST, E2BIG, EINVAL, MapType } from './constants.js';
import { ByteSlab } from './byte-slab.js';
import { HashLikeMap } from './hash-like-map.js';
import { updateFlagsError } from './update-flags.js';

export class HashMap extends HashLikeMap<Uint8Array, Uint8Array, Uint8Array> {
  readonly kind = 'hash';
  readonly #values: ByteSlab;

  constructor(def: MapDef, opts?: MapOptions) {
    super(def, opts, def.type === MapType.LRU_HASH);
    this.#values = new ByteSlab(def.valueSize);
  }

  override lookup(key: Uint8Array): Uint8Array | undefined {
    const entry = this.table.find(key);
    if (entry === undefined) return undefined;
    this.touch(entry);
    return entry.value;
  }

  override update(key: Uint8Array, value: Uint8Array, flags: number): number {
    if (this.lru) {
      if (!(flags >= 0 && flags <= BPF_EXIST)) return -EINVAL; // LRU maps take no BPF_F_LOCK at all
      this.lruPrepareUpdate();
    }
    const id = this.table.idOf(key);
    const entry = this.table.findId(id);
    // BPF_F_LOCK needs a bpf_spin_lock in the value, which dpsim does not model: EINVAL.
    const err = updateFlagsError(flags, entry !== undefined, false);
    if (err !== 0) return err;
    const bytes = value.length === this.valueSize ? value : value.subarray(0, this.valueSize);
    if (entry !== undefined) {
      // In place: a program still holding the old pointer sees the new value.
      entry.value.set(bytes);
      this.touch(entry);
      return 0;
    }
    if (!this.makeRoom()) return -E2BIG;
    this.table.insert(id, key, this.#values.copyOf(bytes));
    return 0;
  }

  *entries(): IterableIterator<[Uint8Array, Uint8Array]> {
    for (const entry of this.table) yield [entry.key.slice(), entry.value.slice()];
  }

  protected readForUser(key: Uint8Array): Uint8Array | undefined {
    return this.table.find(key)?.value.slice(); // no LRU mark: the syscall path does not set it
  }

  protected writeFromUser(key: Uint8Array, value: Uint8Array, flags: number): number {
    return this.update(key, this.checkedValue(value), flags);
  }

  protected override released(value: Uint8Array): void {
    this.#values.release(value);
  }
}
