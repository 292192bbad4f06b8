import { describe, expect, it } from 'vitest';
import {
  BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_F_NO_COMMON_LRU, BPF_NOEXIST, createMap, E2BIG, EEXIST, EINVAL, ENOENT, HashMap,
  MapType,
} from '../../src/maps/index.js';
import { readU32, u32, u64, walkKeys } from './bytes.js';

function hash(type: number = MapType.HASH, maxEntries = 4, keySize = 4, flags = 0): HashMap {
  return createMap({ name: 'h', type, keySize, valueSize: 4, maxEntries, flags }) as HashMap;
}

describe('HASH update flags', () => {
  const cases: { name: string; present: boolean; flags: number; want: number }[] = [
    { name: 'ANY on missing inserts', present: false, flags: BPF_ANY, want: 0 },
    { name: 'ANY on existing replaces', present: true, flags: BPF_ANY, want: 0 },
    { name: 'NOEXIST on missing inserts', present: false, flags: BPF_NOEXIST, want: 0 },
    { name: 'NOEXIST on existing', present: true, flags: BPF_NOEXIST, want: -EEXIST },
    { name: 'EXIST on missing', present: false, flags: BPF_EXIST, want: -ENOENT },
    { name: 'EXIST on existing replaces', present: true, flags: BPF_EXIST, want: 0 },
    { name: 'F_LOCK without a bpf_spin_lock in the value is -EINVAL', present: true, flags: BPF_F_LOCK | BPF_EXIST, want: -EINVAL },
    { name: 'EXIST|NOEXIST is invalid', present: true, flags: 3, want: -EINVAL },
    { name: 'unknown flag bits', present: false, flags: 8, want: -EINVAL },
    { name: 'u64 high bits', present: false, flags: 2 ** 32, want: -EINVAL },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const m = hash();
      if (c.present) expect(m.update(u32(1), u32(10), BPF_ANY)).toBe(0);
      expect(m.update(u32(1), u32(20), c.flags)).toBe(c.want);
      const expected = c.want === 0 ? 20 : c.present ? 10 : undefined;
      expect(readU32(m.lookup(u32(1)))).toBe(expected);
    });
  }
});

