// runWasmRaw: runRaw's contract (r1 = memory, r2 = its length, r10 = a 512-byte stack,
// helpers by id) on the wasm engine. A program the translator does not handle runs on the
// interpreter instead and the result says so, or with `fallback: false` faults 'unsupported'.

import type { Insn } from '../isa/insn.js';
import { predecode, ProgramError } from '../vm/program.js';
import { runRaw, type RawRunOptions, type RawRunResult } from '../vm/raw.js';
import { cachedCompile } from './module-cache.js';

export interface WasmRawRunOptions extends RawRunOptions {
  /** Run untranslatable programs on the interpreter (default); if false, fault 'unsupported'. */
  fallback?: boolean;
}

export type WasmRawRunResult = RawRunResult & {
  engine: 'wasm' | 'interp';
  /** Why the program is not translated (set when engine is 'interp' or the fault is 'unsupported'). */
  fallbackReason?: string;
};

export function runWasmRaw(insns: Insn[], mem: Uint8Array, opts: WasmRawRunOptions = {}): WasmRawRunResult {
  if (opts.fallback === false) {
    try {
      const { result } = cachedCompile(predecode(insns, { name: 'raw', allowCallx: opts.allowCallx ?? true }));
      if (!result.ok) return { ok: false, fault: { kind: 'unsupported', pc: 0, message: result.reason }, engine: 'wasm', fallbackReason: result.reason };
    } catch (e) {
      if (!(e instanceof ProgramError)) throw e; // runRaw reports it
    }
  }
  const res = runRaw(insns, mem, { ...opts, engine: 'wasm' });
  return { ...res, engine: res.engine ?? 'wasm' };
}
