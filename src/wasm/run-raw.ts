// runWasmRaw: runRaw's contract (r1 = memory, r2 = its length, r10 = a 512-byte stack,
// helpers by id) on the wasm engine. A program the translator does not handle (BPF-to-BPF
// calls, legacy packet loads) runs on the interpreter instead, and the result says so.

import type { Insn } from '../isa/insn.js';
import { predecode, ProgramError } from '../vm/program.js';
import { runRaw, type RawRunOptions, type RawRunResult } from '../vm/raw.js';
import { cachedCompile } from './module-cache.js';
import { WasmInstance } from './instance.js';

export interface WasmRawRunOptions extends RawRunOptions {
  /** Run untranslatable programs on the interpreter (default); if false, fault 'unsupported'. */
  fallback?: boolean;
}

export type WasmRawRunResult = RawRunResult & {
  engine: 'wasm' | 'interpreter';
  /** Why the program is not translated (set when engine is 'interpreter' or the fault is 'unsupported'). */
  fallbackReason?: string;
};

// One linear memory for all cached instances: V8 reserves a large virtual range per memory,
// so thousands of programs cannot each keep their own. A run started from inside a helper
// (while the shared memory is in use) gets a private instance and memory.
const instances = new WeakMap<WebAssembly.Module, WasmInstance>();
let sharedMemory: WebAssembly.Memory | undefined;
let sharedBusy = false;

export function runWasmRaw(insns: Insn[], mem: Uint8Array, opts: WasmRawRunOptions = {}): WasmRawRunResult {
  let prog;
  try {
    prog = predecode(insns, { name: 'raw', allowCallx: opts.allowCallx ?? true });
  } catch (e) {
    if (e instanceof ProgramError) return { ok: false, fault: { kind: 'invalid-program', pc: e.pc, message: e.message }, engine: 'wasm' };
    throw e;
  }
  const { result } = cachedCompile(prog);
  if (!result.ok) {
    if (opts.fallback === false) {
      return { ok: false, fault: { kind: 'unsupported', pc: 0, message: result.reason }, engine: 'wasm', fallbackReason: result.reason };
    }
    return { ...runRaw(insns, mem, opts), engine: 'interpreter', fallbackReason: result.reason };
  }
  if (sharedBusy) {
    const nested = new WasmInstance(result.module, prog.length, new WebAssembly.Memory({ initial: 1 }));
    return { ...nested.execute(mem, opts), engine: 'wasm' };
  }
  sharedMemory ??= new WebAssembly.Memory({ initial: 1 });
  let inst = instances.get(result.module);
  if (inst === undefined) {
    inst = new WasmInstance(result.module, prog.length, sharedMemory);
    instances.set(result.module, inst);
  }
  sharedBusy = true;
  try {
    return { ...inst.execute(mem, opts), engine: 'wasm' };
  } finally {
    sharedBusy = false;
  }
}
