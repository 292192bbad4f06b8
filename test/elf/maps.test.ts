import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BPF_MAP_TYPE, findMap, loadObjectSpec, parseObjectSpec, type ObjectSpec } from '../../src/elf/index.js';
import { compileFixture, haveClang } from './compile.js';

describe.skipIf(!haveClang)('BTF-defined maps (progs.c)', () => {
  let spec: ObjectSpec;
  beforeAll(async () => {
    spec = await loadObjectSpec(compileFixture('progs'));
  });

  it('lists BTF maps (static ones too) and one map per global data section', () => {
    const names = spec.maps.map((m) => `${m.source}:${m.name}`).sort();
    expect(names).toEqual([
      'btf:counters', 'btf:events', 'btf:flows', 'btf:inner_a', 'btf:inner_b', 'btf:jumps', 'btf:outer', 'btf:outer_arr',
      'btf:rb', 'btf:routes', 'data:.bss', 'data:.data', 'data:.rodata', 'data:.rodata.str1.1',
    ]);
  });

  it('reads type, sizes, flags and pinning from the __uint/__type encodings', () => {
    const routes = findMap(spec, 'routes');
    expect(routes).toMatchObject({
      type: BPF_MAP_TYPE.lpm_trie, typeName: 'lpm_trie', keySize: 8, valueSize: 4, maxEntries: 256, flags: 1, pinning: 0, source: 'btf',
    });
    expect(findMap(spec, 'flows')).toMatchObject({ typeName: 'lru_hash', type: 9, keySize: 32, valueSize: 16, maxEntries: 1024, pinning: 1 });
    expect(findMap(spec, 'counters')).toMatchObject({ typeName: 'percpu_array', keySize: 4, valueSize: 16, maxEntries: 4 });
    expect(findMap(spec, 'events')).toMatchObject({ typeName: 'perf_event_array', keySize: 4, valueSize: 4, maxEntries: 0 });
    expect(findMap(spec, 'rb')).toMatchObject({ typeName: 'ringbuf', type: 27, keySize: 0, valueSize: 0, maxEntries: 4096 });
  });

  it('gives the LPM trie a struct key layout with field names, offsets and network byte order', () => {
    expect(findMap(spec, 'routes').keyLayout).toEqual({
      kind: 'struct', size: 8, name: 'lpm_v4_key',
      fields: [
        { name: 'prefixlen', offset: 0, layout: { kind: 'int', size: 4, signed: false, name: '__u32' } },
        { name: 'addr', offset: 4, layout: { kind: 'int', size: 4, signed: false, bigEndian: true, name: '__be32' } },
      ],
    });
    expect(findMap(spec, 'routes').valueLayout).toEqual({ kind: 'int', size: 4, signed: false, name: '__u32' });
  });

  it('turns bitfields and pointers into opaque bytes and keeps char arrays as arrays', () => {
    const key = findMap(spec, 'flows').keyLayout;
    if (key?.kind !== 'struct') throw new Error('expected a struct key');
    const byName = Object.fromEntries(key.fields.map((f) => [f.name, f]));
    expect(Object.keys(byName)).toEqual(['saddr', 'daddr', 'sport', 'dport', 'proto', 'dir,zone', 'pad', 'cookie', 'tag']);
    expect(byName['sport']).toMatchObject({ offset: 8, layout: { kind: 'int', size: 2, bigEndian: true } });
    expect(byName['proto']).toMatchObject({ offset: 12, layout: { kind: 'int', size: 1, signed: false } });
    expect(byName['dir,zone']).toEqual({ name: 'dir,zone', offset: 13, layout: { kind: 'bytes', size: 1 } });
    expect(byName['pad']).toMatchObject({ offset: 14 });
    expect(byName['cookie']).toEqual({ name: 'cookie', offset: 16, layout: { kind: 'bytes', size: 8 } });
    expect(byName['tag']).toMatchObject({ offset: 24, layout: { kind: 'array', count: 4, size: 4, elem: { kind: 'int', size: 1 } } });
  });

  it('parses the inner map definition of map-in-maps and their initial slots', () => {
    const outer = findMap(spec, 'outer');
    expect(outer).toMatchObject({ typeName: 'hash_of_maps', keySize: 4, valueSize: 4, maxEntries: 8 });
    expect(outer.innerMap).toMatchObject({ name: 'outer.inner', typeName: 'array', keySize: 4, valueSize: 8, maxEntries: 2 });
    expect(outer.innerMap?.valueLayout).toMatchObject({ kind: 'int', size: 8 });
    expect(outer.initialValues).toBeUndefined();
    const arr = findMap(spec, 'outer_arr');
    expect(arr).toMatchObject({ typeName: 'array_of_maps', valueSize: 4, maxEntries: 2 });
    expect(arr.initialValues).toEqual([{ index: 0, mapName: 'inner_b' }, { index: 1, mapName: 'inner_a' }]);
  });

  it('records prog array initial values from .rel.maps', () => {
    const jumps = findMap(spec, 'jumps');
    expect(jumps).toMatchObject({ typeName: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 8 });
    expect(jumps.initialValues).toEqual([{ index: 3, progName: 'tail_drop' }, { index: 5, progName: 'tail_pass' }]);
  });
});

