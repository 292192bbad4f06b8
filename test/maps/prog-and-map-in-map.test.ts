import { describe, expect, it } from 'vitest';
import {
  ArrayOfMapsMap, BPF_ANY, BPF_EXIST, BPF_F_INNER_MAP, BPF_NOEXIST, createMap, E2BIG, EEXIST, EINVAL, ENOENT,
  HashOfMapsMap, MapType, ProgArrayMap, type MapDef,
} from '../../src/maps/index.js';
import { readU32, u32, walkKeys } from './bytes.js';

interface Prog {
  name: string;
}

describe('PROG_ARRAY', () => {
  function progArray(): ProgArrayMap<Prog> {
    return createMap({ name: 'jmp', type: MapType.PROG_ARRAY, keySize: 4, valueSize: 4, maxEntries: 4 }) as ProgArrayMap<Prog>;
  }

  it('holds programs for tail calls', () => {
    const m = progArray();
    const a = { name: 'handle_ipv4' };
    expect(m.setProgram(1, a)).toBe(0);
    expect(m.getProgram(1)).toBe(a);
    expect(m.programName(1)).toBe('handle_ipv4');
    expect(m.getProgram(0)).toBeUndefined();
    expect(m.getProgram(99)).toBeUndefined();
    expect(m.count).toBe(1);
    expect(m.lookup(u32(1))).toBeUndefined(); // programs cannot look prog arrays up
  });

  it('userspace errnos', () => {
    const m = progArray();
    const p = { name: 'p' };
    expect(m.setProgram(4, p)).toBe(-E2BIG);
    expect(m.userUpdate(u32(0), p, BPF_NOEXIST)).toBe(-EINVAL); // fd arrays take BPF_ANY only
    expect(m.userUpdate(u32(0), p)).toBe(0);
    expect(m.userLookup(u32(0))).toBe(p);
    expect(m.deleteProgram(2)).toBe(-ENOENT);
    expect(m.deleteProgram(7)).toBe(-E2BIG);
    expect(m.userDelete(u32(0))).toBe(0);
    expect(m.count).toBe(0);
  });

  it('nextKey walks every index like the kernel', () => {
    expect(walkKeys(progArray()).map(readU32)).toEqual([0, 1, 2, 3]);
  });
});

const inner: MapDef = { name: 'inner', type: MapType.HASH, keySize: 4, valueSize: 4, maxEntries: 8 };

describe('ARRAY_OF_MAPS', () => {
  function outer(innerDef: MapDef = inner): ArrayOfMapsMap {
    return createMap({ name: 'outer', type: MapType.ARRAY_OF_MAPS, keySize: 4, valueSize: 4, maxEntries: 2, inner: innerDef }) as ArrayOfMapsMap;
  }

  it('program lookups return the inner map', () => {
    const o = outer();
    const i = createMap(inner);
    expect(o.userUpdate(u32(1), i)).toBe(0);
    expect(o.lookupMap(u32(1))).toBe(i);
    expect(o.lookupMap(u32(0))).toBeUndefined();
    expect(o.lookupMap(u32(5))).toBeUndefined();
    expect(o.lookup(u32(1))).toBeUndefined(); // not bytes
  });

  it('rejects inner maps unlike the template, and other flags/indexes', () => {
    const o = outer();
    expect(o.userUpdate(u32(0), createMap({ ...inner, keySize: 8 }))).toBe(-EINVAL);
    expect(o.userUpdate(u32(0), createMap({ ...inner, type: MapType.LRU_HASH }))).toBe(-EINVAL);
    expect(o.userUpdate(u32(0), createMap(inner), BPF_EXIST)).toBe(-EINVAL);
    expect(o.userUpdate(u32(2), createMap(inner))).toBe(-E2BIG);
    expect(o.userDelete(u32(0))).toBe(-ENOENT);
  });

  it('array inner maps must match max_entries unless BPF_F_INNER_MAP', () => {
    const arrayInner: MapDef = { name: 'ai', type: MapType.ARRAY, keySize: 4, valueSize: 4, maxEntries: 4 };
    expect(outer(arrayInner).userUpdate(u32(0), createMap({ ...arrayInner, maxEntries: 8 }))).toBe(-EINVAL);
    const relaxed = { ...arrayInner, flags: BPF_F_INNER_MAP };
    expect(outer(relaxed).userUpdate(u32(0), createMap({ ...relaxed, maxEntries: 8 }))).toBe(0);
  });
});

describe('HASH_OF_MAPS', () => {
  function outer(maxEntries = 2): HashOfMapsMap {
    return createMap({ name: 'hom', type: MapType.HASH_OF_MAPS, keySize: 4, valueSize: 4, maxEntries, inner }) as HashOfMapsMap;
  }

  it('hash flag semantics and lookupMap', () => {
    const o = outer(1);
    const a = createMap(inner);
    const b = createMap(inner);
    expect(o.userUpdate(u32(7), a, BPF_EXIST)).toBe(-ENOENT);
    expect(o.userUpdate(u32(7), a, BPF_NOEXIST)).toBe(0);
    expect(o.userUpdate(u32(7), b, BPF_NOEXIST)).toBe(-EEXIST);
    expect(o.userUpdate(u32(7), b, BPF_ANY)).toBe(0);
    expect(o.lookupMap(u32(7))).toBe(b);
    expect(o.userUpdate(u32(8), a, BPF_ANY)).toBe(-E2BIG);
    expect(o.delete(u32(7))).toBe(0);
    expect(o.lookupMap(u32(7))).toBeUndefined();
  });
});
