import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Btf, libbpfDataMapName, libbpfObjectName, loadObjectSpec, progTypeForSection } from '../../src/elf/index.js';
import { compileFixture, haveClang } from './compile.js';
import { sectionBytes } from './elf-bytes.js';

describe.skipIf(!haveClang)('Btf (progs.c)', () => {
  let btf: Btf;
  beforeAll(async () => {
    const spec = await loadObjectSpec(compileFixture('progs'));
    btf = spec.btf!;
  });

  it('looks types up by name and kind', () => {
    const key = btf.find('flow_key', 'struct');
    expect(key?.kind).toBe('struct');
    expect(btf.find('flow_key', 'union')).toBeUndefined();
    expect(btf.find('tc_main', 'func')?.kind).toBe('func');
    expect(btf.findAll('__be32').map((t) => t.kind)).toEqual(['typedef']);
  });

  it('resolves typedef/const/volatile chains and computes sizes', () => {
    const be16 = btf.find('__be16', 'typedef')!;
    const resolved = btf.resolved(be16.id);
    expect(resolved).toMatchObject({ kind: 'int', size: 2, signed: false });
    expect(btf.sizeof(be16.id)).toBe(2);
    expect(btf.sizeof(btf.find('flow_key')!.id)).toBe(32);
    // cfg_mode is `const volatile __u32`.
    const cfg = btf.find('cfg_mode', 'var');
    if (cfg?.kind !== 'var') throw new Error('cfg_mode var missing');
    expect(btf.typeById(cfg.type).kind).toBe('const');
    expect(btf.resolved(cfg.type)).toMatchObject({ kind: 'int', size: 4 });
    expect(btf.layoutOf(cfg.type)).toEqual({ kind: 'int', size: 4, signed: false, name: '__u32' });
  });

  it('exposes struct members with bit offsets and bitfield sizes', () => {
    const key = btf.find('flow_key', 'struct');
    if (key?.kind !== 'struct') throw new Error('flow_key missing');
    const m = Object.fromEntries(key.members.map((x) => [x.name, x]));
    expect(m['dir']).toMatchObject({ bitOffset: 104, bitSize: 1 });
    expect(m['zone']).toMatchObject({ bitOffset: 105, bitSize: 7 });
    expect(m['cookie']).toMatchObject({ bitOffset: 128, bitSize: 0 });
  });

  it('has DATASEC sizes and offsets fixed up from the ELF', () => {
    const data = btf.find('.data', 'datasec');
    if (data?.kind !== 'datasec') throw new Error('.data datasec missing');
    expect(data.size).toBe(12);
    expect(data.vars.map((v) => [btf.typeById(v.type).name, v.offset, v.size])).toEqual([['pkt_total', 0, 8], ['private_count', 8, 4]]);
  });

  it('rejects out-of-range type ids with an ElfError naming the id', () => {
    expect(() => btf.typeById(1_000_000)).toThrow(/\.BTF: type id 1000000 is out of range/);
  });

  it('parses a raw .BTF section on its own', () => {
    // Re-parse the section bytes: same number of types.
    const bytes = readFileSync(compileFixture('progs'));
    const again = Btf.parse(sectionBytes(bytes, '.BTF'), 'x.o');
    expect(again.types.length).toBe(btf.types.length);
  });
});

describe('libbpf naming and section rules', () => {
  it('computes object and data map names like libbpf', () => {
    expect(libbpfObjectName('/x/y/progs.o')).toBe('progs');
    expect(libbpfObjectName('my_very_long_object_name.bpf.o')).toBe('my_very_long_ob');
    expect(libbpfDataMapName('progs', '.rodata')).toBe('progs.rodata');
    expect(libbpfDataMapName('my_object_name', '.rodata')).toBe('my_objec.rodata');
    expect(libbpfDataMapName('my_object_name', '.bss')).toBe('my_objec.bss');
    expect(libbpfDataMapName('obj', '.rodata.str1.1')).toBe('.rodata.str1.1');
    expect(libbpfDataMapName('obj', '.data.a_really_long_custom_name')).toBe('.data.a_really_');
    expect(libbpfDataMapName('my-obj', '.data')).toBe('my_obj.data');
  });

  it('guesses program types from section names', () => {
    expect(progTypeForSection('tc')).toEqual({ type: 'sched_cls' });
    expect(progTypeForSection('classifier/foo')).toEqual({ type: 'sched_cls' });
    expect(progTypeForSection('tc/ingress')).toEqual({ type: 'sched_cls', attachType: 'tcx_ingress' });
    expect(progTypeForSection('action')).toEqual({ type: 'sched_act' });
    expect(progTypeForSection('xdp')).toEqual({ type: 'xdp', attachType: 'xdp' });
    expect(progTypeForSection('xdp.frags')).toEqual({ type: 'xdp', attachType: 'xdp' });
    expect(progTypeForSection('socket')).toEqual({ type: 'socket_filter' });
    expect(progTypeForSection('kprobe/sys_open')).toEqual({ type: 'kprobe' });
    expect(progTypeForSection('2/7')).toEqual({ type: 'unspec' });
    expect(progTypeForSection('tcx')).toEqual({ type: 'unspec' });
    expect(progTypeForSection('xdpfoo')).toEqual({ type: 'unspec' });
  });
});
