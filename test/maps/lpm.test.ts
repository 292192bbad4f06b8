import { describe, expect, it } from 'vitest';
import {
  BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_F_NO_PREALLOC, BPF_NOEXIST, createMap, EEXIST, EINVAL, ENOENT, ENOSPC,
  LpmTrieMap, MapType,
} from '../../src/maps/index.js';
import { lpm4, readU32, u32, walkKeys } from './bytes.js';

function trie(maxEntries = 16, dataSize = 4): LpmTrieMap {
  return createMap({
    name: 'lpm', type: MapType.LPM_TRIE, keySize: 4 + dataSize, valueSize: 4, maxEntries, flags: BPF_F_NO_PREALLOC,
  }) as LpmTrieMap;
}

function keyText(key: Uint8Array): string {
  return `${[...key.subarray(4)].join('.')}/${readU32(key)}`;
}

describe('LPM_TRIE lookup', () => {
  const m = trie();
  const routes: [string, number, number][] = [
    ['0.0.0.0', 0, 1], // default route
    ['10.0.0.0', 8, 2],
    ['10.1.0.0', 16, 3],
    ['10.1.2.0', 24, 4],
    ['10.1.2.3', 32, 5],
    ['192.168.0.0', 16, 6],
  ];
  for (const [addr, len, v] of routes) m.update(lpm4(addr, len), u32(v), BPF_ANY);

  const cases: [string, number, number | undefined][] = [
    ['10.1.2.3', 32, 5], // exact /32
    ['10.1.2.4', 32, 4],
    ['10.1.3.1', 32, 3],
    ['10.2.0.1', 32, 2],
    ['11.0.0.1', 32, 1], // only the default route
    ['192.168.255.1', 32, 6],
    ['10.1.2.3', 20, 3], // the key's prefixlen bounds the match
    ['10.1.2.3', 0, 1],
  ];
  for (const [addr, len, want] of cases) {
    it(`${addr}/${len} -> ${want}`, () => expect(readU32(m.lookup(lpm4(addr, len)))).toBe(want));
  }

  it('no match without a default route', () => {
    const t = trie();
    t.update(lpm4('10.0.0.0', 8), u32(1), BPF_ANY);
    expect(t.lookup(lpm4('11.0.0.0', 32))).toBeUndefined();
  });

  it('matches odd prefix lengths bit by bit', () => {
    const t = trie();
    t.update(lpm4('10.128.0.0', 9), u32(1), BPF_ANY);
    expect(readU32(t.lookup(lpm4('10.200.0.0', 32)))).toBe(1);
    expect(t.lookup(lpm4('10.127.0.0', 32))).toBeUndefined();
  });
});

