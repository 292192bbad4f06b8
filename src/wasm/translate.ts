// The body of each BPF function: registers as i64 locals, the function's basic blocks in
// program order, and control flow between them (control.ts). Instructions are counted per
// block exactly as the interpreter counts them (per straight-line run, an lddw as two), and
// the budget is checked on taken jumps and calls only, as the interpreter does, so counts and
// budget faults match.

import type { DecodedProgram } from '../vm/program.js';
import { Emitter, imm64 } from './emitter.js';
import { OP, T } from './wasm-ops.js';
import { FAULT_CODE, FN, FRAME_COUNT, GLOBAL, HI_BASE, HI_SHIFT, LOCAL, LO_BASE, REGS_H, REGS_L, STACK_BASE, STACK_SIZE, STATUS, reg } from './layout.js';
import { isJump, jumpTarget } from './blocks.js';
import { emitAlu, type AluInsn } from './alu.js';
import { emitMemory, emitForgetCaches } from './memory-ops.js';
import { loadR0, storeR0 } from './regs.js';
import { emitCondition } from './jumps.js';
import { Untranslatable, type BpfFunction } from './functions.js';

export { Untranslatable };

/** How a block ends: what control.ts must do after its code. */
export type Terminator =
  | { kind: 'fall'; next: number } // falls into block `next`
  | { kind: 'jump'; pc: number; target: number }
  | { kind: 'cond'; pc: number; insn: AluInsn; target: number; next: number }
  | { kind: 'exit' } // returned (exit, or a fault that cannot continue)
  | { kind: 'end'; pc: number }; // runs past the end of the program

export interface FunctionContext {
  prog: DecodedProgram;
  fn: BpfFunction;
  /** wasm function index of the BPF function starting at a pc. */
  funcIndexAt: Map<number, number>;
}

export function decodeAt(prog: DecodedProgram, pc: number): AluInsn {
  const w = prog.code[pc]!;
  return { op: w & 0xff, dst: (w >> 8) & 15, src: (w >> 12) & 15, off: w >> 16, imm: prog.imm[pc]!, immHi: prog.immHi[pc]! };
}

const addCount = (e: Emitter, n: number) => e.get(LOCAL.count).i32(n).op(OP.i32_add).set(LOCAL.count);

/** count > budget → the budget fault at pc (count already includes this instruction). */
export function emitBudgetCheck(e: Emitter, pc: number): void {
  e.get(LOCAL.count).get(LOCAL.budget);
  e.op(OP.i32_gt_s).if();
  storeR0(e);
  e.i32(FAULT_CODE.budget).i32(pc).get(LOCAL.count).call(FN.fault).op(OP.unreachable).end();
}

/** Function prologue: the count from the global, the frame's linear base and r10. */
export function emitPrologue(e: Emitter): void {
  e.globalGet(GLOBAL.count).set(LOCAL.count);
  loadR0(e); e.set(reg(0)); // the caller's r0 (a callee may not read it; a fault reports it)
  e.globalGet(GLOBAL.budget).set(LOCAL.budget);
  e.get(LOCAL.depth).i32(Math.log2(STACK_SIZE)).op(OP.i32_shl).i32(STACK_BASE).op(OP.i32_add).set(LOCAL.fbase);
  // r10 = the top of frame `depth`, whose region id is depth + 1
  e.get(LOCAL.depth).i32(1).op(OP.i32_add).i32(HI_SHIFT).op(OP.i32_shl).i32(HI_BASE).op(OP.i32_add, OP.i64_extend_i32_u);
  e.i64(32n).op(OP.i64_shl).i64(BigInt(LO_BASE + STACK_SIZE)).op(OP.i64_or).set(reg(10));
}


function storeArgs(e: Emitter): void {
  storeR0(e);
  for (let r = 1; r <= 5; r++) {
    e.i32(0).get(reg(r)).mem(OP.i64_store32, REGS_L + 4 * r);
    e.i32(0).get(reg(r)).i64(32n).op(OP.i64_shr_u).mem(OP.i64_store32, REGS_H + 4 * r);
  }
}

/** Return r0 after publishing the count. */
function emitReturn(e: Emitter): void {
  e.get(LOCAL.count).globalSet(GLOBAL.count);
  e.get(reg(0)).op(OP.return);
}

