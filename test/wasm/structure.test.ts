// planStructure against a tiny simulator of WebAssembly structured control flow: for every
// edge of the graph, start right after the source's code, take the planned transfer
// (fall through, or `br` to an in-scope label) and check the next code executed is the
// successor. Hand-written shapes, thousands of random reducible graphs (from structured
// programs and from random DAGs plus back edges to dominators), and random arbitrary graphs
// whose reducibility is decided independently by T1/T2 reduction.
import { describe, expect, it } from 'vitest';
import { planStructure, type Cfg, type StructurePlan } from '../../src/wasm/structure.js';

// ---------------------------------------------------------------------------------------
// The checker

function reachable(cfg: Cfg): Uint8Array {
  const seen = new Uint8Array(cfg.count);
  if (cfg.count === 0) return seen;
  const todo = [0];
  seen[0] = 1;
  while (todo.length) for (const y of cfg.succs[todo.pop()!]!) if (!seen[y]) { seen[y] = 1; todo.push(y); }
  return seen;
}

/** The first problem with the plan, or null. */
function verify(cfg: Cfg, plan: StructurePlan): string | null {
  const { tokens } = plan, n = cfg.count;
  const codePos = new Int32Array(n).fill(-1);
  const labels = new Map<number, { kind: 'block' | 'loop'; open: number; close: number }>();
  const open: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if ('code' in t) {
      if (!(t.code >= 0 && t.code < n)) return `token ${i}: code ${t.code} out of range`;
      if (codePos[t.code] !== -1) return `block ${t.code} appears twice`;
      codePos[t.code] = i;
    } else if ('open' in t) {
      if (labels.has(t.label)) return `label ${t.label} opened twice`;
      labels.set(t.label, { kind: t.open, open: i, close: -1 });
      open.push(t.label);
    } else {
      const top = open.pop();
      if (top !== t.close) return `token ${i}: close ${t.close} but innermost open is ${top}`;
      labels.get(t.close)!.close = i;
    }
  }
  if (open.length) return `unclosed labels ${open.join(',')}`;
  for (let k = 0; k < n; k++) if (codePos[k] === -1) return `block ${k} missing`;
  if (n > 0 && tokens.find(t => 'code' in t)!.code !== 0) return 'entry is not the first code';

  const live = reachable(cfg);
  for (let x = 0; x < n; x++) {
    if (!live[x]) continue;                      // never entered: its transfers never run
    const s = cfg.succs[x]!;
    if (s.length === 2 && s[0] !== s[1] && plan.target(x, s[0]!) === null) return `${x}: taken edge to ${s[0]} falls through`;
    for (const y of s) {
      const t = plan.target(x, y);
      let pc: number;
      if (t === null) pc = codePos[x]! + 1;
      else {
        const L = labels.get(t);
        if (!L) return `${x} -> ${y}: unknown label ${t}`;
        if (!(L.open < codePos[x]! && codePos[x]! < L.close)) return `${x} -> ${y}: label ${t} not in scope`;
        pc = L.kind === 'loop' ? L.open + 1 : L.close + 1;   // loop: its start; block: after its end
      }
      while (pc < tokens.length && !('code' in tokens[pc]!)) pc++;   // opens and closes just run on
      if (pc >= tokens.length) return `${x} -> ${y}: runs off the end`;
      const got = (tokens[pc] as { code: number }).code;
      if (got !== y) return `${x} -> ${y}: reaches ${got} instead (target ${t})`;
    }
  }
  return null;
}

function plan(cfg: Cfg): StructurePlan {
  const p = planStructure(cfg);
  if (!p) throw new Error('expected a plan, got null (irreducible?)');
  return p;
}
const expectGood = (cfg: Cfg) => { const p = plan(cfg); expect(verify(cfg, p)).toBeNull(); return p; };
const cfgOf = (succs: number[][]): Cfg => ({ count: succs.length, succs });
const branches = (cfg: Cfg, p: StructurePlan) => {
  let k = 0;
  for (let x = 0; x < cfg.count; x++) for (const y of cfg.succs[x]!) if (p.target(x, y) !== null) k++;
  return k;
};

// ---------------------------------------------------------------------------------------
// Generators

