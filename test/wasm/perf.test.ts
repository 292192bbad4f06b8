// Translation time of a 4,000-instruction program, and interpreter vs wasm speed on loops in
// the conformance environment. Printed, not asserted (beyond sanity): machines differ.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/isa/asm.js';
import { predecode } from '../../src/vm/program.js';
import { runRaw } from '../../src/vm/raw.js';
import { compileToWasm, runWasmRaw } from '../../src/wasm/index.js';
import { Rng } from '../vm/ref.js';
import { randomProgram } from './random-program.js';

const ITER = 2_000_000;
const BUDGET = 100_000_000;

const LOOPS: Record<string, string> = {
  'ALU loop': `mov r0, 1
mov r2, 0
lddw r3, ${ITER}
add r0, r2
xor r0, 0x5555
mul r0, 3
rsh r0, 1
add32 r0, 7
add r2, 1
jne r2, r3, -7
exit`,
  'stack load/store loop': `mov r0, 0
mov r2, 0
lddw r3, ${ITER}
stxdw [r10-8], r2
ldxdw r4, [r10-8]
add r0, r4
ldxb r5, [r1+0]
add r0, r5
add r2, 1
jne r2, r3, -7
exit`,
};

function time(run: () => { ok: boolean; insnCount?: number }) {
  run(); // warm up (and V8's tier-up)
  const t0 = performance.now();
  const r = run();
  const ms = performance.now() - t0;
  return { ms, count: r.insnCount ?? 0, perSec: ((r.insnCount ?? 0) / ms) * 1000 };
}

describe('wasm engine performance (printed)', () => {
  it('translates a 4,000-instruction program', () => {
    const insns = randomProgram(new Rng(4000), 64, 3980, 1); // one function of ~4,200 slots
    expect(insns.length).toBeGreaterThanOrEqual(4000);
    const prog = predecode(insns);
    const cold = compileToWasm(prog); // the first translation also compiles the translator's own code
    const times: number[] = [];
    let c = cold;
    for (let i = 0; i < 15; i++) { c = compileToWasm(prog); if (c.ok) times.push(c.stats.translateMs); }
    if (!c.ok || !cold.ok) throw new Error(c.ok ? 'cold translation failed' : c.reason);
    times.sort((a, b) => a - b);
    const t0 = performance.now();
    runWasmRaw(insns, new Uint8Array(64), { fallback: false }); // instantiation + V8's lazy compile
    const firstRunMs = performance.now() - t0;
    console.log(`translation of ${insns.length} slots (${c.stats.blocks} blocks, ${c.stats.bytes} wasm bytes): ` +
      `translate ${times[times.length >> 1]!.toFixed(2)} ms median of 15 (min ${times[0]!.toFixed(2)}, first in the process ${cold.stats.translateMs.toFixed(2)}), WebAssembly.Module ${c.stats.compileMs.toFixed(2)} ms, ` +
      `first run incl. cached translation, instantiation and lazy compile ${firstRunMs.toFixed(2)} ms`);
    expect(c.stats.translateMs).toBeLessThan(5000);
  });

  it.each(Object.keys(LOOPS))('%s: interpreter vs wasm', (name) => {
    const insns = assemble(LOOPS[name]!);
    const mem = new Uint8Array(8).fill(1);
    const interp = time(() => runRaw(insns, mem, { budget: BUDGET }));
    const wasm = time(() => runWasmRaw(insns, mem, { budget: BUDGET, fallback: false }));
    const a = runRaw(insns, mem, { budget: BUDGET }), b = runWasmRaw(insns, mem, { budget: BUDGET });
    expect(b).toMatchObject(a);
    const f = (x: number) => `${(x / 1e6).toFixed(1)}M insn/s`;
    console.log(`${name} (${interp.count} insns): interpreter ${interp.ms.toFixed(1)} ms = ${f(interp.perSec)}; ` +
      `wasm ${wasm.ms.toFixed(1)} ms = ${f(wasm.perSec)}; speedup ${(wasm.perSec / interp.perSec).toFixed(1)}x`);
  });
});
