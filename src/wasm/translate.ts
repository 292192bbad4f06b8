// The body of `run`: registers as i64 locals and a dispatch loop over basic blocks
// (`loop` + `br_table`), with code for block i placed after the end of the i-th nested
// `block`, so falling through to the next block costs nothing and only taken jumps dispatch.
// Instructions are counted per block as the interpreter counts them, and the budget is
// checked on taken jumps only, as the interpreter does, so budget faults match too.

import type { DecodedProgram } from '../vm/program.js';
import { Emitter, imm64 } from './emitter.js';
import { OP, T } from './wasm-ops.js';
import { FAULT_CODE, FN, GLOBAL, LOCAL, LO_BASE, STACK0_HI, STACK_SIZE, reg } from './layout.js';
import { findBlocks, isJump, jumpTarget } from './blocks.js';
import { emitAlu, type AluInsn } from './alu.js';
import { emitMemory } from './memory-ops.js';
import { emitCondition } from './jumps.js';

export class Unsupported extends Error {}

export interface RunBody {
  locals: [number, number][];
  body: Emitter;
  blocks: number;
}

const R10_INIT = (BigInt(STACK0_HI) << 32n) | BigInt(LO_BASE + STACK_SIZE);

export function translateRun(prog: DecodedProgram): RunBody {
  const { starts, idAt } = findBlocks(prog);
  const K = starts.length;
  const e = new Emitter();
  e.get(LOCAL.paramR1).set(reg(1)).get(LOCAL.paramR2).set(reg(2)).i64(R10_INIT).set(reg(10));
  e.i32(LO_BASE).get(LOCAL.memLen).op(OP.i32_add, OP.global_set).w.u32(GLOBAL.memEnd);
  e.op(OP.loop, T.void);
  for (let k = 0; k < K; k++) e.op(OP.block, T.void);
  e.get(LOCAL.next).op(OP.br_table).w.u32(K);
  for (let k = 0; k < K; k++) e.w.u32(k);
  e.w.u32(0);
  for (let k = 0; k < K; k++) {
    e.end();
    const end = k + 1 < K ? starts[k + 1]! : prog.length;
    emitBlock(e, prog, starts[k]!, end, K - 1 - k, idAt);
  }
  e.end().op(OP.unreachable).end();
  return { locals: [[11, T.i64], [2, T.i32], [2, T.i64], [2, T.i32]], body: e, blocks: K };
}

function decodeAt(prog: DecodedProgram, pc: number): AluInsn {
  const w = prog.code[pc]!;
  return { op: w & 0xff, dst: (w >> 8) & 15, src: (w >> 12) & 15, off: w >> 16, imm: prog.imm[pc]!, immHi: prog.immHi[pc]! };
}

const addCount = (e: Emitter, n: number) => e.get(LOCAL.count).i32(n).op(OP.i32_add).set(LOCAL.count);

/** Taken jump: budget check (a fault, at this pc), then dispatch to the target's block. */
function takeJump(e: Emitter, pc: number, targetId: number, loopDepth: number): void {
  e.get(LOCAL.count).get(LOCAL.budget).op(OP.i32_gt_s).if().i32(FAULT_CODE.budget).i32(pc).call(FN.fault).op(OP.unreachable).end();
  e.i32(targetId).set(LOCAL.next).br(loopDepth);
}

function emitBlock(e: Emitter, prog: DecodedProgram, start: number, end: number, loopDepth: number, idAt: Int32Array): void {
  for (let pc = start; pc < end; pc++) {
    const i = decodeAt(prog, pc);
    const len = pc - start + 1;
    if (i.op === 0x18) { // lddw: raw 64-bit value, as the interpreter loads it (any src)
      e.i64(imm64(i.imm, i.immHi)).set(reg(i.dst));
      pc++;
      if (pc + 1 === end) addCount(e, pc - start + 1);
      continue;
    }
    if (emitAlu(e, i) || emitMemory(e, i, pc)) {
      if (pc + 1 === end) addCount(e, len); // falls through into the next block
      continue;
    }
    if (isJump(i.op)) {
      addCount(e, len);
      const target = idAt[jumpTarget(prog, pc)]!;
      if ((i.op & 0xf0) === 0x00) { takeJump(e, pc, target, loopDepth); continue; }
      if (!emitCondition(e, i)) throw new Unsupported(`pc ${pc}: jump opcode 0x${i.op.toString(16)}`);
      e.if(); takeJump(e, pc, target, loopDepth + 1); e.end();
      continue;
    }
    if (i.op === 0x95) {
      addCount(e, len);
      e.get(LOCAL.count).op(OP.global_set).w.u32(GLOBAL.count);
      e.get(reg(0)).op(OP.return);
      continue;
    }
    if ((i.op === 0x85 && i.src === 0) || i.op === 0x8d) {
      // helpers see r1..r5 as i64 (BigInt in JS); r1..r5 are left as they were, as in the interpreter
      if (i.op === 0x85) e.i32(i.imm); else e.get(reg(i.dst)).op(OP.i32_wrap_i64);
      e.i32(pc).get(LOCAL.count).i32(len).op(OP.i32_add);
      for (let r = 1; r <= 5; r++) e.get(reg(r));
      e.call(FN.helper).set(reg(0));
      if (pc + 1 === end) addCount(e, len);
      continue;
    }
    if (i.op === 0x85) throw new Unsupported(`pc ${pc}: BPF-to-BPF call (left to the interpreter)`);
    throw new Unsupported(`pc ${pc}: opcode 0x${i.op.toString(16).padStart(2, '0')} is not translated`);
  }
}