function prng(seed: number): (n: number) => number {   // mulberry32; returns an int in [0, n)
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

type Insn = { k: 'op' } | { k: 'ja' | 'jcc'; to: number } | { k: 'exit' };

/** A random structured program (if, if/else, while, do-while, break, continue, early exit)
 *  as a flat instruction list with jumps, cut into basic blocks the way src/wasm/blocks.ts does. */
function structuredProgram(rand: (n: number) => number, minInsns: number, maxDepth: number): Cfg {
  const code: Insn[] = [];
  const labelPc: number[] = [];
  const newLabel = () => { labelPc.push(-1); return labelPc.length - 1; };
  const place = (l: number) => { labelPc[l] = code.length; };
  const exitLabel = newLabel();
  const stmt = (depth: number, loop: { brk: number; cont: number } | null): void => {
    const r = rand(depth >= maxDepth ? 4 : 12);
    if (r <= 1) code.push({ k: 'op' });
    else if (r === 2 && loop) code.push({ k: rand(3) ? 'jcc' : 'ja', to: rand(2) ? loop.brk : loop.cont });
    else if (r === 3) code.push(rand(4) ? { k: 'jcc', to: exitLabel } : { k: 'exit' });
    else if (r <= 5) {                            // if
      const end = newLabel();
      code.push({ k: 'jcc', to: end }); body(depth + 1, loop); place(end);
    } else if (r <= 7) {                          // if / else
      const els = newLabel(), end = newLabel();
      code.push({ k: 'jcc', to: els }); body(depth + 1, loop);
      code.push({ k: 'ja', to: end }); place(els); body(depth + 1, loop); place(end);
    } else if (r <= 9) {                          // while
      const head = newLabel(), out = newLabel();
      place(head); code.push({ k: 'jcc', to: out });
      body(depth + 1, { brk: out, cont: head });
      code.push({ k: 'ja', to: head }); place(out);
    } else {                                      // do-while
      const head = newLabel(), cont = newLabel(), out = newLabel();
      place(head); body(depth + 1, { brk: out, cont });
      place(cont); code.push({ k: 'jcc', to: head }); place(out);
    }
  };
  const body = (depth: number, loop: { brk: number; cont: number } | null) => {
    for (let i = rand(4); i >= 0; i--) stmt(depth, loop);
  };
  do body(0, null); while (code.length < minInsns);
  code.push({ k: 'op' });
  place(exitLabel);
  code.push({ k: 'exit' });

  const len = code.length, leader = new Uint8Array(len + 1);
  leader[0] = 1;
  code.forEach((c, pc) => {
    if (c.k === 'ja' || c.k === 'jcc') { leader[labelPc[c.to]!] = 1; leader[pc + 1] = 1; }
    else if (c.k === 'exit') leader[pc + 1] = 1;
  });
  const idAt = new Int32Array(len + 1).fill(-1), starts: number[] = [];
  for (let pc = 0; pc < len; pc++) if (leader[pc]) { idAt[pc] = starts.length; starts.push(pc); }
  const succs = starts.map((s, k) => {
    const endPc = k + 1 < starts.length ? starts[k + 1]! : len, c = code[endPc - 1]!;
    if (c.k === 'exit') return [];
    if (c.k === 'ja') return [idAt[labelPc[c.to]!]!];
    if (c.k === 'jcc') return [idAt[labelPc[c.to]!]!, idAt[endPc]!];
    return [idAt[endPc]!];
  });
  return cfgOf(succs);
}

/** Dominator sets of an acyclic graph whose edges all go to higher numbers (-1 = unreachable). */
function dagDominators(succs: number[][]): (number[] | null)[] {
  const n = succs.length, dom: (Set<number> | null)[] = new Array(n).fill(null);
  const preds: number[][] = succs.map(() => []);
  succs.forEach((s, x) => s.forEach(y => preds[y]!.push(x)));
  dom[0] = new Set([0]);
  for (let x = 1; x < n; x++) {
    let d: Set<number> | null = null;
    for (const p of preds[x]!) {
      const dp = dom[p];
      if (!dp) continue;
      const prev: Set<number> | null = d;
      d = prev === null ? new Set<number>(dp) : new Set<number>([...prev].filter((v: number) => dp.has(v)));
    }
    if (d) { d.add(x); dom[x] = d; }
  }
  return dom.map(d => (d ? [...d] : null));
}

/** Random forward edges, then back edges only to dominators: reducible by construction
 *  (a back edge to a dominator leaves every node's dominators unchanged). */
function randomReducible(rand: (n: number) => number, n: number): Cfg {
  const fwd: number[][] = [], wantBack: number[] = [];
  for (let x = 0; x < n; x++) {
    const s: number[] = [];
    let back = 0;
    if (x < n - 1) {
      const kind = rand(10);
      if (kind === 0) s.length = 0;                                       // exit
      else {
        const next = rand(4) ? x + 1 : x + 1 + rand(n - x - 1);
        if (kind <= 3) s.push(next);                                      // jump / fall-through
        else if (kind <= 6) s.push(x + 1 + rand(n - x - 1), next);        // forward conditional
        else if (kind <= 8) { s.push(next); back = 1; }                   // conditional with a back edge
        else if (kind === 9) s.push(next, next);                          // both the same
      }
    } else if (rand(3) === 0) back = 2;                                   // last block loops back
    fwd.push(s); wantBack.push(back);
  }
  const dom = dagDominators(fwd);
  const succs = fwd.map((s, x) => {
    const d = dom[x];
    if (!wantBack[x] || !d) return s;
    const h = d[rand(d.length)]!;
    if (wantBack[x] === 2) return [h];
    return rand(2) ? [h, s[0]!] : [s[0]!, h];                              // back edge taken or fall-through
  });
  return cfgOf(succs);
}

/** Any graph with at most two successors per block. */
function randomAny(rand: (n: number) => number, n: number): Cfg {
  return cfgOf(Array.from({ length: n }, (_, x) => {
    const k = rand(6);
    if (k === 0) return [];
    if (k <= 2) return [rand(3) ? Math.min(x + 1, n - 1) : rand(n)];
    return [rand(n), rand(2) ? Math.min(x + 1, n - 1) : rand(n)];
  }));
}

/** Reducibility by T1/T2 reduction (Hecht & Ullman): drop self loops, fold a node with a
 *  single predecessor into it; reducible iff the reachable graph folds to one node. */
function reducibleByT1T2(cfg: Cfg): boolean {
  const live = reachable(cfg);
  const succ = new Map<number, Set<number>>(), pred = new Map<number, Set<number>>();
  for (let x = 0; x < cfg.count; x++) if (live[x]) { succ.set(x, new Set()); pred.set(x, new Set()); }
  for (const x of succ.keys()) for (const y of cfg.succs[x]!) if (x !== y) { succ.get(x)!.add(y); pred.get(y)!.add(x); }
  for (let progress = true; progress;) {
    progress = false;
    for (const [m, ps] of pred) {
      if (m === 0 || ps.size !== 1) continue;
      const p = [...ps][0]!;
      for (const y of succ.get(m)!) {
        pred.get(y)!.delete(m);
        if (y !== p) { succ.get(p)!.add(y); pred.get(y)!.add(p); }      // y === p: a self loop, dropped (T1)
      }
      succ.get(p)!.delete(m);
      succ.delete(m); pred.delete(m);
      progress = true;
    }
  }
  return succ.size === 1;
}

// ---------------------------------------------------------------------------------------

describe('planStructure: hand-written shapes', () => {
  const cases: [string, number[][]][] = [
    ['single block', [[]]],
    ['straight line', [[1], [2], [3], []]],
    ['if/else diamond', [[2, 1], [3], [3], []]],
    ['if without else', [[2, 1], [2], []]],
    ['nested loops', [[1], [6, 2], [5, 3], [4], [2], [1], []]],
    ['loop with multiple exits', [[1], [5, 2], [6, 3], [7, 4], [1], [8], [8], [8], []]],
    ['loop with break and continue', [[1], [2], [1, 3], [5, 4], [1], []]],
    ['self loop', [[1], [1, 2], []]],
    ['self loop as the fall-through', [[1], [2, 1], []]],
    ['entry is a loop header', [[1], [0, 2], []]],
    ['entry self loop', [[0, 1], []]],
    ['taken equals fall-through, next block', [[1, 1], []]],
    ['taken equals fall-through, not next', [[2, 2], [2], [3, 3], []]],
    ['unreachable blocks', [[2], [2], [4], [0, 1], []]],
    ['loop exit into an outer loop latch', [[1], [2], [1, 3], [1, 4], [0, 5], []]],
    ['two loops sharing nothing, second after first', [[1], [1, 2], [3], [2, 4], []]],
  ];
  for (const [name, succs] of cases) {
    it(name, () => { expectGood(cfgOf(succs)); });
  }

  it('falls through wherever program order allows it', () => {
    const diamond = cfgOf([[2, 1], [3], [3], []]);
    const p = expectGood(diamond);
    expect(p.tokens.filter(t => 'code' in t).map(t => (t as { code: number }).code)).toEqual([0, 1, 2, 3]);
    expect(p.target(0, 1)).toBeNull();
    expect(p.target(2, 3)).toBeNull();
    expect(branches(diamond, p)).toBe(2);         // 0 -> 2 (taken) and 1 -> 3 (over the else arm)
    const line = cfgOf([[1], [2], [3], []]);
    const q = expectGood(line);
    expect(q.tokens).toEqual([{ code: 0 }, { code: 1 }, { code: 2 }, { code: 3 }]);   // no wrappers left
  });

  it('a self loop is a loop around its own block', () => {
    const cfg = cfgOf([[1], [1, 2], []]);
    const p = expectGood(cfg);
    const t = p.target(1, 1)!;
    expect(p.tokens).toContainEqual({ open: 'loop', label: t });
    expect(p.target(1, 2)).toBeNull();
  });

  it('target() rejects a pair that is not an edge', () => {
    const p = plan(cfgOf([[1], []]));
    expect(() => p.target(0, 0)).toThrow(RangeError);
    expect(() => p.target(5, 0)).toThrow(RangeError);
  });

  it('rejects malformed graphs', () => {
    expect(() => planStructure({ count: 2, succs: [[1]] })).toThrow(RangeError);
    expect(() => planStructure(cfgOf([[2], []]))).toThrow(RangeError);
    expect(() => planStructure(cfgOf([[1, 1, 1], []]))).toThrow(RangeError);
  });

  it('an empty graph plans to nothing', () => {
    expect(plan({ count: 0, succs: [] }).tokens).toEqual([]);
  });

  it('a chain of 10,000 blocks (no deep recursion)', () => {
    const n = 10_000;
    const cfg = cfgOf(Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : [])));
    const p = expectGood(cfg);
    expect(p.tokens.length).toBe(n);
    expect(branches(cfg, p)).toBe(0);
  });

  it('3,000 nested loops (deep nesting, no deep recursion)', () => {
    // headers 0..m-1 each fall into the next; body m; latch for header h at 2m-h loops back
    // to h or falls through to the next latch; 2m+1 exits.
    const m = 3000, succs: number[][] = [];
    for (let h = 0; h < m; h++) succs.push([h + 1]);
    succs.push([m + 1]);
    for (let l = m + 1; l <= 2 * m; l++) succs.push([2 * m - l, l + 1]);
    succs.push([]);
    const p = expectGood(cfgOf(succs));
    expect(p.tokens.filter(t => 'open' in t && t.open === 'loop').length).toBe(m);
  });

  it('3,000 nested if/else (deep block nesting)', () => {
    // 0..m-1: if c goto else_i; the innermost then-part; then each level jumps over its else.
    const m = 3000, succs: number[][] = [];
    // layout: cond_i (i < m), then body (m), then for i = m-1..0: join_i then else_i.
    const join = (i: number) => m + 1 + 2 * (m - 1 - i), els = (i: number) => join(i) + 1;
    for (let i = 0; i < m; i++) succs.push([els(i), i + 1]);
    succs.push([join(m - 1)]);
    for (let i = m - 1; i >= 0; i--) {
      const after = i > 0 ? join(i - 1) : 3 * m + 1;
      succs.push([after]);                         // join_i: end of the then-part, jump over else_i
      succs.push([after]);                         // else_i
    }
    succs.push([]);
    expectGood(cfgOf(succs));
  });
});

