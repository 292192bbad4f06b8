// r0 between the wasm locals and the Vm's registers (views on linear memory).

import { Emitter } from './emitter.js';
import { OP } from './wasm-ops.js';
import { REGS_H, REGS_L, reg } from './layout.js';

/**
 * r0 into the Vm's registers: before anything that may fault (a fault reports r0 as it was, as
 * the interpreter's does), before helpers (one that sets no r0 leaves it as it was) and before
 * BPF-to-BPF calls (the callee starts with the caller's r0, as in the interpreter).
 */
export function storeR0(e: Emitter): void {
  e.i32(0).get(reg(0)).mem(OP.i64_store32, REGS_L);
  e.i32(0).get(reg(0)).i64(32n).op(OP.i64_shr_u).mem(OP.i64_store32, REGS_H);
}

/** r0 from the Vm's registers (after a helper: its result). */
export function loadR0(e: Emitter): void {
  e.i32(0).mem(OP.i64_load32_u, REGS_L);
  e.i32(0).mem(OP.i64_load32_u, REGS_H);
  e.i64(32n).op(OP.i64_shl, OP.i64_or);
}
