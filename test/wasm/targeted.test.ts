// Hand-picked cases where WebAssembly and eBPF differ or the engines must agree on details
// random programs rarely reach: backward loops and the budget, other stack frames, pointer
// values in r0, the unwind helper's instruction count, caching and the interpreter fallback.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/isa/asm.js';
import { predecode } from '../../src/vm/program.js';
import { runRaw } from '../../src/vm/raw.js';
import { compileToWasm, cachedCompile, runWasmRaw } from '../../src/wasm/index.js';
import { conformanceHelpers } from '../../src/conformance/helpers.js';

function same(src: string, mem: number[] = [], budget?: number) {
  const insns = assemble(src);
  const want = runRaw(insns, Uint8Array.from(mem), { helpers: conformanceHelpers(), budget });
  const { engine, fallbackReason: _r, ...got } = runWasmRaw(insns, Uint8Array.from(mem), { helpers: conformanceHelpers(), budget, fallback: false });
  expect(engine).toBe('wasm');
  if (want.ok) expect(got).toEqual(want);
  else expect(got.ok ? got : { kind: got.fault.kind, pc: got.fault.pc }).toEqual({ kind: want.fault.kind, pc: want.fault.pc });
  return got;
}

describe('wasm engine: cases that need care', () => {
  it('division and modulo edge cases', () => {
    for (const [op, a, b] of [['div', '-0x8000000000000000', '-1'], ['sdiv', '-0x8000000000000000', '-1'], ['smod', '-0x8000000000000000', '-1'],
      ['div', '7', '0'], ['mod', '7', '0'], ['sdiv', '-7', '2'], ['smod', '-7', '2']] as const) {
      same(`lddw r0, ${a}\nlddw r1, ${b}\n${op} r0, r1\nexit`);
      same(`lddw r0, ${a}\nlddw r1, ${b}\n${op}32 r0, r1\nexit`);
      same(`lddw r0, ${a}\nlddw r1, ${b}\n${op}32 r0, 0x80000000\nexit`);
    }
  });

  it('a backward loop runs to the same count, and over the budget faults at the same pc', () => {
    const loop = 'mov r0, 0\nmov r2, 1000\nadd r0, 3\nsub r2, 1\njne r2, 0, -3\nexit';
    expect(same(loop).ok).toBe(true);
    expect(same(loop, [], 500).ok).toBe(false);
  });

  it('other stack frames are reachable by pointer arithmetic, as in the interpreter', () => {
    same('mov r2, r10\nlddw r3, 0x10000000000\nadd r2, r3\nstxdw [r2-8], r3\nldxdw r0, [r2-8]\nexit');
    same('mov r2, r10\nlddw r3, 0x10000000000\nadd r2, r3\nldxdw r0, [r2+0]\nexit');
  });

  it('returns pointer values unchanged and faults through a scalar', () => {
    same('mov r0, r10\nexit');
    same('mov r0, r1\nexit', [1, 2]);
    same('mov r2, 0\nldxb r0, [r2+0]\nexit');
    same('lddw r2, 0x1000000000000000\nldxb r0, [r2+0]\nexit');
  });

  it('the unwind helper ends the run with the interpreter\'s instruction count', () => {
    same('mov r1, 0\nmov r0, 9\ncall 5\nmov r0, 7\nexit');
    same('mov r1, 3\ncall 5\nexit');
    same('call 77\nexit');
  });

  it('faults on an access through a scalar after a helper call, on both engines', () => {
    // The interpreter once reset its region caches to high word 0 after a helper call while
    // keeping the old bounds; a scalar has high word 0 too, so this access hit an empty view.
    for (const src of ['stdw [r10-8], 1\ncall 2\nmov r3, 0x40000010\nstdw [r3+0], 2\nexit',
      'ldxdw r0, [r10-8]\ncall 2\nmov r3, 0x40000010\nldxdw r0, [r3+0]\nexit']) {
      const insns = assemble(src);
      const got = runWasmRaw(insns, new Uint8Array(0), { helpers: conformanceHelpers(), fallback: false });
      expect(got).toMatchObject({ ok: false, fault: { kind: 'invalid-address', pc: 3 } });
      const ref = runRaw(insns, new Uint8Array(0), { helpers: conformanceHelpers() });
      expect(ref).toMatchObject({ ok: false, fault: { kind: 'invalid-address', pc: 3 } });
    }
  });

  it('a helper may run another program (re-entrant runs get their own memory)', () => {
    const inner = assemble('stdw [r10-8], 5\nldxdw r0, [r10-8]\nexit');
    const outer = assemble('stdw [r10-8], 40\ncall 7\nldxdw r1, [r10-8]\nadd r0, r1\nexit');
    const helpers = new Map([[7, () => { const r = runWasmRaw(inner, new Uint8Array(0)); return r.ok ? r.r0 : -1n; }]]);
    expect(runWasmRaw(outer, new Uint8Array(0), { helpers })).toMatchObject({ ok: true, r0: 45n, engine: 'wasm' });
  });

  it('caches the module by instruction hash', () => {
    const prog = predecode(assemble('mov r0, 12345\nexit'));
    const a = cachedCompile(prog), b = cachedCompile(predecode(assemble('mov r0, 12345\nexit')));
    expect(b.hit).toBe(true);
    expect(b.result).toBe(a.result);
  });

  it('runs BPF-to-BPF calls as wasm functions, r6..r9 kept across the call', () => {
    const src = ['mov r6, 7', 'call local 2', 'add r0, r6', 'exit', 'mov r6, 100', 'mov r0, 42', 'exit'].join('\n');
    const insns = assemble(src);
    const c = compileToWasm(predecode(insns));
    expect(c.ok && c.stats.functions).toBe(2);
    same(src);
    expect(runWasmRaw(insns, new Uint8Array(0))).toMatchObject({ ok: true, r0: 49n, engine: 'wasm' });
  });

  it('leaves a program whose jumps cross function bounds to the interpreter', () => {
    // pc 3 jumps back into function 0: the verifier refuses it, the interpreter runs it
    const insns = assemble(['call local 1', 'exit', 'mov r0, 1', 'ja -3'].join('\n'));
    const c = compileToWasm(predecode(insns));
    expect(c.ok).toBe(false);
    const r = runWasmRaw(insns, new Uint8Array(0));
    expect(r).toMatchObject({ ok: true, r0: 1n, engine: 'interp' });
    expect(r.fallbackReason).toMatch(/leaves its function/);
  });
});