describe('planStructure: irreducible graphs', () => {
  it('a two-entry loop returns null', () => {
    expect(planStructure(cfgOf([[1, 2], [2], [1]]))).toBeNull();
  });
  it('a two-entry loop inside a loop returns null', () => {
    expect(planStructure(cfgOf([[1], [2, 5], [3, 4], [4], [3, 1], []]))).toBeNull();
  });
  it('a jump into the middle of a loop returns null', () => {
    expect(planStructure(cfgOf([[3, 1], [2], [1, 4], [2], []]))).toBeNull();
  });
  it('irreducibility only among unreachable blocks does not matter', () => {
    expectGood(cfgOf([[3], [2, 3], [1], []]));
  });
});

describe('planStructure: random graphs', () => {
  it('2,000 structured programs', () => {
    const rand = prng(1);
    let blocks = 0, edges = 0, brs = 0;
    for (let i = 0; i < 2000; i++) {
      const cfg = structuredProgram(rand, 1 + rand(60), 1 + rand(6));
      const p = plan(cfg);
      const err = verify(cfg, p);
      if (err) throw new Error(`program ${i}: ${err}\n${JSON.stringify(cfg.succs)}`);
      blocks += cfg.count;
      for (const s of cfg.succs) edges += s.length;
      brs += branches(cfg, p);
    }
    console.log(`structured programs: 2000 graphs, ${blocks} blocks, ${edges} edges, ${brs} br (${((100 * brs) / edges).toFixed(1)}% of edges)`);
  });

  it('3,000 random DAGs with back edges to dominators', () => {
    const rand = prng(2);
    for (let i = 0; i < 3000; i++) {
      const cfg = randomReducible(rand, 1 + rand(i < 2000 ? 12 : 80));
      const p = plan(cfg);
      const err = verify(cfg, p);
      if (err) throw new Error(`graph ${i}: ${err}\n${JSON.stringify(cfg.succs)}`);
    }
  });

  it('3,000 arbitrary graphs: null exactly when T1/T2 finds them irreducible', () => {
    const rand = prng(3);
    let irreducible = 0;
    for (let i = 0; i < 3000; i++) {
      const cfg = randomAny(rand, 1 + rand(i < 2000 ? 8 : 40));
      const p = planStructure(cfg);
      const want = reducibleByT1T2(cfg);
      if ((p !== null) !== want) throw new Error(`graph ${i}: plan ${p ? 'found' : 'null'} but T1/T2 says ${want ? 'reducible' : 'irreducible'}\n${JSON.stringify(cfg.succs)}`);
      if (!p) { irreducible++; continue; }
      const err = verify(cfg, p);
      if (err) throw new Error(`graph ${i}: ${err}\n${JSON.stringify(cfg.succs)}`);
    }
    console.log(`arbitrary graphs: ${irreducible} of 3000 irreducible`);
    expect(irreducible).toBeGreaterThan(100);      // the generator must exercise both outcomes
    expect(irreducible).toBeLessThan(2900);
  });

  it('the checker catches broken plans', () => {
    // Guard against a checker that accepts anything: damage good plans in several ways.
    const cfg = cfgOf([[1], [6, 2], [5, 3], [4], [2], [1], []]);
    const good = plan(cfg);
    expect(verify(cfg, good)).toBeNull();
    const code = good.tokens.filter(t => 'code' in t);
    expect(verify(cfg, { ...good, tokens: [...code].reverse() })).not.toBeNull();                         // wrong order
    expect(verify(cfg, { ...good, tokens: good.tokens.filter(t => !('open' in t) || t.open !== 'loop') })).not.toBeNull();
    expect(verify(cfg, { ...good, target: () => null })).not.toBeNull();                                   // everything falls through
    expect(verify(cfg, { ...good, tokens: [...good.tokens, { code: 3 }] })).not.toBeNull();                // duplicate
    const loops = good.tokens.flatMap(t => ('open' in t && t.open === 'loop' ? [t.label] : []));
    expect(verify(cfg, { ...good, target: (f, t) => good.target(f, t) === null ? null : loops[0]! })).not.toBeNull();
  });
});

