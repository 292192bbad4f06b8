// Jump conditions: leave an i32 truth value on the stack. 64-bit compares on the register
// locals, 32-bit compares (JMP32) on their wrapped low words.

import { Emitter, imm64 } from './emitter.js';
import { OP } from './wasm-ops.js';
import { reg } from './layout.js';
import type { AluInsn } from './alu.js';

const CMP64: Record<number, number> = {
  0x10: OP.i64_eq, 0x20: OP.i64_gt_u, 0x30: OP.i64_ge_u, 0x50: OP.i64_ne, 0x60: OP.i64_gt_s, 0x70: OP.i64_ge_s,
  0xa0: OP.i64_lt_u, 0xb0: OP.i64_le_u, 0xc0: OP.i64_lt_s, 0xd0: OP.i64_le_s,
};
const CMP32: Record<number, number> = {
  0x10: OP.i32_eq, 0x20: OP.i32_gt_u, 0x30: OP.i32_ge_u, 0x50: OP.i32_ne, 0x60: OP.i32_gt_s, 0x70: OP.i32_ge_s,
  0xa0: OP.i32_lt_u, 0xb0: OP.i32_le_u, 0xc0: OP.i32_lt_s, 0xd0: OP.i32_le_s,
};
const JSET = 0x40;

/** Emit the condition of a conditional jump; false for an unknown opcode. */
export function emitCondition(e: Emitter, i: AluInsn): boolean {
  const is32 = (i.op & 7) === 6, code = i.op & 0xf0;
  const cmp = is32 ? CMP32[code] : CMP64[code];
  if (cmp === undefined && code !== JSET) return false;
  e.get(reg(i.dst));
  if (is32) e.op(OP.i32_wrap_i64);
  if (i.op & 8) {
    e.get(reg(i.src));
    if (is32) e.op(OP.i32_wrap_i64);
  } else if (is32) e.i32(i.imm);
  else e.i64(imm64(i.imm, i.immHi));
  if (code !== JSET) e.op(cmp!);
  else if (is32) e.op(OP.i32_and); // any non-zero i32 is true for `if`
  else e.op(OP.i64_and).i64(0n).op(OP.i64_ne);
  return true;
}