describe.skipIf(!haveClang)('global data maps (progs.c)', () => {
  let spec: ObjectSpec;
  beforeAll(async () => {
    spec = await loadObjectSpec(compileFixture('progs'));
  });

  it('makes .rodata a read-only single-entry array with its variables laid out by name', () => {
    const ro = findMap(spec, '.rodata');
    expect(ro).toMatchObject({
      type: BPF_MAP_TYPE.array, keySize: 4, valueSize: 6, maxEntries: 1, readonly: true, source: 'data', libbpfName: 'progs.rodata',
      flags: 0x80 | 0x400,
    });
    expect(Array.from(ro.initialData!)).toEqual([2, 0, 0, 0, 0x00, 0x50]);
    expect(ro.dataLayout).toEqual([
      { name: 'cfg_mode', offset: 0, size: 4, layout: { kind: 'int', size: 4, signed: false, name: '__u32' } },
      { name: 'cfg_port', offset: 4, size: 2, layout: { kind: 'int', size: 2, signed: false, bigEndian: true, name: '__be16' } },
    ]);
  });

  it('fixes up .data variable offsets (static ones too) from the symbol table', () => {
    const data = findMap(spec, '.data');
    expect(data).toMatchObject({ valueSize: 12, readonly: false, libbpfName: 'progs.data' });
    expect(data.dataLayout?.map((v) => [v.name, v.offset, v.size])).toEqual([['pkt_total', 0, 8], ['private_count', 8, 4]]);
    expect(Array.from(data.initialData!)).toEqual([100, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0]);
    expect(data.valueLayout).toMatchObject({ kind: 'struct', size: 12, fields: [{ name: 'pkt_total', offset: 0 }, { name: 'private_count', offset: 8 }] });
  });

  it('zero-fills .bss and lays out struct variables', () => {
    const bss = findMap(spec, '.bss');
    expect(bss.valueSize).toBe(32);
    expect(bss.initialData).toEqual(new Uint8Array(32));
    expect(bss.dataLayout?.map((v) => [v.name, v.offset, v.size])).toEqual([['zero_words', 0, 16], ['bss_stats', 16, 16]]);
    expect(bss.dataLayout?.[1]?.layout).toMatchObject({ kind: 'struct', name: 'stats', fields: [{ name: 'packets' }, { name: 'bytes', offset: 8 }] });
  });

  it('turns string literals (.rodata.str1.1) into a read-only map libbpf names without prefix', () => {
    const str = findMap(spec, '.rodata.str1.1');
    expect(str).toMatchObject({ readonly: true, libbpfName: '.rodata.str1.1', valueSize: 5, flags: 0x80 });
    expect(new TextDecoder().decode(str.initialData)).toBe('hop\n\0');
  });

  it('computes libbpf map names from a long object name', () => {
    const bytes = readFileSync(compileFixture('progs'));
    const other = parseObjectSpec(bytes, '/tmp/my_object_name.bpf.o');
    expect(other.name).toBe('my_object_name.bpf');
    expect(findMap(other, '.rodata').libbpfName).toBe('my_objec.rodata');
    expect(findMap(other, '.bss').libbpfName).toBe('my_objec.bss');
    expect(findMap(other, 'my_objec.data').name).toBe('.data');
  });

  it('reads the license', () => {
    expect(spec.license).toBe('Dual BSD/GPL');
    expect(spec.programs.every((p) => p.license === 'Dual BSD/GPL')).toBe(true);
  });
});

describe.skipIf(!haveClang)('legacy maps section (legacy.c)', () => {
  let spec: ObjectSpec;
  beforeAll(async () => {
    spec = await loadObjectSpec(compileFixture('legacy'));
  });

  it('reads struct bpf_map_def entries per symbol', () => {
    expect(findMap(spec, 'legacy_hash')).toMatchObject({
      source: 'legacy', type: 1, typeName: 'hash', keySize: 4, valueSize: 16, maxEntries: 64, flags: 1, pinning: 0,
    });
  });

  it('reads pinning from the longer iproute2 bpf_elf_map layout', () => {
    expect(findMap(spec, 'pinned_array')).toMatchObject({ typeName: 'array', keySize: 4, valueSize: 8, maxEntries: 16, pinning: 2 });
    expect(findMap(spec, 'pinned_array').keyLayout).toBeUndefined();
  });

  it('takes key/value layouts from a BPF_ANNOTATE_KV_PAIR struct', () => {
    const m = findMap(spec, 'legacy_hash');
    expect(m.keyLayout).toMatchObject({ kind: 'int', size: 4 });
    expect(m.valueLayout).toMatchObject({ kind: 'struct', name: 'legacy_value', fields: [{ name: 'hits' }, { name: 'last', offset: 8 }, { name: 'flags', offset: 12 }] });
  });

  it('needs no BTF', async () => {
    const plain = await loadObjectSpec(compileFixture('legacy', ['-g0']));
    expect(plain.btf).toBeUndefined();
    expect(findMap(plain, 'legacy_hash')).toMatchObject({ keySize: 4, valueSize: 16, maxEntries: 64 });
    expect(findMap(plain, 'legacy_hash').valueLayout).toBeUndefined();
    expect(plain.programs[0]!.lineInfo).toEqual([]);
    expect(plain.programs[0]!.insns.length).toBe(spec.programs[0]!.insns.length);
  });

  it('relocates lddw to legacy maps', () => {
    const prog = spec.programs[0]!;
    expect(prog).toMatchObject({ name: 'legacy_prog', type: 'socket_filter' });
    expect(prog.relocs.map((r) => [r.kind, r.mapName])).toEqual([['map', 'legacy_hash'], ['map', 'pinned_array']]);
  });
});