describe('planStructure: timing', () => {
  it('plans a ~4,000-block program', () => {
    const rand = prng(4);
    let cfg = structuredProgram(rand, 6000, 8);
    while (cfg.count < 4000) cfg = structuredProgram(rand, 6000 + (4000 - cfg.count) * 2, 8);
    const reducibleRandom = randomReducible(prng(5), 4000);
    for (let i = 0; i < 20; i++) { planStructure(cfg); planStructure(reducibleRandom); }   // warm up the JIT
    const time = (g: Cfg) => {
      const runs: number[] = [];
      for (let i = 0; i < 50; i++) { const t0 = performance.now(); planStructure(g); runs.push(performance.now() - t0); }
      runs.sort((a, b) => a - b);
      return `median ${runs[25]!.toFixed(3)} ms, max ${runs[49]!.toFixed(3)} ms`;
    };
    const t0 = performance.now();
    const cold = planStructure(structuredProgram(prng(6), 6000, 8));
    const coldMs = performance.now() - t0;
    console.log(`planStructure, structured program of ${cfg.count} blocks: ${time(cfg)}`);
    console.log(`planStructure, random reducible graph of ${reducibleRandom.count} blocks: ${time(reducibleRandom)}`);
    console.log(`(one more program, generation + planning: ${coldMs.toFixed(2)} ms)`);
    expect(verify(cfg, plan(cfg))).toBeNull();
    expect(verify(reducibleRandom, plan(reducibleRandom))).toBeNull();
    expect(cold).not.toBeNull();
  });
});
