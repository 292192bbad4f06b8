// ALU and ALU64 instructions (and byte swaps) on i64 register locals, with the eBPF rules
// where WebAssembly differs: x / 0 = 0 and x % 0 = x instead of a trap, INT_MIN / -1 =
// INT_MIN instead of a trap, and 32-bit results zero-extended into the 64-bit register.
// Shift counts need no masking: wasm shifts already take the count modulo the width.

import { Emitter, imm64 } from './emitter.js';
import { OP, T } from './wasm-ops.js';
import { FN, LOCAL, reg } from './layout.js';

const ALU = { ADD: 0x00, SUB: 0x10, MUL: 0x20, DIV: 0x30, OR: 0x40, AND: 0x50, LSH: 0x60, RSH: 0x70,
  NEG: 0x80, MOD: 0x90, XOR: 0xa0, MOV: 0xb0, ARSH: 0xc0, END: 0xd0 } as const;

const SIMPLE64: Record<number, number> = {
  [ALU.ADD]: OP.i64_add, [ALU.SUB]: OP.i64_sub, [ALU.MUL]: OP.i64_mul, [ALU.OR]: OP.i64_or, [ALU.AND]: OP.i64_and,
  [ALU.LSH]: OP.i64_shl, [ALU.RSH]: OP.i64_shr_u, [ALU.XOR]: OP.i64_xor, [ALU.ARSH]: OP.i64_shr_s,
};
const SIMPLE32: Record<number, number> = {
  [ALU.ADD]: OP.i32_add, [ALU.SUB]: OP.i32_sub, [ALU.MUL]: OP.i32_mul, [ALU.OR]: OP.i32_or, [ALU.AND]: OP.i32_and,
  [ALU.LSH]: OP.i32_shl, [ALU.RSH]: OP.i32_shr_u, [ALU.XOR]: OP.i32_xor, [ALU.ARSH]: OP.i32_shr_s,
};

export interface AluInsn {
  op: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
  immHi: number;
}

/** Emit one ALU/ALU64/END instruction; false if it is not one this translator knows. */
export function emitAlu(e: Emitter, i: AluInsn): boolean {
  const cls = i.op & 7;
  if (cls !== 4 && cls !== 7) return false;
  const code = i.op & 0xf0;
  if (code === ALU.END) return emitEnd(e, i);
  return cls === 7 ? emitAlu64(e, i, code) : emitAlu32(e, i, code);
}

function emitAlu64(e: Emitter, i: AluInsn, code: number): boolean {
  const d = reg(i.dst);
  const operand = () => (i.op & 8 ? e.get(reg(i.src)) : e.i64(imm64(i.imm, i.immHi)));
  const simple = SIMPLE64[code];
  if (simple !== undefined) {
    e.get(d); operand(); e.op(simple);
  } else if (code === ALU.NEG) {
    e.i64(0n).get(d).op(OP.i64_sub);
  } else if (code === ALU.MOV) {
    operand();
    if (i.op & 8 && i.off !== 0) e.op(i.off === 8 ? OP.i64_extend8_s : i.off === 16 ? OP.i64_extend16_s : OP.i64_extend32_s);
  } else if (code === ALU.DIV || code === ALU.MOD) {
    operand(); e.tee(LOCAL.tmpB).op(OP.i64_eqz).if(T.i64);
    if (code === ALU.DIV) e.i64(0n); else e.get(d);
    e.else();
    if (code === ALU.MOD) e.get(d).get(LOCAL.tmpB).op(i.off ? OP.i64_rem_s : OP.i64_rem_u); // rem_s(MIN, -1) = 0, no trap
    else if (!i.off) e.get(d).get(LOCAL.tmpB).op(OP.i64_div_u);
    else {
      // div_s traps on INT64_MIN / -1; x / -1 is -x (wrapping) in eBPF
      e.get(LOCAL.tmpB).i64(-1n).op(OP.i64_eq).if(T.i64).i64(0n).get(d).op(OP.i64_sub)
        .else().get(d).get(LOCAL.tmpB).op(OP.i64_div_s).end();
    }
    e.end();
  } else return false;
  e.set(d);
  return true;
}

function emitAlu32(e: Emitter, i: AluInsn, code: number): boolean {
  const d = reg(i.dst);
  const a = () => e.get(d).op(OP.i32_wrap_i64);
  const operand = () => (i.op & 8 ? e.get(reg(i.src)).op(OP.i32_wrap_i64) : e.i32(i.imm));
  const simple = SIMPLE32[code];
  if (simple !== undefined) {
    a(); operand(); e.op(simple);
  } else if (code === ALU.NEG) {
    e.i32(0); a(); e.op(OP.i32_sub);
  } else if (code === ALU.MOV) {
    operand();
    if (i.op & 8 && i.off !== 0) e.op(i.off === 8 ? OP.i32_extend8_s : OP.i32_extend16_s);
  } else if (code === ALU.DIV || code === ALU.MOD) {
    operand(); e.tee(LOCAL.tmp32).op(OP.i32_eqz).if(T.i32);
    if (code === ALU.DIV) e.i32(0); else a();
    e.else();
    if (code === ALU.MOD) { a(); e.get(LOCAL.tmp32).op(i.off ? OP.i32_rem_s : OP.i32_rem_u); }
    else if (!i.off) { a(); e.get(LOCAL.tmp32).op(OP.i32_div_u); }
    else {
      e.get(LOCAL.tmp32).i32(-1).op(OP.i32_eq).if(T.i32).i32(0); a(); e.op(OP.i32_sub)
        .else(); a(); e.get(LOCAL.tmp32).op(OP.i32_div_s).end();
    }
    e.end();
  } else return false;
  e.op(OP.i64_extend_i32_u).set(d);
  return true;
}

/** le16/32/64 truncate (little-endian host); be16/32/64 and bswap swap. */
function emitEnd(e: Emitter, i: AluInsn): boolean {
  const d = reg(i.dst);
  const swap = i.op === 0xdc || i.op === 0xd7;
  if (i.op !== 0xd4 && !swap) return false;
  if (!swap) {
    if (i.imm === 64) return true;
    e.get(d).i64(i.imm === 16 ? 0xffffn : 0xffffffffn).op(OP.i64_and).set(d);
    return true;
  }
  if (i.imm === 16) {
    e.get(d).op(OP.i32_wrap_i64).tee(LOCAL.tmp32).i32(0xff).op(OP.i32_and).i32(8).op(OP.i32_shl)
      .get(LOCAL.tmp32).i32(8).op(OP.i32_shr_u).i32(0xff).op(OP.i32_and).op(OP.i32_or, OP.i64_extend_i32_u);
  } else if (i.imm === 32) {
    e.get(d).op(OP.i32_wrap_i64).call(FN.bswap32).op(OP.i64_extend_i32_u);
  } else {
    e.get(d).op(OP.i32_wrap_i64).call(FN.bswap32).op(OP.i64_extend_i32_u).i64(32n).op(OP.i64_shl)
      .get(d).i64(32n).op(OP.i64_shr_u, OP.i32_wrap_i64).call(FN.bswap32).op(OP.i64_extend_i32_u, OP.i64_or);
  }
  e.set(d);
  return true;
}