/** Emit block k's instructions (but not its final jump); say how it ends. */
export function emitBlockCode(e: Emitter, c: FunctionContext, k: number): Terminator {
  const { prog, fn } = c;
  const starts = fn.blocks.starts;
  const start = starts[k]!;
  const end = k + 1 < starts.length ? starts[k + 1]! : fn.end;
  for (let pc = start; pc < end; pc++) {
    const i = decodeAt(prog, pc);
    const len = pc - start + 1;
    if (i.op === 0x18) { // lddw: the raw 64-bit value, as the interpreter loads it (any src)
      e.i64(imm64(i.imm, i.immHi)).set(reg(i.dst));
      pc++;
      continue;
    }
    if (emitAlu(e, i) || emitMemory(e, i, { pc, k: len })) continue;
    if (isJump(i.op)) {
      addCount(e, len);
      const target = fn.blocks.idAt[jumpTarget(prog, pc)]!;
      if ((i.op & 0xf0) === 0x00) return { kind: 'jump', pc, target };
      if (!emitCondition(e, i)) throw new Untranslatable(`pc ${pc}: jump opcode 0x${i.op.toString(16)}`);
      return { kind: 'cond', pc, insn: i, target, next: k + 1 };
    }
    if (i.op === 0x95) {
      addCount(e, len);
      emitReturn(e);
      return { kind: 'exit' };
    }
    if ((i.op === 0x85 && i.src === 0) || i.op === 0x8d) { emitHelperCall(e, i, pc, len); continue; }
    if (i.op === 0x85 && i.src === 1) { emitBpfCall(e, c, i, pc, len); continue; }
    if ((i.op & 7) === 0 && ((i.op & 0xe0) === 0x20 || (i.op & 0xe0) === 0x40)) { emitLegacyLoad(e, i, pc, len); continue; }
    throw new Untranslatable(`pc ${pc}: opcode 0x${i.op.toString(16).padStart(2, '0')} is not translated`);
  }
  addCount(e, end - start);
  return end < fn.end ? { kind: 'fall', next: k + 1 } : { kind: 'end', pc: end };
}

/**
 * Helpers read r1..r5 from the Vm's registers (the REGS area) and leave r0 there. The import
 * returns the instruction count (a callback run by the helper counts too) and sets STATUS
 * when it ran a tail call, whose r0 is then this function's result.
 */
function emitHelperCall(e: Emitter, i: AluInsn, pc: number, len: number): void {
  storeArgs(e);
  if (i.op === 0x85) e.i32(i.imm); else e.get(reg(i.dst)).op(OP.i32_wrap_i64);
  e.i32(pc).get(LOCAL.count).i32(len).op(OP.i32_add).get(LOCAL.depth).call(FN.helper).set(LOCAL.tmp32);
  loadR0(e); e.set(reg(0));
  e.i32(0).mem(OP.i32_load, STATUS);
  e.if().get(LOCAL.tmp32).globalSet(GLOBAL.count).get(reg(0)).op(OP.return).end();
  e.get(LOCAL.tmp32).i32(len).op(OP.i32_sub).set(LOCAL.count);
  emitForgetCaches(e);
}

function emitBpfCall(e: Emitter, c: FunctionContext, i: AluInsn, pc: number, len: number): void {
  const callee = c.funcIndexAt.get(pc + 1 + i.imm);
  if (callee === undefined) throw new Untranslatable(`pc ${pc}: call target ${pc + 1 + i.imm} is not a function start`);
  storeR0(e);
  e.get(LOCAL.depth).i32(FRAME_COUNT - 1).op(OP.i32_ge_s).if();
  e.i32(FAULT_CODE.callDepth).i32(pc).get(LOCAL.count).i32(len).op(OP.i32_add).call(FN.fault).op(OP.unreachable).end();
  addCount(e, len);
  emitBudgetCheck(e, pc);
  e.get(LOCAL.count).globalSet(GLOBAL.count);
  for (let r = 1; r <= 5; r++) e.get(reg(r));
  e.get(LOCAL.depth).i32(1).op(OP.i32_add).call(callee).set(reg(0));
  // the count restarts after the call (the block's closing add covers the instructions before it)
  e.globalGet(GLOBAL.count); e.i32(len).op(OP.i32_sub).set(LOCAL.count);
  emitForgetCaches(e);
}

/** BPF_ABS/BPF_IND: r0 = the big-endian packet bytes, or the program ends with r0 = 0. */
function emitLegacyLoad(e: Emitter, i: AluInsn, pc: number, len: number): void {
  storeR0(e);
  e.i32(i.op).get(reg(i.src)).op(OP.i32_wrap_i64).i32(i.imm).i32(pc).get(LOCAL.count).i32(len).op(OP.i32_add).call(FN.legacy);
  loadR0(e); e.set(reg(0));
}

/** After the last block: what running off its end means. */
export function emitEnd(e: Emitter, last: Terminator, c: FunctionContext): void {
  const prog = c.prog;
  if (last.kind !== 'end' && last.kind !== 'cond') return;
  const t = { pc: c.fn.end };
  if (t.pc < prog.length) throw new Untranslatable(`pc ${t.pc - 1}: execution falls into the next function`);
  storeR0(e);
  e.i32(FAULT_CODE.fellOffEnd).i32(t.pc).get(LOCAL.count).i32(1).op(OP.i32_add).call(FN.fault).op(OP.unreachable);
}

export { T };
