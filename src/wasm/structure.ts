// Structured control flow (WebAssembly `block` / `loop` / `br`) for a control-flow graph of
// basic blocks, so the translator can emit direct branches instead of a dispatch loop.
//
// The plan follows Norman Ramsey, "Beyond Relooper" (ICFP 2022), on the dominator tree:
//  - blocks are visited in reverse postorder (RPO); dominators by Cooper–Harvey–Kennedy;
//  - an edge to an earlier-or-same node in RPO is a back edge when its target dominates its
//    source, and the target becomes a loop header (`loop` around its whole dominator subtree);
//    any other such edge means the graph is irreducible: null, the caller keeps its dispatch;
//  - every child y of x in the dominator tree gets a `block` wrapper opened before x's code,
//    later-in-RPO children outermost, with y's subtree placed right after the wrapper's `end`.
//    Ramsey wraps only merge nodes (≥2 forward predecessors) and inlines the other children
//    in `if`/`else` arms; our token model has no `if` (a conditional's taken edge is always a
//    `br`), so a non-merge child reached by a taken jump needs a wrapper too. Wrappers that no
//    `br` targets are dropped at the end, which leaves merge nodes and taken-jump targets.
// A forward edge x → y always has y's wrapper in scope: y is a child of idom(y), and x lies
// in the subtree of idom(y) or of an earlier-in-RPO sibling (its ancestors precede it in
// RPO), all of which sit inside y's wrapper. A back edge's loop encloses its source likewise.
//
// Everything is iterative (explicit stacks) so deep graphs cannot overflow the JS stack, and
// linear apart from the dominator fixpoint, which takes 2–3 passes on reducible graphs.

/** One basic block's successors: 0 (exit), 1 (jump or fall-through) or 2 (conditional: [taken, fallthrough]). Block 0 is the entry. Blocks are numbered in program order (ascending pc). */
export interface Cfg { count: number; succs: readonly (readonly number[])[] }

export type Token =
  | { open: 'block' | 'loop'; label: number }   // opens a wasm block/loop construct, identified by `label`
  | { close: number }                            // closes the construct with this label (properly nested)
  | { code: number };                            // the straight-line code of basic block k (every block appears exactly once, entry first)

export interface StructurePlan {
  tokens: Token[];
  /** Label to `br` to for control transfer from block `from` to its successor `to`, or null when `to`'s code token is the next `code` token after `from`'s in `tokens` AND falling through reaches it (only opens/closes between them, no intervening code). */
  target(from: number, to: number): number | null;
}

/**
 * A structured plan, or null when the graph is irreducible (the caller keeps its dispatch loop).
 * Unreachable blocks are appended after all reachable code, in ascending order, outside every
 * construct; since they never run, target() returns null for their edges (nothing to emit).
 * Labels: a loop headed by block h is labelled h, the block wrapper in front of block y is
 * labelled count + y. Throws RangeError on a malformed graph.
 */
