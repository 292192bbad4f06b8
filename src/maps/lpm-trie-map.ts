// BPF_MAP_TYPE_LPM_TRIE. Stored as one hash table per prefix length in use, probed longest
// first: a lookup costs one probe per distinct prefix length, usually a handful.

import { BpfMap, type MapDef, type MapOptions } from './bpf-map.js';
import { EINVAL, ENOENT, ENOSPC } from './constants.js';
import { readIndex, type KeyId } from './key-id.js';
import { comparePostorder, LPM_DATA_OFFSET, prefixCutter, type PrefixCutter } from './lpm-prefix.js';
import { updateFlagsError } from './update-flags.js';

interface LpmEntry {
  /** The key as last written: bits past the prefix are kept, as the kernel keeps them. */
  readonly key: Uint8Array;
  readonly prefixLen: number;
  readonly value: Uint8Array;
  /** Position in get-next-key order, valid while the order cache is. */
  rank: number;
}

export class LpmTrieMap extends BpfMap {
  readonly kind = 'lpm-trie';
  readonly dataSize: number;
  readonly maxPrefixLen: number;
  readonly #cutter: PrefixCutter;
  /** Prefix lengths in use, longest first, and the entries of each by masked data. */
  readonly #lengths: number[] = [];
  readonly #tables: Map<KeyId, LpmEntry>[] = [];
  #count = 0;
  #order: LpmEntry[] | undefined;

  constructor(def: MapDef, opts?: MapOptions) {
    super(def, opts);
    this.dataSize = def.keySize - LPM_DATA_OFFSET;
    this.maxPrefixLen = this.dataSize * 8;
    this.#cutter = prefixCutter(this.dataSize);
  }

  /** Longest-prefix match, only over prefixes no longer than the key's prefixlen. */
  override lookup(key: Uint8Array): Uint8Array | undefined {
    const limit = readIndex(key);
    const lengths = this.#lengths;
    const prepared = this.#cutter.prepare(key);
    for (let i = 0; i < lengths.length; i++) {
      const len = lengths[i];
      if (len > limit) continue;
      const entry = this.#tables[i].get(this.#cutter.cut(prepared, key, len));
      if (entry !== undefined) return entry.value;
    }
    return undefined;
  }

  /** Adds or replaces the exact prefix (kernel >= 6.13 semantics: a full trie still replaces). */
  override update(key: Uint8Array, value: Uint8Array, flags: number): number {
    const prefixLen = readIndex(key);
    if (prefixLen > this.maxPrefixLen) return -EINVAL;
    const existing = this.#find(key, prefixLen);
    const err = updateFlagsError(flags, existing !== undefined, false);
    if (err !== 0) return err;
    const bytes = value.length === this.valueSize ? value : value.subarray(0, this.valueSize);
    if (existing !== undefined) {
      existing.key.set(key.subarray(0, this.keySize));
      existing.value.set(bytes);
      return 0;
    }
    if (this.#count >= this.maxEntries) return -ENOSPC;
    const entry: LpmEntry = { key: key.slice(0, this.keySize), prefixLen, value: bytes.slice(), rank: -1 };
    this.#tableFor(prefixLen).set(this.#exactId(key, prefixLen), entry);
    this.#count++;
    this.#order = undefined;
    return 0;
  }

  /** Deletes the exact prefix. */
  override delete(key: Uint8Array): number {
    const prefixLen = readIndex(key);
    if (prefixLen > this.maxPrefixLen) return -EINVAL;
    const at = this.#lengths.indexOf(prefixLen);
    if (at < 0 || !this.#tables[at].delete(this.#exactId(key, prefixLen))) return -ENOENT;
    if (this.#tables[at].size === 0) {
      this.#lengths.splice(at, 1);
      this.#tables.splice(at, 1);
    }
    this.#count--;
    this.#order = undefined;
    return 0;
  }

  /** The kernel's postorder: more specific prefixes before those covering them, 0-bits first. */
  override nextKey(key: Uint8Array | undefined): Uint8Array | undefined {
    const order = this.#ordered();
    const current = key === undefined ? undefined : this.#find(key, readIndex(key));
    const next = current === undefined ? order[0] : order[current.rank + 1];
    return next?.key.slice();
  }

  get count(): number {
    return this.#count;
  }

  /** Postorder (see nextKey). */
  *entries(): IterableIterator<[Uint8Array, Uint8Array]> {
    for (const entry of this.#ordered()) yield [entry.key.slice(), entry.value.slice()];
  }

  /** Like the kernel's syscall lookup, a longest-prefix match. */
  protected readForUser(key: Uint8Array): Uint8Array | undefined {
    return this.lookup(key)?.slice();
  }

  protected writeFromUser(key: Uint8Array, value: Uint8Array, flags: number): number {
    return this.update(key, this.checkedValue(value), flags);
  }

  protected clearAll(): void {
    this.#lengths.length = 0;
    this.#tables.length = 0;
    this.#count = 0;
    this.#order = undefined;
  }

  #exactId(key: Uint8Array, prefixLen: number): KeyId {
    return this.#cutter.cut(this.#cutter.prepare(key), key, prefixLen);
  }

  #find(key: Uint8Array, prefixLen: number): LpmEntry | undefined {
    const at = this.#lengths.indexOf(prefixLen);
    return at < 0 ? undefined : this.#tables[at].get(this.#exactId(key, prefixLen));
  }

  #tableFor(prefixLen: number): Map<KeyId, LpmEntry> {
    let at = this.#lengths.indexOf(prefixLen);
    if (at < 0) {
      at = this.#lengths.findIndex((len) => len < prefixLen);
      if (at < 0) at = this.#lengths.length;
      this.#lengths.splice(at, 0, prefixLen);
      this.#tables.splice(at, 0, new Map());
    }
    return this.#tables[at];
  }

  #ordered(): LpmEntry[] {
    if (this.#order === undefined) {
      const all = this.#tables.flatMap((table) => [...table.values()]);
      all.sort((a, b) => comparePostorder(a.key, a.prefixLen, b.key, b.prefixLen));
      all.forEach((entry, rank) => (entry.rank = rank));
      this.#order = all;
    }
    return this.#order;
  }
}