describe('HASH', () => {
  it('fails with E2BIG when full but still replaces existing keys', () => {
    const m = hash(MapType.HASH, 2);
    expect(m.update(u32(1), u32(1), BPF_ANY)).toBe(0);
    expect(m.update(u32(2), u32(2), BPF_ANY)).toBe(0);
    expect(m.update(u32(3), u32(3), BPF_ANY)).toBe(-E2BIG);
    expect(m.update(u32(2), u32(22), BPF_EXIST)).toBe(0);
    expect(m.count).toBe(2);
    expect(m.delete(u32(1))).toBe(0);
    expect(m.update(u32(3), u32(3), BPF_ANY)).toBe(0);
  });

  it('returns the live value: program writes are visible', () => {
    const m = hash();
    m.update(u32(7), u32(1), BPF_ANY);
    const v = m.lookup(u32(7))!;
    v[0] = 99;
    expect(readU32(m.lookup(u32(7)))).toBe(99);
    expect(readU32(m.userLookup(u32(7)))).toBe(99);
  });

  it('copies keys and values passed in (views of VM memory)', () => {
    const m = hash();
    const key = u32(5);
    const value = u32(50);
    m.update(key, value, BPF_ANY);
    key[0] = 6;
    value[0] = 0;
    expect(readU32(m.lookup(u32(5)))).toBe(50);
    expect([...m.keys()].map(readU32)).toEqual([5]);
  });

  it('delete: ENOENT for a missing key', () => {
    const m = hash();
    expect(m.delete(u32(1))).toBe(-ENOENT);
    m.update(u32(1), u32(1), BPF_ANY);
    expect(m.delete(u32(1))).toBe(0);
    expect(m.lookup(u32(1))).toBeUndefined();
  });

  it('nextKey walks in insertion order, starts over on a missing key, survives deleting the current key', () => {
    const m = hash(MapType.HASH, 10);
    for (const k of [3, 1, 2]) m.update(u32(k), u32(k), BPF_ANY);
    expect(walkKeys(m).map(readU32)).toEqual([3, 1, 2]);
    expect(readU32(m.nextKey(u32(42)))).toBe(3);
    expect(m.nextKey(u32(2))).toBeUndefined();
    // Drain pattern: get next, then delete the current.
    const seen: number[] = [];
    let k = m.nextKey(undefined);
    while (k) {
      const next = m.nextKey(k);
      seen.push(readU32(k)!);
      m.delete(k);
      k = next;
    }
    expect(seen).toEqual([3, 1, 2]);
    expect(m.count).toBe(0);
    expect(m.nextKey(undefined)).toBeUndefined();
  });

  it('keys longer than 6 bytes and of odd sizes', () => {
    for (const keySize of [5, 7, 8, 13, 16]) {
      const m = hash(MapType.HASH, 8, keySize);
      const a = new Uint8Array(keySize).fill(1);
      const b = a.slice();
      b[keySize - 1] = 2;
      m.update(a, u32(1), BPF_ANY);
      m.update(b, u32(2), BPF_ANY);
      expect(readU32(m.lookup(a))).toBe(1);
      expect(readU32(m.lookup(b))).toBe(2);
      expect(m.count).toBe(2);
    }
    const m = hash(MapType.HASH, 4, 8);
    m.update(u64(2 ** 40 + 1), u32(1), BPF_ANY);
    expect(m.lookup(u64(1))).toBeUndefined();
  });

  it('reuses the storage of deleted entries without mixing up keys or values', () => {
    const m = hash(MapType.HASH, 64, 12);
    const key = (i: number) => Uint8Array.from({ length: 12 }, (_, j) => (i * 7 + j) & 0xff);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 64; i++) expect(m.update(key(i + round), u32(i * 100 + round), BPF_ANY)).toBe(0);
      for (let i = 0; i < 64; i++) expect(readU32(m.lookup(key(i + round)))).toBe(i * 100 + round);
      expect(new Set(walkKeys(m).map((k) => k.join())).size).toBe(64);
      for (let i = 0; i < 64; i += 2) m.delete(key(i + round));
      m.clear();
    }
  });

  it('userUpdate checks sizes and userLookup copies', () => {
    const m = hash();
    expect(() => m.userUpdate(new Uint8Array(3), u32(1))).toThrow(/key is 3 bytes, key_size is 4/);
    expect(() => m.userUpdate(u32(1), new Uint8Array(2))).toThrow(/value is 2 bytes/);
    m.userUpdate(u32(1), u32(5));
    m.userLookup(u32(1))![0] = 0;
    expect(readU32(m.lookup(u32(1)))).toBe(5);
    m.clear();
    expect(m.count).toBe(0);
  });
});

describe('LRU_HASH', () => {
  it('evicts the least recently used entry when full', () => {
    const m = hash(MapType.LRU_HASH, 3);
    for (const k of [1, 2, 3]) expect(m.update(u32(k), u32(k), BPF_ANY)).toBe(0);
    m.lookup(u32(1)); // 2 is now the oldest
    expect(m.update(u32(4), u32(4), BPF_ANY)).toBe(0);
    expect(m.lookup(u32(2))).toBeUndefined();
    // The kernel takes a free node before it looks at the key: updating 3 in the full map
    // {3, 1, 4} first evicts the oldest, 3 itself, so BPF_EXIST then fails.
    expect(m.update(u32(3), u32(33), BPF_EXIST)).toBe(-ENOENT);
    expect(m.update(u32(5), u32(5), BPF_ANY)).toBe(0);
    expect(walkKeys(m).map(readU32).sort()).toEqual([1, 4, 5]);
  });

  it('userspace lookups do not mark entries used', () => {
    const m = hash(MapType.LRU_HASH, 2);
    m.update(u32(1), u32(1), BPF_ANY);
    m.update(u32(2), u32(2), BPF_ANY);
    m.userLookup(u32(1));
    m.update(u32(3), u32(3), BPF_ANY);
    expect(m.lookup(u32(1))).toBeUndefined();
    expect(m.count).toBe(2);
  });

  it('keeps flag semantics and accepts BPF_F_NO_COMMON_LRU', () => {
    const m = hash(MapType.LRU_HASH, 2, 4, BPF_F_NO_COMMON_LRU);
    m.update(u32(1), u32(1), BPF_ANY);
    expect(m.update(u32(1), u32(1), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.update(u32(9), u32(1), BPF_EXIST)).toBe(-ENOENT);
    m.update(u32(2), u32(2), BPF_ANY);
    expect(m.update(u32(3), u32(3), BPF_NOEXIST)).toBe(0);
    expect(m.count).toBe(2);
  });
});
