import { describe, expect, it } from 'vitest';
import {
  BPF_F_NO_PREALLOC, createGlobalDataMap, createMap, exportMaps, importMaps, MapError, MapType, type AnyBpfMap,
  type ArrayOfMapsMap, type HashMap, type Layout, type MapDef, type ProgArrayMap,
} from '../../src/maps/index.js';
import { bytes, lpm4, u32 } from './bytes.js';

const be32: Layout = { kind: 'int', size: 4, signed: false, bigEndian: true };
const u16: Layout = { kind: 'int', size: 2, signed: false };
const u32L: Layout = { kind: 'int', size: 4, signed: false };
const u64: Layout = { kind: 'int', size: 8, signed: false };
const flowKey: Layout = {
  kind: 'struct', size: 8, name: 'flow_key',
  fields: [{ name: 'addr', offset: 0, layout: be32 }, { name: 'port', offset: 4, layout: { kind: 'int', size: 2, signed: false, bigEndian: true } }, { name: 'pad', offset: 6, layout: u16 }],
};
const counters: Layout = {
  kind: 'struct', size: 24, name: 'counters',
  fields: [
    { name: 'packets', offset: 0, layout: u64 },
    { name: 'bytes', offset: 8, layout: u64 },
    { name: 'hist', offset: 16, layout: { kind: 'array', size: 8, count: 4, elem: u16 } },
  ],
};
/** Cilium-like ipcache key: struct { struct bpf_lpm_trie_key lpm; __u16 cluster_id; __u8 pad; __u8 family; __be32 ip; } */
const ipcacheKey: Layout = {
  kind: 'struct', size: 12,
  fields: [
    { name: 'lpm', offset: 0, layout: { kind: 'struct', size: 4, fields: [{ name: 'prefixlen', offset: 0, layout: u32L }] } },
    { name: 'cluster_id', offset: 4, layout: u16 },
    { name: 'pad', offset: 6, layout: { kind: 'int', size: 1, signed: false } },
    { name: 'family', offset: 7, layout: { kind: 'int', size: 1, signed: false } },
    { name: 'ip', offset: 8, layout: be32 },
  ],
};
const innerDef: MapDef = { name: 'inner', type: MapType.HASH, keySize: 4, valueSize: 4, maxEntries: 4, keyLayout: u32L, valueLayout: u32L };

interface Prog {
  name: string;
}
const programs = new Map<string, Prog>([['tail_a', { name: 'tail_a' }], ['tail_b', { name: 'tail_b' }]]);

function world(): Record<string, AnyBpfMap> {
  const nCpus = 2;
  const maps: AnyBpfMap[] = [
    createMap({ name: 'flows', type: MapType.HASH, keySize: 8, valueSize: 24, maxEntries: 8, keyLayout: flowKey, valueLayout: counters }),
    createMap({ name: 'raw', type: MapType.HASH, keySize: 3, valueSize: 2, maxEntries: 8 }),
    createMap({ name: 'arr', type: MapType.ARRAY, keySize: 4, valueSize: 4, maxEntries: 300 }),
    createMap({ name: 'pcpu', type: MapType.PERCPU_HASH, keySize: 4, valueSize: 4, maxEntries: 4, keyLayout: u32L, valueLayout: u32L }, { nCpus }),
    createMap({ name: 'pcpu_arr', type: MapType.PERCPU_ARRAY, keySize: 4, valueSize: 3, maxEntries: 4 }, { nCpus }),
    createMap({ name: 'routes', type: MapType.LPM_TRIE, keySize: 8, valueSize: 4, maxEntries: 8, flags: BPF_F_NO_PREALLOC, valueLayout: u32L }),
    createMap({ name: 'ipcache', type: MapType.LPM_TRIE, keySize: 12, valueSize: 4, maxEntries: 8, flags: BPF_F_NO_PREALLOC, keyLayout: ipcacheKey }),
    createMap({ name: 'jmp', type: MapType.PROG_ARRAY, keySize: 4, valueSize: 4, maxEntries: 4 }),
    createMap({ name: 'outer', type: MapType.ARRAY_OF_MAPS, keySize: 4, valueSize: 4, maxEntries: 4, inner: innerDef }),
    createMap({ name: 'inner', type: MapType.HASH, keySize: 4, valueSize: 4, maxEntries: 4, keyLayout: u32L, valueLayout: u32L }),
    createMap({ name: 'events', type: MapType.RINGBUF, keySize: 0, valueSize: 0, maxEntries: 4096 }),
    createMap({ name: 'perf', type: MapType.PERF_EVENT_ARRAY, keySize: 4, valueSize: 4, maxEntries: 0 }, { nCpus }),
    createGlobalDataMap('.rodata', bytes(1, 0, 0, 0), { valueLayout: { kind: 'struct', size: 4, fields: [{ name: 'debug', offset: 0, layout: u32L }] } }),
  ];
  return Object.fromEntries(maps.map((m) => [m.name, m]));
}

