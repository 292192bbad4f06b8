// What HASH, LRU_HASH, the per-CPU hashes and HASH_OF_MAPS share: keyed storage with
// insertion-order iteration, delete, get-next-key, and the full-map policy (E2BIG, or
// evict the least recently used entry for LRU maps).

import { BpfMap, type MapDef, type MapOptions } from './bpf-map.js';
import { ENOENT } from './constants.js';
import { LinkedTable, type TableEntry } from './linked-table.js';

export abstract class HashLikeMap<V, Out, In> extends BpfMap<Out, In> {
  protected readonly table: LinkedTable<V>;
  /**
   * LRU maps evict instead of failing with E2BIG. The kernel's LRU is approximate (per-CPU
   * free lists, reference bits); this one is exact, with one list even under BPF_F_NO_COMMON_LRU.
   */
  readonly lru: boolean;

  constructor(def: MapDef, opts: MapOptions | undefined, lru: boolean) {
    super(def, opts);
    this.lru = lru;
    this.table = new LinkedTable<V>(def.keySize);
  }

  override delete(key: Uint8Array): number {
    const entry = this.table.find(key);
    if (entry === undefined) return -ENOENT;
    this.table.remove(entry);
    this.released(entry.value);
    return 0;
  }

  /** Insertion order (LRU maps: least recently used first). */
  override nextKey(key: Uint8Array | undefined): Uint8Array | undefined {
    const current = key === undefined ? undefined : this.table.find(key);
    const next = current === undefined ? this.table.head : current.next;
    return next?.key.slice();
  }

  get count(): number {
    return this.table.size;
  }

  protected clearAll(): void {
    for (const entry of this.table) this.released(entry.value);
    this.table.clear();
  }

  /** Room for one more entry: a full LRU map evicts its least recently used one. */
  protected makeRoom(): boolean {
    if (this.table.size < this.maxEntries) return true;
    const oldest = this.table.head;
    if (!this.lru || oldest === undefined) return false;
    this.table.remove(oldest);
    this.released(oldest.value);
    return true;
  }

  /**
   * The kernel's LRU update takes a free node before it looks at the key or the flags, so a full
   * LRU map evicts even when the key exists or the update is refused. With no free node it
   * evicts a batch (the per-CPU free target: max_entries / CPUs / 2, between 1 and 128).
   */
  protected lruPrepareUpdate(): void {
    if (!this.lru || this.table.size < this.maxEntries) return;
    const target = Math.min(128, Math.max(1, Math.floor(this.maxEntries / this.nCpus / 2)));
    for (let i = 0; i < target; i++) {
      const oldest = this.table.head;
      if (oldest === undefined) return;
      this.table.remove(oldest);
      this.released(oldest.value);
    }
  }

  /** A value left the map (deleted, evicted, cleared): its storage may be reused. */
  protected released(_value: V): void {}

  /** A program lookup or any update marks an LRU entry used. */
  protected touch(entry: TableEntry<V>): void {
    if (this.lru) this.table.moveToTail(entry);
  }
}
