// bpf_tail_call (test/fixtures/vm/tailcall.c): MAX_TAIL_CALL_CNT (33) tail calls per run, the
// fall-through cases (empty slot, index out of range), the context passed on, the count reset
// per run, and a tail call made from a BPF-to-BPF subprogram.
import { beforeEach, describe, expect, it } from 'vitest';
import type { LoadedObject } from '../../src/vm/loaded-object.js';
import { haveClang, loadVmFixture } from '../vm/compile.js';
import { IPPROTO_UDP, ipv4Packet } from './packets.js';
import { getValue, key0, keyU32, ret, run, setValue, u32At } from './run.js';

const MAX_TAIL_CALL_CNT = 33; // include/linux/bpf.h
const PKT = ipv4Packet({ proto: IPPROTO_UDP }); // 50 bytes: leaf returns skb->len

describe.skipIf(!haveClang)('tail calls', () => {
  let obj: LoadedObject;
  beforeEach(async () => {
    obj = await loadVmFixture('tailcall');
  });

  /** .bss: invocations at 0, index_arg at 4. */
  const bss = () => getValue(obj, '.bss', key0())!;
  const invocations = () => u32At(bss(), 0);
  function jumpTo(index: number): number {
    const b = bss().slice();
    new DataView(b.buffer).setUint32(4, index, true);
    setValue(obj, '.bss', key0(), b);
    return ret(run(obj, 'jump_to', { dataIn: PKT }));
  }

  it(`a self tail call runs 1 + ${MAX_TAIL_CALL_CNT} times, then bpf_tail_call falls through`, () => {
    const r = ret(run(obj, 'self_loop', { dataIn: PKT }));
    expect(invocations()).toBe(1 + MAX_TAIL_CALL_CNT);
    expect(r).toBe(1000 + 1 + MAX_TAIL_CALL_CNT);
  });

  it('the count starts again at 0 on every run', () => {
    run(obj, 'self_loop', { dataIn: PKT });
    const r = ret(run(obj, 'self_loop', { dataIn: PKT }));
    expect(invocations()).toBe(2 * (1 + MAX_TAIL_CALL_CNT));
    expect(r).toBe(1000 + 2 * (1 + MAX_TAIL_CALL_CNT));
  });

  it('the count is shared by the programs of a chain (jump_to uses one of the 33)', () => {
    expect(jumpTo(0)).toBe(1000 + MAX_TAIL_CALL_CNT);
    expect(invocations()).toBe(MAX_TAIL_CALL_CNT);
  });

  it('the target runs with the same context (leaf returns skb->len)', () => {
    expect(jumpTo(2)).toBe(PKT.length);
  });

  it.each([
    ['an empty slot', 1],
    ['the last, empty slot', 3],
    ['an index equal to max_entries', 4],
    ['index 0xffffffff', 0xffffffff],
  ])('%s: the call falls through to the next instruction', (_n, index) => {
    expect(jumpTo(index)).toBe(7);
    expect(invocations()).toBe(0);
  });

  it('a slot filled from the control plane is used by the next run', () => {
    expect(obj.map('jmp').userUpdate(keyU32(1), obj.program('leaf') as never)).toBe(0);
    expect(jumpTo(1)).toBe(PKT.length);
    expect(obj.map('jmp').userDelete(keyU32(1))).toBe(0);
    expect(jumpTo(1)).toBe(7);
  });

  it('a tail call from a subprogram replaces it: its caller gets the target\'s result', () => {
    // from_subprog returns sub() + 10000; sub tail-calls leaf (50) instead of returning mark + 5.
    expect(ret(run(obj, 'from_subprog', { dataIn: PKT }))).toBe(10000 + PKT.length);
  });
});