const state = {
  '.rodata': [{ key: 0, value: { debug: 1 } }],
  arr: [{ key: 1, value: '01000000' }, { key: 256, value: 'ffffffff' }],
  flows: [
    { key: { addr: 167772161, port: 443, pad: 0 }, value: { packets: 3, bytes: '18446744073709551615', hist: [1, 2, 3, 4] } },
    { key: { addr: 3232235777, port: 53, pad: 0 }, value: { packets: 1, bytes: 64, hist: [0, 0, 0, 1] } },
  ],
  inner: [{ key: 5, value: 50 }],
  ipcache: [{ key: { prefixlen: 64, data: { cluster_id: 0, pad: 0, family: 2, ip: 167772160 } }, value: '2a000000' }],
  jmp: [{ key: 0, value: 'tail_a' }, { key: 3, value: 'tail_b' }],
  outer: [{ key: 0, value: 'inner' }, { key: 2, value: [{ key: 1, value: 10 }, { key: 2, value: 20 }] }],
  pcpu: [{ key: 7, value: [1, 2] }],
  pcpu_arr: [{ key: 3, value: ['010203', '000000'] }],
  raw: [{ key: '000001', value: 'abcd' }, { key: '0a0000', value: '0000' }],
  routes: [
    { key: '0.0.0.0/0', value: 1 },
    { key: '10.0.0.0/8', value: 2 },
    { key: '10.1.0.0/16', value: 3 },
  ],
};

const resolve = (name: string) => programs.get(name);

