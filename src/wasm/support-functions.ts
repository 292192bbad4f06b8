// Bodies of the module's own functions besides the BPF ones: `entry` (registers in from the
// Vm, r0 out) and `bswap32`.

import { Emitter } from './emitter.js';
import { OP } from './wasm-ops.js';
import { FN, GLOBAL, REGS_H, REGS_L } from './layout.js';

/**
 * entry(depth, count, budget) -> count: runs BPF function 0 with r1..r5 from the Vm's
 * registers, at call depth `depth` (0, or a tail call's depth), and stores r0 back.
 */
export function entryBody(): { locals: [number, number][]; body: Emitter } {
  const e = new Emitter();
  e.get(2).globalSet(GLOBAL.budget);
  e.get(1).globalSet(GLOBAL.count);
  e.i32(0); // address for the r0 stores below
  for (let r = 1; r <= 5; r++) {
    e.i32(0).mem(OP.i64_load32_u, REGS_L + 4 * r);
    e.i32(0).mem(OP.i64_load32_u, REGS_H + 4 * r);
    e.i64(32n).op(OP.i64_shl, OP.i64_or);
  }
  e.get(0).call(FN.func0).set(3);
  e.get(3).mem(OP.i64_store32, REGS_L);
  e.i32(0).get(3).i64(32n).op(OP.i64_shr_u).mem(OP.i64_store32, REGS_H);
  e.globalGet(GLOBAL.count);
  e.end();
  return { locals: [[1, 0x7e]], body: e };
}

/** bswap32(x): rotations pick alternate bytes (AABBCCDD → DDCCBBAA). */
export function bswap32Body(): { locals: [number, number][]; body: Emitter } {
  const e = new Emitter();
  e.get(0).i32(8).op(OP.i32_rotl).i32(0x00ff00ff).op(OP.i32_and);
  e.get(0).i32(8).op(OP.i32_rotr).i32(0xff00ff00 | 0).op(OP.i32_and);
  e.op(OP.i32_or).end();
  return { locals: [], body: e };
}
