// Control flow between a function's basic blocks. The fallback (and, until the structured
// planner is wired in, the only) form is a dispatch loop: block code laid out in program
// order inside nested `block`s, so falling through costs nothing and a taken jump sets `next`
// and branches back to a `br_table`.

import { Emitter } from './emitter.js';
import { OP } from './wasm-ops.js';
import { LOCAL } from './layout.js';
import { emitBlockCode, emitBudgetCheck, emitEnd, type FunctionContext, type Terminator } from './translate.js';

/** Taken jump: budget check (a fault at this pc), then dispatch to the target's block. */
function dispatchTo(e: Emitter, pc: number, target: number, loopDepth: number): void {
  emitBudgetCheck(e, pc);
  e.i32(target).set(LOCAL.next).br(loopDepth);
}

export function emitDispatchLoop(e: Emitter, c: FunctionContext): void {
  const K = c.fn.blocks.starts.length;
  e.op(OP.loop, 0x40);
  for (let k = 0; k < K; k++) e.op(OP.block, 0x40);
  e.get(LOCAL.next).op(OP.br_table).w.u32(K);
  for (let k = 0; k < K; k++) e.w.u32(k);
  e.w.u32(0);
  let last: Terminator = { kind: 'exit' };
  for (let k = 0; k < K; k++) {
    e.end();
    const loopDepth = K - 1 - k;
    const t = emitBlockCode(e, c, k);
    if (t.kind === 'jump') dispatchTo(e, t.pc, t.target, loopDepth);
    else if (t.kind === 'cond') { e.if(); dispatchTo(e, t.pc, t.target, loopDepth + 1); e.end(); }
    last = t;
  }
  emitEnd(e, last, c);
  e.end().op(OP.unreachable);
}