describe('map JSON import/export', () => {
  it('round-trips every map type exactly', () => {
    const maps = world();
    importMaps(maps, state, resolve);
    expect(exportMaps(maps)).toEqual(state);
    const again = world();
    importMaps(again, JSON.parse(JSON.stringify(exportMaps(maps))), resolve);
    expect(JSON.stringify(exportMaps(again))).toBe(JSON.stringify(exportMaps(maps)));
  });

  it('imports into the maps programs see', () => {
    const maps = world();
    importMaps(maps, state, resolve);
    expect([...maps.routes.lookup(lpm4('10.1.2.3', 32))!]).toEqual([3, 0, 0, 0]);
    expect((maps.jmp as ProgArrayMap<Prog>).getProgram(3)).toBe(programs.get('tail_b'));
    const outer = maps.outer as ArrayOfMapsMap;
    expect(outer.lookupMap(u32(0))).toBe(maps.inner);
    expect([...outer.lookupMap(u32(2))!.lookup(u32(2))!]).toEqual([20, 0, 0, 0]);
    expect([...maps.flows.lookup(Uint8Array.from([10, 0, 0, 1, 1, 187, 0, 0]))!.subarray(0, 8)]).toEqual([3, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('is deterministic whatever the insertion order', () => {
    const a = world();
    const b = world();
    for (const k of [3, 1, 2]) (a.inner as HashMap).userUpdate(u32(k), u32(k));
    for (const k of [2, 3, 1]) (b.inner as HashMap).userUpdate(u32(k), u32(k));
    expect(JSON.stringify(exportMaps(a))).toBe(JSON.stringify(exportMaps(b)));
    expect(exportMaps(a).inner.map((e) => e.key)).toEqual([1, 2, 3]);
    expect(Object.keys(exportMaps(a))).toEqual([...Object.keys(exportMaps(a))].sort());
  });

  it('leaves out event maps and all-zero array slots; sorts arrays by index and LPM by address', () => {
    const maps = world();
    importMaps(maps, { routes: [{ key: '10.1.0.0/16', value: 3 }, { key: '10.0.0.0/8', value: 2 }, { key: '0.0.0.0/0', value: 1 }] });
    const out = exportMaps(maps);
    expect(out.events).toBeUndefined();
    expect(out.perf).toBeUndefined();
    expect(out.arr).toEqual([]);
    expect(out.routes.map((e) => e.key)).toEqual(['0.0.0.0/0', '10.0.0.0/8', '10.1.0.0/16']);
  });

  it('takes raw hex for any key or value, the object form of LPM keys, and one per-CPU value for all CPUs', () => {
    const maps = world();
    importMaps(maps, {
      flows: [{ key: '0a00000101bb0000', value: '0300000000000000ffffffffffffffff0100020003000400' }],
      routes: [{ key: '080000000a000000', value: '0x02000000' }, { key: { prefixlen: 16, data: '0a010000' }, value: 3 }],
      pcpu: [{ key: '0x07000000', value: [9] }],
      pcpu_arr: [{ key: 0, value: '0102030000000000' + '0405060000000000' }], // kernel layout: 8-byte slots
      ipcache: [{ key: '40000000000000020a000000', value: '2a000000' }],
    });
    const out = exportMaps(maps);
    expect(out.flows).toEqual([state.flows[0]]);
    expect(out.routes).toEqual([{ key: '10.0.0.0/8', value: 2 }, { key: '10.1.0.0/16', value: 3 }]);
    expect(out.pcpu).toEqual([{ key: 7, value: [9, 9] }]);
    expect(out.pcpu_arr).toEqual([{ key: 0, value: ['010203', '040506'] }]);
    expect(out.ipcache).toEqual(state.ipcache);
  });

  it('replaces the contents of the maps it names only', () => {
    const maps = world();
    importMaps(maps, state, resolve);
    importMaps(maps, { inner: [{ key: 9, value: 90 }], arr: [] });
    const out = exportMaps(maps);
    expect(out.inner).toEqual([{ key: 9, value: 90 }]);
    expect(out.arr).toEqual([]);
    expect(out.flows).toEqual(state.flows);
  });

  it('keeps LPM data bits past the prefix as written, sorting by the bits that count', () => {
    const maps = world();
    const routes = [{ key: '10.9.9.9/8', value: 1 }, { key: '10.1.0.0/16', value: 2 }];
    importMaps(maps, { routes });
    expect(exportMaps(maps).routes).toEqual(routes);
  });

  it('writes IPv6 prefixes for 16-byte LPM data', () => {
    const v6 = createMap({ name: 'v6', type: MapType.LPM_TRIE, keySize: 20, valueSize: 1, maxEntries: 4, flags: BPF_F_NO_PREALLOC });
    importMaps([v6], { v6: [{ key: 'fd00::/8', value: '01' }, { key: '2001:db8::1/128', value: '02' }] });
    expect(exportMaps([v6]).v6.map((e) => e.key)).toEqual(['2001:db8::1/128', 'fd00::/8']);
  });

  it('writes inner maps outside the collection inline', () => {
    const maps = world();
    importMaps(maps, state, resolve);
    const { inner: _, ...withoutInner } = maps;
    expect(exportMaps(withoutInner).outer[0]).toEqual({ key: 0, value: [{ key: 5, value: 50 }] });
  });

  const errors: { name: string; json: unknown; message: RegExp; resolver?: boolean }[] = [
    { name: 'unknown map', json: { nope: [] }, message: /^map "nope": no such map \(maps: .rodata, arr, events/ },
    { name: 'contents not an array', json: { inner: {} }, message: /map "inner": expected an array of \{"key", "value"\} entries/ },
    { name: 'entry not an object', json: { inner: [1] }, message: /map "inner": entry 0: expected \{"key": ..., "value": ...\}/ },
    { name: 'missing value', json: { inner: [{ key: 1 }] }, message: /map "inner": entry 0: value is missing/ },
    { name: 'extra member', json: { inner: [{ key: 1, value: 1, vale: 2 }] }, message: /entry 0: unknown member "vale"/ },
    { name: 'field error', json: { flows: [state.flows[0], { key: { addr: 1, prot: 2 }, value: {} }] }, message: /map "flows": entry 1: key.prot: no such field/ },
    { name: 'nested field error', json: { flows: [{ key: {}, value: { hist: [1, 2, 3, -4] } }] }, message: /map "flows": entry 0: value.hist\[3\]: -4 is out of range for u16/ },
    { name: 'duplicate key', json: { inner: [{ key: 1, value: 1 }, { key: '0x01000000', value: 2 }] }, message: /map "inner": entry 1: duplicate key "0x01000000"/ },
    { name: 'duplicate LPM prefix', json: { routes: [{ key: '10.0.0.0/8', value: 1 }, { key: '10.9.9.9/8', value: 2 }] }, message: /entry 1: duplicate key/ },
    { name: 'too many entries', json: { inner: [1, 2, 3, 4, 5].map((k) => ({ key: k, value: k })) }, message: /map "inner": 5 entries, max_entries is 4 \(E2BIG\)/ },
    { name: 'array index out of range', json: { arr: [{ key: 300, value: '00000000' }] }, message: /map "arr": entry 0: key: index 300 >= max_entries 300/ },
    { name: 'per-CPU count', json: { pcpu: [{ key: 1, value: [1, 2, 3] }] }, message: /map "pcpu": entry 0: value: expected an array of 2 per-CPU values/ },
    { name: 'per-CPU element', json: { pcpu: [{ key: 1, value: [1, 'x'] }] }, message: /map "pcpu": entry 0: value\[1\]: expected an integer/ },
    { name: 'per-CPU packed size', json: { pcpu_arr: [{ key: 1, value: '010203' }] }, message: /map "pcpu_arr": entry 0: value: expected 16 bytes of hex/ },
    { name: 'LPM prefix too long', json: { routes: [{ key: '10.0.0.0/33', value: 1 }] }, message: /map "routes": entry 0: key: "10.0.0.0\/33" is not an address\/prefixlen/ },
    { name: 'LPM IPv6 into IPv4', json: { routes: [{ key: 'fd00::/8', value: 1 }] }, message: /16 bytes of address, the key has 4 bytes of data/ },
    { name: 'LPM object prefixlen', json: { ipcache: [{ key: { prefixlen: 65, data: {} }, value: '00000000' }] }, message: /entry 0: key.prefixlen: expected an integer 0..64/ },
    { name: 'LPM data field', json: { ipcache: [{ key: { prefixlen: 8, data: { ipp: 1 } }, value: '00000000' }] }, message: /entry 0: key.data.ipp: no such field/ },
    { name: 'no resolver', json: { jmp: [{ key: 0, value: 'tail_a' }] }, message: /map "jmp": entry 0: no program resolver/, resolver: false },
    { name: 'unknown program', json: { jmp: [{ key: 0, value: 'tail_z' }] }, message: /map "jmp": entry 0: value: no program named "tail_z"/ },
    { name: 'unknown inner map', json: { outer: [{ key: 0, value: 'innr' }] }, message: /map "outer": entry 0: value: no map named "innr"/ },
    { name: 'mismatched inner map', json: { outer: [{ key: 0, value: 'raw' }] }, message: /map "outer": entry 0: value: inner map "raw" key_size 3, expected 4/ },
    { name: 'bad inline inner map', json: { outer: [{ key: 1, value: [{ key: 1, value: -1 }] }] }, message: /map "outer\/1": entry 0: value: -1 is out of range/ },
    { name: 'entries for a ring buffer', json: { events: [{ key: 0, value: 0 }] }, message: /map "events": has no entries/ },
    { name: 'frozen map changes', json: { '.rodata': [] }, message: /map ".rodata": frozen or read-only: the file changes its contents \(EPERM\)/ },
    { name: 'hex without 0x for an int', json: { routes: [{ key: '10.0.0.0/8', value: '02000000' }] }, message: /map "routes": entry 0: value: "02000000": write integers below 2\^53 as JSON numbers \(raw hex needs a 0x prefix\)/ },
  ];
  for (const c of errors) {
    it(`rejects ${c.name}`, () => {
      const maps = world();
      expect(() => importMaps(maps, c.json, c.resolver === false ? undefined : resolve)).toThrow(MapError);
      expect(() => importMaps(maps, c.json, c.resolver === false ? undefined : resolve)).toThrow(c.message);
    });
  }

  it('rejects a file that is not an object of maps', () => {
    expect(() => importMaps(world(), [])).toThrow(/map JSON: expected an object of map name -> entries, got \[\]/);
  });

  it('changes nothing when any map fails', () => {
    const maps = world();
    importMaps(maps, { inner: [{ key: 1, value: 1 }] });
    expect(() => importMaps(maps, { inner: [], raw: [{ key: 'zz', value: '0000' }] })).toThrow(/map "raw": entry 0: key/);
    expect(exportMaps(maps).inner).toEqual([{ key: 1, value: 1 }]);
  });
});
