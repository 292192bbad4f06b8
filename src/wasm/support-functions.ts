// Bodies of the module's own helper functions: `addr` (the bounds check every load and store
// calls) and `bswap32`.

import { Emitter } from './emitter.js';
import { OP, T } from './wasm-ops.js';
import { FN, GLOBAL, LO_BASE, MEMORY_BASE, MEMORY_HI, STACK0_HI, STACK_SIZE, frameBase } from './layout.js';

/**
 * addr(ptr i64, off i32, size i32, write i32, pc i32) -> i32 linear address.
 * Fast path: the program's stack frame and the memory buffer; valid when
 * LO_BASE + start <= a and a + size <= LO_BASE + end, as the interpreter checks (written as
 * a <= end - size so the i32 sum cannot wrap). Anything else (other stack frames, faults)
 * goes to the slowAccess import.
 */
export function addrBody(): { locals: [number, number][]; body: Emitter } {
  const P = { ptr: 0, off: 1, size: 2, write: 3, pc: 4, hi: 5, a: 6 };
  const e = new Emitter();
  e.get(P.ptr).i64(32n).op(OP.i64_shr_u, OP.i32_wrap_i64).set(P.hi);
  e.get(P.ptr).op(OP.i32_wrap_i64).get(P.off).op(OP.i32_add).set(P.a);
  const region = (hi: number, end: () => void, base: number) => {
    e.get(P.hi).i32(hi).op(OP.i32_eq).if();
    e.get(P.a).i32(LO_BASE).op(OP.i32_ge_s);
    e.get(P.a); end(); e.get(P.size).op(OP.i32_sub, OP.i32_le_s);
    e.op(OP.i32_and).if().get(P.a).i32(LO_BASE - base).op(OP.i32_sub, OP.return).end();
    e.end();
  };
  region(STACK0_HI, () => e.i32(LO_BASE + STACK_SIZE), frameBase(0));
  region(MEMORY_HI, () => e.op(OP.global_get).w.u32(GLOBAL.memEnd), MEMORY_BASE);
  e.get(P.hi).get(P.a).get(P.size).get(P.write).get(P.pc).call(FN.slowAccess);
  e.end();
  return { locals: [[2, T.i32]], body: e };
}

/** bswap32(x): rotations pick alternate bytes (AABBCCDD → DDCCBBAA). */
export function bswap32Body(): { locals: [number, number][]; body: Emitter } {
  const e = new Emitter();
  e.get(0).i32(8).op(OP.i32_rotl).i32(0x00ff00ff).op(OP.i32_and);
  e.get(0).i32(8).op(OP.i32_rotr).i32(0xff00ff00 | 0).op(OP.i32_and);
  e.op(OP.i32_or).end();
  return { locals: [], body: e };
}
