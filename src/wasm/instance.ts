// One instantiated module with the JS side of its imports, over a linear memory that may be
// shared with other instances (runs do not overlap). A run copies the memory buffer in,
// zeroes the stack frames (as the interpreter does at the start of every run) and copies the
// buffer back out, so the caller sees the program's writes as with runRaw.

import { LIMITS } from '../isa/opcodes.js';
import type { RawRunOptions, RawRunResult } from '../vm/raw.js';
import { FAULT_CODE, LO_BASE, MEMORY_BASE, MEMORY_HI } from './layout.js';
import { slowAccess } from './slow-access.js';
import { WasmFault, WasmUnwind } from './wasm-fault.js';

type Helpers = NonNullable<RawRunOptions['helpers']>;
const PAGE = 65536;
const NO_HELPERS: Helpers = new Map();
const R1_MEMORY = BigInt.asIntN(64, (BigInt(MEMORY_HI) << 32n) | BigInt(LO_BASE));

export class WasmInstance {
  private readonly run: (r1: bigint, r2: bigint, memLen: number, budget: number) => bigint;
  private readonly count: WebAssembly.Global;
  private memLen = 0;
  private helpers: Helpers = NO_HELPERS;

  constructor(module: WebAssembly.Module, private readonly programLength: number, private readonly memory: WebAssembly.Memory) {
    const env = {
      memory: this.memory,
      fault: (code: number, pc: number) => {
        if (code === FAULT_CODE.budget) throw new WasmFault('budget-exceeded', pc, `instruction budget exceeded at pc ${pc}`);
        throw new WasmFault('internal', pc, `unknown fault code ${code}`);
      },
      slowAccess: (hi: number, a: number, size: number, write: number, pc: number) => slowAccess(hi, a, size, write, pc, this.memLen),
      // BigInt at the boundary (i64 arguments): fine for a first version, costly for helper-heavy code
      helper: (id: number, pc: number, count: number, a1: bigint, a2: bigint, a3: bigint, a4: bigint, a5: bigint): bigint => {
        const fn = this.helpers.get(id);
        if (fn === undefined) throw new WasmFault('unknown-helper', pc, `call to helper id ${id}, which is not provided`);
        let ret;
        try {
          ret = fn([a1, a2, a3, a4, a5].map((v) => BigInt.asUintN(64, v)));
        } catch (e) {
          throw new WasmFault('internal', pc, `helper ${id} threw: ${(e as Error).message ?? e}`);
        }
        if (ret === 'unwind') throw new WasmUnwind(count);
        return ret;
      },
    };
    const inst = new WebAssembly.Instance(module, { env });
    this.run = inst.exports.run as never;
    this.count = inst.exports.count as WebAssembly.Global;
  }

  execute(mem: Uint8Array, opts: RawRunOptions): RawRunResult {
    const need = MEMORY_BASE + mem.length;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / PAGE));
    const u8 = new Uint8Array(this.memory.buffer);
    u8.fill(0, 0, MEMORY_BASE);
    u8.set(mem, MEMORY_BASE);
    this.memLen = mem.length;
    this.helpers = opts.helpers ?? NO_HELPERS;
    // count stays below 2^31: between two budget checks at most one pass over the program runs
    const budget = Math.min(opts.budget ?? LIMITS.DEFAULT_INSN_BUDGET, 0x7fffffff - this.programLength);
    try {
      const r0 = this.run(R1_MEMORY, BigInt(mem.length), mem.length, budget);
      return { ok: true, r0: BigInt.asUintN(64, r0), insnCount: this.count.value as number };
    } catch (e) {
      if (e instanceof WasmUnwind) return { ok: true, r0: 0n, insnCount: e.insnCount };
      if (e instanceof WasmFault) return { ok: false, fault: { kind: e.kind, pc: e.pc, message: e.message } };
      return { ok: false, fault: { kind: 'internal', pc: -1, message: `wasm engine: ${(e as Error).message ?? e}` } };
    } finally {
      mem.set(new Uint8Array(this.memory.buffer, MEMORY_BASE, mem.length));
    }
  }
}
