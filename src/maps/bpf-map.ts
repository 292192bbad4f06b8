// What every map shares: its definition, the program-side operations the helpers call
// (hot path, kernel return conventions), and the syscall-side API of the control plane.

import { BPF_ANY, BPF_F_RDONLY, BPF_F_RDONLY_PROG, EINVAL, EPERM, mapTypeName } from './constants.js';
import type { Layout } from './layout.js';
import { MapError } from './map-error.js';
import { exportMap } from './json/export.js';
import type { AnyBpfMap } from './any-map.js';
import type { MapContentsJson } from './json/types.js';

/** A map definition as the ELF loader reads it from a .maps section (BTF) or builds it for global data. */
export interface MapDef {
  name: string;
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags?: number;
  keyLayout?: Layout;
  valueLayout?: Layout;
  /** The inner-map template of ARRAY_OF_MAPS / HASH_OF_MAPS (libbpf's `__array(values, ...)`). */
  inner?: MapDef;
}

export interface MapOptions {
  /** Possible CPUs: slots of per-CPU maps, default max_entries of perf event arrays. Default 1. */
  nCpus?: number;
}

/** Which implementation a map is: lets code switch on a map without importing the classes. */
export type MapKind =
  | 'hash' | 'percpu-hash' | 'array' | 'percpu-array' | 'lpm-trie' | 'prog-array'
  | 'array-of-maps' | 'hash-of-maps' | 'perf-event-array' | 'ringbuf';

/**
 * `Out` is what userspace lookups return and `In` what userspace updates take: bytes for most
 * maps, one buffer per CPU for per-CPU maps, programs for prog arrays, maps for map-in-map.
 */
export abstract class BpfMap<Out = Uint8Array, In = Out> {
  abstract readonly kind: MapKind;
  readonly name: string;
  readonly type: number;
  readonly typeName: string;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly keyLayout?: Layout;
  readonly valueLayout?: Layout;
  readonly nCpus: number;
  /** The CPU the running program is on: picks per-CPU slots and BPF_F_CURRENT_CPU. */
  cpu = 0;
  #frozen = false;

  constructor(def: MapDef, opts: MapOptions = {}) {
    this.name = def.name;
    this.type = def.type;
    this.typeName = mapTypeName(def.type);
    this.keySize = def.keySize;
    this.valueSize = def.valueSize;
    this.maxEntries = def.maxEntries;
    this.flags = def.flags ?? 0;
    if (def.keyLayout) this.keyLayout = def.keyLayout;
    if (def.valueLayout) this.valueLayout = def.valueLayout;
    this.nCpus = opts.nCpus ?? 1;
  }

  /** BPF_MAP_FREEZE: later syscall-side writes fail with EPERM (libbpf freezes .rodata). */
  freeze(): void {
    this.#frozen = true;
  }

  get frozen(): boolean {
    return this.#frozen;
  }

  /** Syscall-side writes fail with EPERM: frozen, or created with BPF_F_RDONLY. */
  get userReadonly(): boolean {
    return this.#frozen || (this.flags & BPF_F_RDONLY) !== 0;
  }

  /** Programs must not write values (BPF_F_RDONLY_PROG, e.g. .rodata): the VM enforces it. */
  get progReadonly(): boolean {
    return (this.flags & BPF_F_RDONLY_PROG) !== 0;
  }

  // ---- Program side: what helpers call. Keys/values are views of at least keySize/valueSize bytes.

  /** The live value (programs read and write through it), or undefined. */
  lookup(_key: Uint8Array): Uint8Array | undefined {
    return undefined;
  }

  /** 0 or a negative errno. */
  update(_key: Uint8Array, _value: Uint8Array, _flags: number): number {
    return -EINVAL;
  }

  /** 0 or a negative errno. */
  delete(_key: Uint8Array): number {
    return -EINVAL;
  }

  /** BPF_MAP_GET_NEXT_KEY: the first key for undefined or a missing key; undefined after the last. */
  abstract nextKey(key: Uint8Array | undefined): Uint8Array | undefined;

  // ---- Syscall side: the control plane, the differ, JSON import/export. Values are copies.

  userLookup(key: Uint8Array): Out | undefined {
    return this.readForUser(this.checkedKey(key));
  }

  /** 0 or a negative errno, as BPF_MAP_UPDATE_ELEM would return. */
  userUpdate(key: Uint8Array, value: In, flags: number = BPF_ANY): number {
    if (this.userReadonly) return -EPERM;
    return this.writeFromUser(this.checkedKey(key), value, flags);
  }

  /** 0 or a negative errno, as BPF_MAP_DELETE_ELEM would return. */
  userDelete(key: Uint8Array): number {
    if (this.userReadonly) return -EPERM;
    return this.deleteFromUser(this.checkedKey(key));
  }

  /** Entries with a value (arrays: every index); keys and values are copies. */
  abstract entries(): IterableIterator<[Uint8Array, Out]>;

  *keys(): IterableIterator<Uint8Array> {
    for (const [key] of this.entries()) yield key;
  }

  /** Number of entries `entries()` yields. */
  abstract get count(): number;

  /** Deletes every entry (arrays: zeroes every value). */
  clear(): void {
    if (this.userReadonly) throw new MapError(this.name, 'cannot clear a read-only or frozen map', EPERM);
    this.clearAll();
  }

  /** The contents in the map JSON format (docs/map-json.md); inner maps inline. */
  dump(): MapContentsJson {
    return exportMap(this as unknown as AnyBpfMap);
  }

  protected abstract readForUser(key: Uint8Array): Out | undefined;
  protected abstract writeFromUser(key: Uint8Array, value: In, flags: number): number;
  protected deleteFromUser(key: Uint8Array): number {
    return this.delete(key);
  }
  protected abstract clearAll(): void;

  protected checkedKey(key: Uint8Array): Uint8Array {
    if (key.length !== this.keySize) {
      throw new MapError(this.name, `key is ${key.length} bytes, key_size is ${this.keySize}`, EINVAL);
    }
    return key;
  }

  protected checkedValue(value: Uint8Array): Uint8Array {
    if (value.length !== this.valueSize) {
      throw new MapError(this.name, `value is ${value.length} bytes, value_size is ${this.valueSize}`, EINVAL);
    }
    return value;
  }
}
