// Differential fuzzing: random valid programs on the interpreter (runRaw) and the wasm engine
// must agree on r0 and the instruction count, or on the fault kind and pc, and leave the
// memory buffer with the same bytes.
import { describe, expect, it } from 'vitest';
import { runRaw } from '../../src/vm/raw.js';
import { runWasmRaw } from '../../src/wasm/index.js';
import { disassemble } from '../../src/isa/disasm.js';
import type { Insn } from '../../src/isa/insn.js';
import { Rng } from '../vm/ref.js';
import { randomProgram } from './random-program.js';

const PROGRAMS = Number(process.env.WASM_FUZZ_PROGRAMS ?? 2000); // 2,000 in CI; raise locally
const SEED = Number(process.env.WASM_FUZZ_SEED ?? 0x5eed_0b9f);

const helpers = () => new Map<number, (a: bigint[]) => bigint | 'unwind'>([
  [1, (a) => a[0]! ^ (a[1]! << 1n)],
  [4, () => 'unwind'],
]);

const listing = (insns: Insn[]) => insns.map((i, pc) => `${pc}: ${disassemble(i, pc, insns[pc + 1])}`).join('\n');

describe('wasm engine vs interpreter (differential fuzzing)', () => {
  it(`agrees on ${PROGRAMS} random programs (seed 0x${SEED.toString(16)})`, () => {
    const rng = new Rng(SEED);
    const tally = { ok: 0, fault: {} as Record<string, number>, wasm: 0 };
    for (let n = 0; n < PROGRAMS; n++) {
      const memLen = rng.pick([0, 1, 8, 16, 64, 64, 256]);
      const mem = Uint8Array.from({ length: memLen }, () => rng.int(256));
      const insns = randomProgram(rng, memLen, 20 + rng.int(60));
      const memI = mem.slice(), memW = mem.slice();
      const want = runRaw(insns, memI, { helpers: helpers(), budget: 100_000 });
      const got = runWasmRaw(insns, memW, { helpers: helpers(), budget: 100_000, fallback: false });
      const { engine: _e, fallbackReason: _r, ...gotResult } = got;
      const context = `program ${n}:\n${listing(insns)}\ninterpreter: ${JSON.stringify(want, big)}\nwasm: ${JSON.stringify(got, big)}`;
      if (want.ok) expect(gotResult, context).toEqual(want);
      else {
        expect(want.fault.kind, context).not.toBe('internal');
        expect(got.ok, context).toBe(false);
        if (!got.ok) expect({ kind: got.fault.kind, pc: got.fault.pc }, context).toEqual({ kind: want.fault.kind, pc: want.fault.pc });
      }
      expect([...memW], context).toEqual([...memI]);
      if (want.ok) tally.ok++; else tally.fault[want.fault.kind] = (tally.fault[want.fault.kind] ?? 0) + 1;
      if (got.engine === 'wasm') tally.wasm++;
    }
    console.log(`fuzz: ${PROGRAMS} programs agree; ${tally.ok} returned, faults ${JSON.stringify(tally.fault)}; ${tally.wasm} ran on wasm`);
    expect(tally.wasm).toBe(PROGRAMS);
  }, Math.max(60_000, PROGRAMS * 10)); // longer runs on demand get the time they need
});

function big(_k: string, v: unknown) {
  return typeof v === 'bigint' ? `0x${v.toString(16)}` : v;
}
