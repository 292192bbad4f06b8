// Control flow between a function's basic blocks. Structured when the graph is reducible
// (structure.ts plans the wasm blocks and loops: a forward jump is a `br` out of a block, a
// backward one a `br` to a loop's start). Otherwise a dispatch loop: block code in program
// order inside nested `block`s, so falling through costs nothing and a taken jump sets `next`
// and branches back to a `br_table`.

import { Emitter } from './emitter.js';
import { OP } from './wasm-ops.js';
import { LOCAL } from './layout.js';
import { emitBlockCode, emitBudgetCheck, emitEnd, decodeAt, type FunctionContext, type Terminator } from './translate.js';
import { isJump, jumpTarget } from './blocks.js';
import { planStructure } from './structure.js';

/** Emit the function's blocks, structured if possible; says which form was used. */
export function emitControlFlow(e: Emitter, c: FunctionContext): 'structured' | 'dispatch' {
  if (emitStructured(e, c)) return 'structured';
  emitDispatchLoop(e, c);
  return 'dispatch';
}

/** Successors of every block, from the instruction that ends it: [taken, fall-through] for conditionals. */
function successors(c: FunctionContext): number[][] {
  const { prog, fn } = c;
  const starts = fn.blocks.starts, K = starts.length;
  const out: number[][] = [];
  for (let k = 0; k < K; k++) {
    const end = k + 1 < K ? starts[k + 1]! : fn.end;
    let last = end - 1;
    if (last > starts[k]! && (prog.code[last - 1]! & 0xff) === 0x18) last--; // an lddw's second slot
    const op = decodeAt(prog, last).op;
    const fall = k + 1 < K ? [k + 1] : [];
    if (op === 0x95) out.push([]);
    else if (isJump(op)) {
      const t = fn.blocks.idAt[jumpTarget(prog, last)]!;
      out.push((op & 0xf0) === 0x00 ? [t] : [t, ...(fall.length ? fall : [t])]);
    } else out.push(fall);
  }
  return out;
}

function emitStructured(e: Emitter, c: FunctionContext): boolean {
  const plan = planStructure({ count: c.fn.blocks.starts.length, succs: successors(c) });
  if (plan === null) return false;
  const labels: number[] = [];
  const depthOf = (label: number) => labels.length - 1 - labels.lastIndexOf(label);
  const goto = (from: number, to: number, extra: number) => {
    const label = plan.target(from, to);
    if (label !== null) e.br(depthOf(label) + extra);
  };
  const K = c.fn.blocks.starts.length;
  for (const tok of plan.tokens) {
    if ('open' in tok) { e.op(tok.open === 'loop' ? OP.loop : OP.block, 0x40); labels.push(tok.label); continue; }
    if ('close' in tok) { e.end(); labels.pop(); continue; }
    const k = tok.code;
    const t = emitBlockCode(e, c, k);
    if (t.kind === 'jump') { emitBudgetCheck(e, t.pc); goto(k, t.target, 0); }
    else if (t.kind === 'cond') {
      e.if(); emitBudgetCheck(e, t.pc);
      if (t.target !== t.next) goto(k, t.target, 1);
      e.end();
      if (t.next < K) goto(k, t.next, 0);
      else emitEnd(e, t, c); // the fall-through leaves the function
    } else if (t.kind === 'fall') goto(k, t.next, 0);
    else if (t.kind === 'end') emitEnd(e, t, c);
  }
  e.op(OP.unreachable);
  return true;
}

/** Taken jump: budget check (a fault at this pc), then dispatch to the target's block. */
function dispatchTo(e: Emitter, pc: number, target: number, loopDepth: number): void {
  emitBudgetCheck(e, pc);
  e.i32(target).set(LOCAL.next).br(loopDepth);
}

function emitDispatchLoop(e: Emitter, c: FunctionContext): void {
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
