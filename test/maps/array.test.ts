import { describe, expect, it } from 'vitest';
import {
  ArrayMap, BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_F_MMAPABLE, BPF_F_RDONLY, BPF_NOEXIST, createGlobalDataMap, createMap,
  E2BIG, EEXIST, EINVAL, EPERM, MapType,
} from '../../src/maps/index.js';
import { readU32, u32, walkKeys } from './bytes.js';

function array(maxEntries = 4, flags = 0): ArrayMap {
  return createMap({ name: 'a', type: MapType.ARRAY, keySize: 4, valueSize: 4, maxEntries, flags }) as ArrayMap;
}

describe('ARRAY', () => {
  const cases: { name: string; index: number; flags: number; want: number }[] = [
    { name: 'ANY', index: 1, flags: BPF_ANY, want: 0 },
    { name: 'EXIST (always exists)', index: 1, flags: BPF_EXIST, want: 0 },
    { name: 'NOEXIST (always exists)', index: 1, flags: BPF_NOEXIST, want: -EEXIST },
    { name: 'F_LOCK without a bpf_spin_lock in the value is -EINVAL', index: 1, flags: BPF_F_LOCK, want: -EINVAL },
    { name: 'index == max_entries', index: 4, flags: BPF_ANY, want: -E2BIG },
    { name: 'huge index', index: 0xffffffff, flags: BPF_ANY, want: -E2BIG },
    { name: 'bad flags', index: 1, flags: 3, want: -EINVAL },
  ];
  for (const c of cases) {
    it(`update ${c.name}`, () => {
      expect(array().update(u32(c.index), u32(7), c.flags)).toBe(c.want);
    });
  }

  it('every index exists and starts zeroed; lookups past the end fail', () => {
    const m = array();
    expect(readU32(m.lookup(u32(3)))).toBe(0);
    expect(m.lookup(u32(4))).toBeUndefined();
    expect(m.count).toBe(4);
    expect([...m.entries()].length).toBe(4);
  });

  it('delete is EINVAL', () => {
    expect(array().delete(u32(0))).toBe(-EINVAL);
    expect(array().userDelete(u32(0))).toBe(-EINVAL);
  });

  it('values are live views of one buffer with 8-byte slots', () => {
    const m = array();
    m.lookup(u32(1))![0] = 5;
    expect(m.data[8]).toBe(5);
    expect(m.valueAt(1)).toBe(m.lookup(u32(1)));
  });

  it('nextKey: 0 for no key or an index out of range, undefined after the last', () => {
    const m = array(3);
    expect(walkKeys(m).map(readU32)).toEqual([0, 1, 2]);
    expect(readU32(m.nextKey(u32(17)))).toBe(0);
    expect(m.nextKey(u32(2))).toBeUndefined();
  });

  it('clear zeroes every value', () => {
    const m = array();
    m.update(u32(2), u32(9), BPF_ANY);
    m.clear();
    expect(readU32(m.lookup(u32(2)))).toBe(0);
  });

  it('BPF_F_RDONLY blocks userspace writes only', () => {
    const m = array(4, BPF_F_RDONLY);
    expect(m.userUpdate(u32(0), u32(1))).toBe(-EPERM);
    expect(m.update(u32(0), u32(1), BPF_ANY)).toBe(0);
  });
});

describe('global data', () => {
  it('.rodata is RDONLY_PROG and frozen after its initial contents', () => {
    const m = createGlobalDataMap('.rodata', Uint8Array.from([1, 2, 3, 4, 5]));
    expect(m.maxEntries).toBe(1);
    expect(m.flags & BPF_F_MMAPABLE).toBeTruthy();
    expect(m.progReadonly).toBe(true);
    expect(m.frozen).toBe(true);
    expect([...m.lookup(u32(0))!]).toEqual([1, 2, 3, 4, 5]);
    expect(m.userUpdate(u32(0), new Uint8Array(5))).toBe(-EPERM);
    expect(() => m.clear()).toThrow(/map ".rodata": cannot clear a read-only or frozen map/);
  });

  it('.data and .bss stay writable until frozen', () => {
    const m = createGlobalDataMap('.bss', new Uint8Array(8));
    expect(m.progReadonly).toBe(false);
    expect(m.userUpdate(u32(0), new Uint8Array(8).fill(1))).toBe(0);
    m.freeze();
    expect(m.userUpdate(u32(0), new Uint8Array(8))).toBe(-EPERM);
    expect(m.userDelete(u32(0))).toBe(-EPERM);
    expect(m.update(u32(0), new Uint8Array(8), BPF_ANY)).toBe(0); // programs still write
  });
});