describe('LPM_TRIE update/delete', () => {
  it('updates and deletes the exact prefix only', () => {
    const m = trie();
    m.update(lpm4('10.0.0.0', 8), u32(1), BPF_ANY);
    m.update(lpm4('10.0.0.0', 16), u32(2), BPF_ANY);
    expect(m.delete(lpm4('10.0.0.0', 24))).toBe(-ENOENT);
    expect(m.delete(lpm4('10.0.0.0', 16))).toBe(0);
    expect(readU32(m.lookup(lpm4('10.0.0.1', 32)))).toBe(1);
    expect(m.delete(lpm4('10.0.0.0', 16))).toBe(-ENOENT);
    expect(m.count).toBe(1);
  });

  it('bits past the prefix do not change identity but are kept as written', () => {
    const m = trie();
    m.update(lpm4('10.9.9.9', 8), u32(1), BPF_ANY);
    expect(m.update(lpm4('10.0.0.0', 8), u32(2), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.update(lpm4('10.1.1.1', 8), u32(3), BPF_EXIST)).toBe(0);
    expect(m.count).toBe(1);
    expect(keyText(m.nextKey(undefined)!)).toBe('10.1.1.1/8');
    expect(m.delete(lpm4('10.0.0.0', 8))).toBe(0);
  });

  const cases: { name: string; run: (m: LpmTrieMap) => number; want: number }[] = [
    { name: 'prefixlen > data bits', run: (m) => m.update(lpm4('10.0.0.0', 33), u32(1), BPF_ANY), want: -EINVAL },
    { name: 'delete prefixlen > data bits', run: (m) => m.delete(lpm4('10.0.0.0', 33)), want: -EINVAL },
    { name: 'EXIST on missing', run: (m) => m.update(lpm4('1.0.0.0', 8), u32(1), BPF_EXIST), want: -ENOENT },
    { name: 'F_LOCK', run: (m) => m.update(lpm4('1.0.0.0', 8), u32(1), BPF_F_LOCK), want: -EINVAL },
    { name: 'flags 3', run: (m) => m.update(lpm4('1.0.0.0', 8), u32(1), 3), want: -EINVAL },
  ];
  for (const c of cases) it(c.name, () => expect(c.run(trie())).toBe(c.want));

  it('ENOSPC when full, but a full trie still replaces', () => {
    const m = trie(2);
    m.update(lpm4('1.0.0.0', 8), u32(1), BPF_ANY);
    m.update(lpm4('2.0.0.0', 8), u32(2), BPF_ANY);
    expect(m.update(lpm4('3.0.0.0', 8), u32(3), BPF_ANY)).toBe(-ENOSPC);
    expect(m.update(lpm4('2.0.0.0', 8), u32(22), BPF_ANY)).toBe(0);
    expect(readU32(m.lookup(lpm4('2.2.2.2', 32)))).toBe(22);
  });
});

describe('LPM_TRIE nextKey', () => {
  it("follows the kernel's postorder: more specific before covering prefixes", () => {
    const m = trie();
    for (const [a, l] of [['192.168.0.0', 16], ['192.168.1.0', 24], ['192.168.128.0', 24], ['192.168.0.0', 24], ['0.0.0.0', 0], ['10.0.0.0', 8]] as const) {
      m.update(lpm4(a, l), u32(l), BPF_ANY);
    }
    expect(walkKeys(m).map(keyText)).toEqual([
      '10.0.0.0/8', '192.168.0.0/24', '192.168.1.0/24', '192.168.128.0/24', '192.168.0.0/16', '0.0.0.0/0',
    ]);
    expect(keyText(m.nextKey(lpm4('7.7.7.7', 32))!)).toBe('10.0.0.0/8'); // missing key: the first
    expect(keyText(m.nextKey(lpm4('1.1.1.1', 40))!)).toBe('10.0.0.0/8');
    expect(m.nextKey(lpm4('0.0.0.0', 0))).toBeUndefined();
  });
});

describe('LPM_TRIE against a brute-force longest match', () => {
  function randomBytes(n: number, rand: () => number): Uint8Array {
    return Uint8Array.from({ length: n }, () => Math.floor(rand() * 4) * 64); // few distinct values: many overlaps
  }
  function matches(prefix: Uint8Array, len: number, addr: Uint8Array): boolean {
    for (let bit = 0; bit < len; bit++) {
      const mask = 0x80 >> (bit & 7);
      if ((prefix[bit >> 3] & mask) !== (addr[bit >> 3] & mask)) return false;
    }
    return true;
  }
  for (const dataSize of [1, 3, 4, 5, 16]) {
    it(`${dataSize}-byte data`, () => {
      let seed = dataSize * 7919;
      const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const m = trie(64, dataSize);
      const stored: { data: Uint8Array; len: number; value: number }[] = [];
      for (let i = 0; i < 40; i++) {
        const data = randomBytes(dataSize, rand);
        const len = Math.floor(rand() * (dataSize * 8 + 1));
        const key = new Uint8Array(4 + dataSize);
        new DataView(key.buffer).setUint32(0, len, true);
        key.set(data, 4);
        m.update(key, u32(i), BPF_ANY);
        const same = stored.findIndex((s) => s.len === len && matches(s.data, len, data));
        if (same >= 0) stored.splice(same, 1);
        stored.push({ data, len, value: i });
      }
      expect(m.count).toBe(stored.length);
      for (let i = 0; i < 200; i++) {
        const addr = randomBytes(dataSize, rand);
        const key = new Uint8Array(4 + dataSize);
        new DataView(key.buffer).setUint32(0, dataSize * 8, true);
        key.set(addr, 4);
        const best = stored.filter((s) => matches(s.data, s.len, addr)).sort((a, b) => b.len - a.len)[0];
        expect(readU32(m.lookup(key))).toBe(best?.value);
      }
      expect(walkKeys(m).length).toBe(stored.length);
    });
  }
});
