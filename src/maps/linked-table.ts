// Storage of the hash-like maps: a JS Map for O(1) lookup plus a doubly linked list, which
// gives O(1) get-next-key (a kernel iteration survives deleting the current key) and, for
// LRU maps, O(1) "mark used" and "evict the least recently used".

import { ByteSlab } from './byte-slab.js';
import { keyIdFn, type KeyId, type KeyIdFn } from './key-id.js';

export class TableEntry<V> {
  prev: TableEntry<V> | undefined = undefined;
  next: TableEntry<V> | undefined = undefined;
  constructor(
    readonly id: KeyId,
    readonly key: Uint8Array,
    public value: V,
  ) {}
}

export class LinkedTable<V> {
  readonly idOf: KeyIdFn;
  readonly #byId = new Map<KeyId, TableEntry<V>>();
  readonly #keys: ByteSlab;
  /** Oldest (least recently used) end. */
  head: TableEntry<V> | undefined = undefined;
  tail: TableEntry<V> | undefined = undefined;

  constructor(readonly keySize: number) {
    this.idOf = keyIdFn(keySize);
    this.#keys = new ByteSlab(keySize);
  }

  get size(): number {
    return this.#byId.size;
  }

  find(key: Uint8Array): TableEntry<V> | undefined {
    return this.#byId.get(this.idOf(key));
  }

  findId(id: KeyId): TableEntry<V> | undefined {
    return this.#byId.get(id);
  }

  /** Appends at the tail; `id` is `idOf(key)`; the key is copied (callers pass views of VM memory). */
  insert(id: KeyId, key: Uint8Array, value: V): TableEntry<V> {
    const entry = new TableEntry(id, this.#keys.copyOf(key), value);
    this.#byId.set(entry.id, entry);
    this.#link(entry);
    return entry;
  }

  /** Unlinks the entry; its key buffer is reused, so callers must not keep `entry.key`. */
  remove(entry: TableEntry<V>): void {
    this.#byId.delete(entry.id);
    this.#unlink(entry);
    this.#keys.release(entry.key);
  }

  /** Marks an entry most recently used. */
  moveToTail(entry: TableEntry<V>): void {
    if (entry === this.tail) return;
    this.#unlink(entry);
    this.#link(entry);
  }

  clear(): void {
    this.#byId.clear();
    this.#keys.reset();
    this.head = this.tail = undefined;
  }

  *[Symbol.iterator](): IterableIterator<TableEntry<V>> {
    for (let e = this.head; e; e = e.next) yield e;
  }

  #link(entry: TableEntry<V>): void {
    entry.prev = this.tail;
    entry.next = undefined;
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
  }

  #unlink(entry: TableEntry<V>): void {
    if (entry.prev) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    entry.prev = entry.next = undefined;
  }
}
