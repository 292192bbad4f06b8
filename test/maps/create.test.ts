import { describe, expect, it } from 'vitest';
import {
  BPF_F_INNER_MAP, BPF_F_MMAPABLE, BPF_F_NO_COMMON_LRU, BPF_F_NO_PREALLOC, BPF_F_RDONLY, BPF_F_WRONLY, createMap, E2BIG,
  EINVAL, ENOTSUPP, MapError, MapType, type MapDef,
} from '../../src/maps/index.js';

const base = (type: number, over: Partial<MapDef> = {}): MapDef => ({ name: 'm', type, keySize: 4, valueSize: 8, maxEntries: 16, ...over });

describe('createMap kernel checks', () => {
  const rejects: { name: string; def: MapDef; errno: number; message: RegExp }[] = [
    { name: 'hash key_size 0', def: base(MapType.HASH, { keySize: 0 }), errno: EINVAL, message: /key_size is 0/ },
    { name: 'hash value_size 0', def: base(MapType.HASH, { valueSize: 0 }), errno: EINVAL, message: /value_size is 0/ },
    { name: 'hash max_entries 0', def: base(MapType.HASH, { maxEntries: 0 }), errno: EINVAL, message: /max_entries is 0/ },
    { name: 'hash key over the stack', def: base(MapType.HASH, { keySize: 513 }), errno: E2BIG, message: /key_size 513/ },
    { name: 'hash MMAPABLE', def: base(MapType.HASH, { flags: BPF_F_MMAPABLE }), errno: EINVAL, message: /not allowed for hash/ },
    { name: 'NO_COMMON_LRU on hash', def: base(MapType.HASH, { flags: BPF_F_NO_COMMON_LRU }), errno: EINVAL, message: /needs an LRU/ },
    { name: 'LRU without prealloc', def: base(MapType.LRU_HASH, { flags: BPF_F_NO_PREALLOC }), errno: ENOTSUPP, message: /preallocated/ },
    { name: 'percpu value too big', def: base(MapType.PERCPU_HASH, { valueSize: 40000 }), errno: E2BIG, message: /per-CPU value_size/ },
    { name: 'array key_size 8', def: base(MapType.ARRAY, { keySize: 8 }), errno: EINVAL, message: /key_size must be 4/ },
    { name: 'percpu array MMAPABLE', def: base(MapType.PERCPU_ARRAY, { flags: BPF_F_MMAPABLE }), errno: EINVAL, message: /MMAPABLE/ },
    { name: 'prog array value 8', def: base(MapType.PROG_ARRAY), errno: EINVAL, message: /value_size must be 4/ },
    { name: 'RDONLY|WRONLY', def: base(MapType.HASH, { flags: BPF_F_RDONLY | BPF_F_WRONLY }), errno: EINVAL, message: /RDONLY with/ },
    { name: 'LPM without NO_PREALLOC', def: base(MapType.LPM_TRIE, { keySize: 8 }), errno: EINVAL, message: /needs BPF_F_NO_PREALLOC/ },
    { name: 'LPM key of 4 bytes', def: base(MapType.LPM_TRIE, { flags: BPF_F_NO_PREALLOC }), errno: EINVAL, message: /key_size 4/ },
    { name: 'LPM key over 260', def: base(MapType.LPM_TRIE, { keySize: 261, flags: BPF_F_NO_PREALLOC }), errno: EINVAL, message: /key_size 261/ },
    { name: 'ringbuf not power of 2', def: base(MapType.RINGBUF, { keySize: 0, valueSize: 0, maxEntries: 3 * 4096 }), errno: EINVAL, message: /power of 2/ },
    { name: 'ringbuf under a page', def: base(MapType.RINGBUF, { keySize: 0, valueSize: 0, maxEntries: 1024 }), errno: EINVAL, message: /multiple of 4096/ },
    { name: 'ringbuf with key', def: base(MapType.RINGBUF, { valueSize: 0, maxEntries: 4096 }), errno: EINVAL, message: /must be 0/ },
    { name: 'map-in-map without inner', def: base(MapType.ARRAY_OF_MAPS, { valueSize: 4 }), errno: EINVAL, message: /inner map template/ },
    {
      name: 'nested map-in-map',
      def: base(MapType.HASH_OF_MAPS, { valueSize: 4, inner: base(MapType.ARRAY_OF_MAPS, { valueSize: 4, inner: base(MapType.HASH) }) }),
      errno: EINVAL,
      message: /cannot itself be a map-in-map/,
    },
    { name: 'bad inner template', def: base(MapType.ARRAY_OF_MAPS, { valueSize: 4, inner: base(MapType.HASH, { name: 'in', keySize: 0 }) }), errno: EINVAL, message: /map "in": key_size is 0/ },
    { name: 'unknown type', def: base(99), errno: EINVAL, message: /unsupported map type 99/ },
    { name: 'negative size', def: base(MapType.HASH, { keySize: -1 }), errno: EINVAL, message: /keySize -1 is not a u32/ },
  ];
  for (const c of rejects) {
    it(`rejects ${c.name}`, () => {
      try {
        createMap(c.def);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(MapError);
        expect((e as MapError).errno).toBe(c.errno);
        expect((e as MapError).message).toMatch(c.message);
        expect((e as MapError).message).toMatch(/^map "/);
      }
    });
  }

  const accepts: { name: string; def: MapDef }[] = [
    { name: 'hash', def: base(MapType.HASH, { flags: BPF_F_NO_PREALLOC }) },
    { name: 'LRU with NO_COMMON_LRU', def: base(MapType.LRU_PERCPU_HASH, { flags: BPF_F_NO_COMMON_LRU }) },
    { name: 'mmapable array', def: base(MapType.ARRAY, { flags: BPF_F_MMAPABLE }) },
    { name: 'LPM', def: base(MapType.LPM_TRIE, { keySize: 20, flags: BPF_F_NO_PREALLOC }) },
    { name: 'ringbuf', def: base(MapType.RINGBUF, { keySize: 0, valueSize: 0, maxEntries: 1 << 16 }) },
    { name: 'array of maps', def: base(MapType.ARRAY_OF_MAPS, { valueSize: 4, inner: base(MapType.ARRAY, { flags: BPF_F_INNER_MAP }) }) },
  ];
  for (const c of accepts) it(`accepts ${c.name}`, () => expect(createMap(c.def).type).toBe(c.def.type));

  it('names types like bpftool and keeps layouts', () => {
    const m = createMap({ ...base(MapType.LRU_PERCPU_HASH), keyLayout: { kind: 'int', size: 4, signed: false } });
    expect(m.typeName).toBe('lru_percpu_hash');
    expect(m.keyLayout).toEqual({ kind: 'int', size: 4, signed: false });
    expect(m.kind).toBe('percpu-hash');
  });

  it('rounds NO_COMMON_LRU max_entries to a CPU multiple', () => {
    expect(createMap(base(MapType.LRU_HASH, { maxEntries: 10, flags: BPF_F_NO_COMMON_LRU }), { nCpus: 4 }).maxEntries).toBe(12);
  });
});
