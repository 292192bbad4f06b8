// Program-structure examples in the VM (tail calls, subprograms, global data), with the
// results reasoned from the C source and the kernel's documented limits.
import { describe, expect, test } from 'vitest';
import { CALL_INPUTS, callsPacket } from './cases/bpf-to-bpf-calls.js';
import { frame, FRAME_LENGTHS } from './cases/global-data-sections.js';
import { JUMP_TABLE_FILLED, slotPacket } from './cases/tail-call-chain.js';
import { readU32le, u32le } from './packets.js';
import { runInVm } from './vm-run.js';

/** MAX_TAIL_CALL_CNT in include/linux/bpf.h: tail calls one run may make. */
const MAX_TAIL_CALL_CNT = 33;

describe('tail_call_chain', () => {
  const entry = (slots: number[], maps?: typeof JUMP_TABLE_FILLED) =>
    runInVm('tail_call_chain', slots.map((s) => ({ data: slotPacket(s) })), { prog: 'tail_call_entry', ...(maps ? { maps } : {}) });

  test('object-filled slots run; empty and out-of-range slots fall through', async () => {
    const { results } = await entry([0, 1, 2, 3, 7, 8, 255]);
    // tail_a: 10 + cb[0] (100); tail_b: cb[0]++, its jump to empty slot 2 falls through: 20 + 101.
    expect(results.map((r) => r.retval)).toEqual([110, 121, 1002, 1003, 1007, 1008, 1255]);
  });

  test('userspace-filled slots run; the self-tail-call stops at the limit', async () => {
    const { results } = await entry([3, 4], JUMP_TABLE_FILLED);
    expect(results[0]!.retval).toBe(130);
    // The entry's tail call is the first of 33: tail_loop runs 33 times, its last jump fails.
    expect(results[1]!.retval).toBe(MAX_TAIL_CALL_CNT);
  });

  test('started directly, tail_loop runs once plus 33 tail calls', async () => {
    const { results } = await runInVm('tail_call_chain', [{ data: slotPacket(0) }], { prog: 'tail_loop', maps: JUMP_TABLE_FILLED });
    expect(results[0]!.retval).toBe(1 + MAX_TAIL_CALL_CNT);
  });
});

describe('bpf_to_bpf_calls', () => {
  // The C subprograms, in u32 arithmetic.
  const mix = (a: number, b: number) => (Math.imul(a, 31) + ((b ^ (a >>> 7)) >>> 0)) >>> 0;
  const level3 = (x: number) => (mix(x, x >>> 3) ^ 0x5a5a5a5a) >>> 0;
  const level1 = (a: number, b: number) => {
    const acc = (a + level3(b)) >>> 0;
    return (acc + (acc & 0xff)) >>> 0;
  };

  test.each(CALL_INPUTS.map(([a, b], i) => [a, b, i]))('calls with %d, %d', async (a, b, i) => {
    const data = callsPacket(a, b, i * 7);
    const { results } = await runInVm('bpf_to_bpf_calls', [{ data }]);
    const out = results[0]!.dataOut;
    const bytes = data[14]! + data[15]! + data[16]! + data[17]!;
    expect([0, 1, 2, 3].map((k) => readU32le(out, 22 + 4 * k))).toEqual([
      level1(a, b), level3(b), data.length + (a & 0xff), bytes + data.length + 1,
    ]);
    expect(results[0]!.retval).toBe(level1(a, b) & 0xffff);
  });
});

describe('global_data_sections', () => {
  const weights = [3, 1, 4, 1, 5, 9, 2, 6];
  const expectedRetvals = (start: number, scale: number) => FRAME_LENGTHS.map((len, i) => ((start + i + 1) * scale + weights[len & 7]!) >>> 0);

  test('counter from .data, scale from .rodata, lengths into .bss', async () => {
    const run = await runInVm('global_data_sections', FRAME_LENGTHS.map((n) => ({ data: frame(n) })));
    expect(run.results.map((r) => r.retval)).toEqual(expectedRetvals(100, 1));
    const maps = run.maps();
    expect(maps['.data']).toEqual([{ key: 0, value: { packets_seen: 100 + FRAME_LENGTHS.length, tag: `647073696d0000${(75).toString(16)}` } }]);
    expect(maps['.bss']).toEqual([{ key: 0, value: { last_len: 75, max_len: 100 } }]);
  });

  test('scale set in .rodata before load', async () => {
    const run = await runInVm('global_data_sections', FRAME_LENGTHS.map((n) => ({ data: frame(n) })), { globals: [{ section: '.rodata', offset: 0, bytes: u32le(3) }] });
    expect(run.results.map((r) => r.retval)).toEqual(expectedRetvals(100, 3));
  });
});
