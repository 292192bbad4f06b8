import { describe, expect, it } from 'vitest';
import {
  BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, createMap, E2BIG, EEXIST, EINVAL, ENOENT, MapType, packPercpu,
  percpuBufferSize, PercpuArrayMap, PercpuHashMap, unpackPercpu,
} from '../../src/maps/index.js';
import { readU32, u32 } from './bytes.js';

const nCpus = 3;
function percpuHash(type: number = MapType.PERCPU_HASH, maxEntries = 4): PercpuHashMap {
  return createMap({ name: 'ph', type, keySize: 4, valueSize: 4, maxEntries }, { nCpus }) as PercpuHashMap;
}
function percpuArray(): PercpuArrayMap {
  return createMap({ name: 'pa', type: MapType.PERCPU_ARRAY, keySize: 4, valueSize: 4, maxEntries: 2 }, { nCpus }) as PercpuArrayMap;
}

describe('per-CPU value buffers', () => {
  it('rounds each CPU slot to 8 bytes like the kernel', () => {
    expect(percpuBufferSize(4, 3)).toBe(24);
    expect(percpuBufferSize(12, 2)).toBe(32);
    const packed = packPercpu([u32(1), u32(2)], 4);
    expect([...packed]).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
    expect(unpackPercpu(packed, 4, 2).map(readU32)).toEqual([1, 2]);
  });
});

describe('PERCPU_HASH', () => {
  it('programs see their CPU slot; a new entry zeroes the other CPUs', () => {
    const m = percpuHash();
    m.cpu = 1;
    expect(m.update(u32(1), u32(11), BPF_ANY)).toBe(0);
    expect(m.userLookup(u32(1))!.map(readU32)).toEqual([0, 11, 0]);
    m.cpu = 2;
    m.update(u32(1), u32(22), BPF_EXIST);
    expect(readU32(m.lookup(u32(1)))).toBe(22);
    expect(readU32(m.lookupPercpu(u32(1), 1))).toBe(11);
    expect(m.lookupPercpu(u32(1), 3)).toBeUndefined();
  });

  it('userspace writes every CPU: one value each, one for all, or the packed kernel buffer', () => {
    const m = percpuHash();
    expect(m.userUpdate(u32(1), [u32(1), u32(2), u32(3)])).toBe(0);
    expect(m.userLookup(u32(1))!.map(readU32)).toEqual([1, 2, 3]);
    expect(m.userUpdate(u32(1), u32(7))).toBe(0);
    expect(m.userLookup(u32(1))!.map(readU32)).toEqual([7, 7, 7]);
    expect(m.userUpdate(u32(1), packPercpu([u32(4), u32(5), u32(6)], 4))).toBe(0);
    expect(m.userLookup(u32(1))!.map(readU32)).toEqual([4, 5, 6]);
    expect(() => m.userUpdate(u32(1), [u32(1), u32(2)])).toThrow(/map "ph": 2 per-CPU values for 3 CPUs/);
    expect(() => m.userUpdate(u32(1), new Uint8Array(5))).toThrow(/expected 4 .* or 24/);
  });

  it('flags: EEXIST/ENOENT, F_LOCK rejected, E2BIG when full', () => {
    const m = percpuHash(MapType.PERCPU_HASH, 1);
    expect(m.update(u32(1), u32(1), BPF_EXIST)).toBe(-ENOENT);
    expect(m.update(u32(1), u32(1), BPF_NOEXIST)).toBe(0);
    expect(m.update(u32(1), u32(1), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.update(u32(1), u32(1), BPF_F_LOCK)).toBe(-EINVAL);
    expect(m.update(u32(2), u32(1), BPF_ANY)).toBe(-E2BIG);
  });

  it('LRU_PERCPU_HASH evicts the least recently used', () => {
    const m = percpuHash(MapType.LRU_PERCPU_HASH, 2);
    m.update(u32(1), u32(1), BPF_ANY);
    m.update(u32(2), u32(2), BPF_ANY);
    m.lookup(u32(1));
    expect(m.update(u32(3), u32(3), BPF_ANY)).toBe(0);
    expect([...m.keys()].map(readU32)).toEqual([1, 3]);
  });
});

describe('PERCPU_ARRAY', () => {
  it('programs write their CPU slot, userspace all of them', () => {
    const m = percpuArray();
    m.cpu = 2;
    expect(m.update(u32(0), u32(9), BPF_ANY)).toBe(0);
    expect(m.userLookup(u32(0))!.map(readU32)).toEqual([0, 0, 9]);
    expect(m.userUpdate(u32(1), [u32(1)])).toBe(0); // one value for every CPU
    expect(m.userLookup(u32(1))!.map(readU32)).toEqual([1, 1, 1]);
    m.cpu = 0;
    expect(readU32(m.lookup(u32(1)))).toBe(1);
  });

  it('kernel array errnos', () => {
    const m = percpuArray();
    expect(m.update(u32(2), u32(1), BPF_ANY)).toBe(-E2BIG);
    expect(m.update(u32(0), u32(1), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.userUpdate(u32(0), u32(1), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.update(u32(0), u32(1), BPF_F_LOCK)).toBe(-EINVAL);
    expect(m.delete(u32(0))).toBe(-EINVAL);
    expect(m.lookup(u32(2))).toBeUndefined();
  });
});
