// Memory safety with C programs (test/fixtures/vm/faults.c): accesses the kernel verifier would
// refuse, made at offsets the compiler cannot see, must stop the VM with a typed fault naming
// the instruction, the C source line and the region.
import { beforeAll, describe, expect, it } from 'vitest';
import { formatFault, type Fault } from '../../src/vm/fault.js';
import type { LoadedObject } from '../../src/vm/loaded-object.js';
import { testRun } from '../../src/vm/test-run.js';
import { IPPROTO_UDP, ipv4Packet } from '../helpers/packets.js';
import { haveClang, lineOf, loadVmFixture } from './compile.js';

const PKT = ipv4Packet({ proto: IPPROTO_UDP }); // 14 + 20 + 8 + 8 = 50 bytes

describe.skipIf(!haveClang)('faults of C programs', () => {
  let obj: LoadedObject;
  beforeAll(async () => {
    obj = await loadVmFixture('faults');
  });

  function setCfg(off: number, idx: number, key: number): void {
    const v = new Uint8Array(12);
    const d = new DataView(v.buffer);
    d.setUint32(0, off, true);
    d.setInt32(4, idx, true);
    d.setUint32(8, key, true);
    expect(obj.map('cfg').userUpdate(new Uint8Array(4), v as never)).toBe(0);
  }

  /** The pc of the only instruction of `prog` with this opcode (and src register), from the ELF. */
  function pcOf(prog: string, opcode: number, src?: number): number {
    const insns = obj.program(prog).spec.insns;
    const pcs = insns.flatMap((i, pc) => (i.opcode === opcode && (src === undefined || i.src === src) ? [pc] : []));
    expect(pcs, `instructions 0x${opcode.toString(16)} in ${prog}`).toHaveLength(1);
    return pcs[0]!;
  }

  function faultOf(prog: string): Fault {
    const res = testRun(obj, obj.program(prog), { dataIn: PKT });
    if (!res.fault) throw new Error(`${prog} returned ${res.retval} without a fault`);
    return res.fault;
  }

  function expectSource(f: Fault, marker: string): void {
    expect(f.source, 'fault.source').toBeDefined();
    expect(f.source!.file).toMatch(/faults\.c$/);
    expect(f.source!.line).toBe(lineOf('faults', marker));
    expect(f.source!.text).toContain(marker);
  }

  it('an in-bounds read of the same program runs normally', () => {
    setCfg(14, 0, 0);
    const res = testRun(obj, obj.program('oob_packet_read'), { dataIn: PKT });
    expect(res.fault).toBeNull();
    expect(res.retval).toBe(0x45); // the IPv4 version/IHL byte
  });

  it('a packet read past data_end is out-of-bounds, with pc, source line and packet bounds', () => {
    setCfg(1000, 0, 0);
    const f = faultOf('oob_packet_read');
    expect(f.kind).toBe('out-of-bounds');
    expect(f.pc).toBe(pcOf('oob_packet_read', 0x71)); // the only ldxb
    expect(f.program).toBe('oob_packet_read');
    expectSource(f, 'OOB_READ');
    expect(f.size).toBe(1);
    expect(f.region?.name).toBe('packet');
    // The valid range is exactly the packet, and the access is 1000 bytes after its start.
    expect(f.region!.end - f.region!.start).toBe(PKT.length);
    expect(f.region!.offset - f.region!.start).toBe(1000);
    expect(f.insn).toMatch(/\*\(u8 \*\)/);
  });

  it('a packet read one byte past the end faults too (off = len)', () => {
    setCfg(PKT.length, 0, 0);
    const f = faultOf('oob_packet_read');
    expect(f.kind).toBe('out-of-bounds');
    expect(f.region!.offset - f.region!.start).toBe(PKT.length);
    setCfg(PKT.length - 1, 0, 0);
    expect(testRun(obj, obj.program('oob_packet_read'), { dataIn: PKT }).fault).toBeNull();
  });

  it('a stack read above the frame (buf[600]) is out-of-bounds in the stack region', () => {
    setCfg(0, 600, 0);
    const f = faultOf('stack_read');
    expect(f.kind).toBe('out-of-bounds');
    expect(f.pc).toBe(pcOf('stack_read', 0x71));
    expectSource(f, 'STACK_READ');
    expect(f.region?.name).toMatch(/stack/);
    expect([f.region!.start, f.region!.end]).toEqual([0, 512]);
    expect(f.region!.offset).toBeGreaterThanOrEqual(512);
  });

  it('a stack read below the frame (buf[-600]) is out-of-bounds in the stack region', () => {
    setCfg(0, -600, 0);
    const f = faultOf('stack_read');
    expect(f.kind).toBe('out-of-bounds');
    expect(f.region?.name).toMatch(/stack/);
    expect(f.region!.offset).toBeLessThan(0);
  });

  it('a map value read past value_size (12) is out-of-bounds in the value', () => {
    setCfg(0, 0, 12);
    const f = faultOf('map_value_read');
    expect(f.kind).toBe('out-of-bounds');
    expect(f.pc).toBe(pcOf('map_value_read', 0x71));
    expectSource(f, 'VALUE_READ');
    expect(f.region!.end - f.region!.start).toBe(12);
    expect(f.region!.name).toMatch(/cfg/);
    setCfg(0, 0, 11);
    expect(testRun(obj, obj.program('map_value_read'), { dataIn: PKT }).fault).toBeNull();
  });

  it('a write to .rodata is read-only, and the value is unchanged', () => {
    const f = faultOf('rodata_write');
    expect(f.kind).toBe('read-only');
    expect(f.pc).toBe(pcOf('rodata_write', 0x63)); // the only stxw
    expectSource(f, 'RODATA_WRITE');
    expect(f.region?.name).toMatch(/rodata/);
    const rodata = [...obj.maps.values()].find((m) => /rodata/.test(m.name))!;
    expect([...rodata.userLookup(new Uint8Array(4)) as Uint8Array]).toEqual([10, 0, 0, 0]);
  });

  it('dereferencing the NULL of a failed map lookup is invalid-address', () => {
    const f = faultOf('null_deref');
    expect(f.kind).toBe('invalid-address');
    expect(f.pc).toBe(pcOf('null_deref', 0x61, 0)); // the ldxw through r0
    expectSource(f, 'NULL_DEREF');
  });

  it('a write to __sk_buff->len is a ctx-access fault naming the field', () => {
    const f = faultOf('ctx_write');
    expect(f.kind).toBe('ctx-access');
    expect(f.pc).toBe(pcOf('ctx_write', 0x63));
    expectSource(f, 'CTX_WRITE');
    expect(f.message).toMatch(/\blen\b/);
    expect(f.message).toMatch(/write/);
  });

  it('a read beyond struct __sk_buff (offset 200) is a ctx-access fault', () => {
    const f = faultOf('ctx_read_bad');
    expect(f.kind).toBe('ctx-access');
    expectSource(f, 'CTX_BEYOND');
  });

  it('formatFault shows kind, file:line, pc, instruction, source text and region', () => {
    setCfg(1000, 0, 0);
    const f = faultOf('oob_packet_read');
    const text = formatFault(f);
    const line = lineOf('faults', 'OOB_READ');
    const lines = text.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^fault: out-of-bounds at .*faults\\.c:${line}: `));
    expect(lines[1]).toBe(`  pc ${f.pc} in oob_packet_read: ${f.insn}`);
    expect(lines[2]).toMatch(new RegExp(`^  ${line} \\| .*OOB_READ`));
    expect(lines[3]).toBe(`  region packet: valid [${f.region!.start}, ${f.region!.end}), access at offset ${f.region!.offset} size 1`);
    expect(lines).toHaveLength(4);
  });

  it('the object keeps working after a fault (the next run is clean)', () => {
    setCfg(1000, 0, 0);
    expect(faultOf('oob_packet_read').kind).toBe('out-of-bounds');
    setCfg(15, 0, 0);
    const res = testRun(obj, obj.program('oob_packet_read'), { dataIn: PKT });
    expect(res.fault).toBeNull();
    expect(res.retval).toBe(PKT[15]);
  });
});