export function planStructure(cfg: Cfg): StructurePlan | null {
  const n = cfg.count, succs = cfg.succs;
  if (!Number.isInteger(n) || n < 0 || succs.length !== n) throw new RangeError('cfg: count must equal succs.length');
  for (let x = 0; x < n; x++) {
    const s = succs[x]!;
    if (s.length > 2) throw new RangeError(`cfg: block ${x} has ${s.length} successors`);
    for (const y of s) if (!Number.isInteger(y) || y < 0 || y >= n) throw new RangeError(`cfg: block ${x} -> ${y} out of range`);
  }
  if (n === 0) return { tokens: [], target: (from, to) => { throw new RangeError(`no edge ${from} -> ${to}`); } };

  // 1. Reverse postorder by iterative DFS. Successors are visited taken-first, so the
  //    fall-through successor finishes last and gets the smaller RPO number: when it is a
  //    dominator-tree child it is laid out right after its predecessor and costs no `br`.
  const rpo = new Int32Array(n).fill(-1);         // block -> RPO number (-1: unreachable)
  const post = new Int32Array(n);                  // postorder: index -> block
  const stack = new Int32Array(n), nextSucc = new Int32Array(n);
  const seen = new Uint8Array(n);
  let sp = 0, R = 0;
  stack[sp++] = 0; seen[0] = 1;
  while (sp > 0) {
    const x = stack[sp - 1]!, s = succs[x]!;
    if (nextSucc[x]! < s.length) {
      const y = s[nextSucc[x]!++]!;
      if (!seen[y]) { seen[y] = 1; stack[sp++] = y; }
    } else { sp--; post[R++] = x; }
  }
  const order = new Int32Array(R);                 // RPO number -> block
  for (let k = 0; k < R; k++) { order[k] = post[R - 1 - k]!; rpo[order[k]!] = k; }

  // 2. Predecessors in RPO numbers (CSR), from reachable sources only.
  const predStart = new Int32Array(R + 1);
  for (let k = 0; k < R; k++) for (const y of succs[order[k]!]!) predStart[rpo[y]! + 1]!++;
  for (let k = 0; k < R; k++) predStart[k + 1]! += predStart[k]!;
  const preds = new Int32Array(predStart[R]!), fill = predStart.slice(0, R);
  for (let k = 0; k < R; k++) for (const y of succs[order[k]!]!) preds[fill[rpo[y]!]!++] = k;

  // 3. Immediate dominators (Cooper, Harvey & Kennedy, "A Simple, Fast Dominance Algorithm"),
  //    on RPO numbers so that "closer to the entry" is just "smaller".
  const idom = new Int32Array(R).fill(-1);
  idom[0] = 0;
  for (let changed = true; changed;) {
    changed = false;
    for (let b = 1; b < R; b++) {
      let d = -1;
      for (let i = predStart[b]!; i < predStart[b + 1]!; i++) {
        let p = preds[i]!;
        if (idom[p]! < 0) continue;               // not processed yet in this first pass
        if (d < 0) { d = p; continue; }
        while (p !== d) { while (p > d) p = idom[p]!; while (d > p) d = idom[d]!; }
      }
      if (idom[b] !== d) { idom[b] = d; changed = true; }
    }
  }

  // 4. Dominator-tree children (CSR, ascending RPO because b runs ascending) and loop headers
  //    (targets of retreating edges; checked to be real back edges after layout).
  const childStart = new Int32Array(R + 1);
  for (let b = 1; b < R; b++) childStart[idom[b]! + 1]!++;
  for (let k = 0; k < R; k++) childStart[k + 1]! += childStart[k]!;
  const children = new Int32Array(Math.max(R - 1, 0)), cfill = childStart.slice(0, R);
  for (let b = 1; b < R; b++) children[cfill[idom[b]!]!++] = b;
  const header = new Uint8Array(R);
  for (let b = 0; b < R; b++) for (let i = predStart[b]!; i < predStart[b + 1]!; i++) if (preds[i]! >= b) header[b] = 1;

  // 5. Layout, a preorder walk of the dominator tree with an explicit work stack. tree(x):
  //    [loop x] open wrappers of x's children (last in RPO first) · code x ·
  //    for each child c, first in RPO first: close c's wrapper · tree(c)  · [close loop x].
  //    The walk also numbers code in preorder (pre/last) for the O(1) dominance test below.
  const tokens: Token[] = [];
  const pre = new Int32Array(R), last = new Int32Array(R);
  const TREE = 0, CLOSE_WRAPPER = 1, END_TREE = 2;   // work item = rpoNumber * 4 + kind
  const work: number[] = [0 * 4 + TREE];
  let codeIndex = 0;
  while (work.length > 0) {
    const item = work.pop()!, k = item >> 2, kind = item & 3;
    if (kind === CLOSE_WRAPPER) { tokens.push({ close: n + order[k]! }); continue; }
    if (kind === END_TREE) {
      if (header[k]) tokens.push({ close: order[k]! });
      last[k] = codeIndex - 1;
      continue;
    }
    if (header[k]) tokens.push({ open: 'loop', label: order[k]! });
    const c0 = childStart[k]!, c1 = childStart[k + 1]!;
    for (let i = c1 - 1; i >= c0; i--) tokens.push({ open: 'block', label: n + order[children[i]!]! });
    pre[k] = codeIndex++;
    tokens.push({ code: order[k]! });
    work.push(k * 4 + END_TREE);
    for (let i = c1 - 1; i >= c0; i--) work.push(children[i]! * 4 + TREE, children[i]! * 4 + CLOSE_WRAPPER);
  }

  // 6. Reducibility: a retreating edge p -> b needs b to dominate p, i.e. p's preorder number
  //    within b's subtree range. Otherwise no loop can enclose both entries: give up.
  for (let b = 0; b < R; b++) {
    for (let i = predStart[b]!; i < predStart[b + 1]!; i++) {
      const p = preds[i]!;
      if (p >= b && !(pre[b]! <= pre[p]! && pre[p]! <= last[b]!)) return null;
    }
  }

  // Unreachable blocks go last, at the top level: never entered, so placement is free.
  for (let x = 0; x < n; x++) if (rpo[x]! < 0) tokens.push({ code: x });

  // 7. Branch targets. Fall through (null) when the successor's code comes next, except for a
  //    conditional's taken edge, which the translator always emits as a `br` (unless both
  //    successors are the same block). Back edges go to the loop, forward edges to the wrapper.
  const nextCode = new Int32Array(n).fill(-1);
  let prevCode = -1;
  for (const t of tokens) if ('code' in t) { if (prevCode >= 0) nextCode[prevCode] = t.code; prevCode = t.code; }
  const tgt = new Int32Array(2 * n).fill(-1);     // per (block, successor index); -1 = null
  const used = new Uint8Array(2 * n);
  for (let x = 0; x < n; x++) {
    if (rpo[x]! < 0) continue;
    const s = succs[x]!;
    for (let i = 0; i < s.length; i++) {
      const y = s[i]!;
      if (nextCode[x] === y && (s.length < 2 || y === s[1])) continue;
      const label = rpo[y]! <= rpo[x]! ? y : n + y;
      tgt[2 * x + i] = label;
      used[label] = 1;
    }
  }

  // 8. Drop constructs nothing branches to: removing a matched open/close pair changes neither
  //    the order of code nor where falling through goes.
  const kept = tokens.filter(t => 'code' in t || used['open' in t ? t.label : t.close] === 1);

  return {
    tokens: kept,
    target(from: number, to: number): number | null {
      const s = succs[from];
      const i = s === undefined ? -1 : s[0] === to ? 0 : s[1] === to ? 1 : -1;
      if (i < 0) throw new RangeError(`no edge ${from} -> ${to}`);
      const t = tgt[2 * from + i]!;
      return t < 0 ? null : t;
    },
  };
}
