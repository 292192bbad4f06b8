// compileToWasm: DecodedProgram → WebAssembly.Module, or the reason it cannot be translated
// (the caller then runs the interpreter). Translation and V8 compile times are measured.

import type { DecodedProgram } from '../vm/program.js';
import { translateRun, Unsupported } from './translate.js';
import { addrBody, bswap32Body } from './support-functions.js';
import { assembleModule } from './module.js';

export interface CompileStats {
  /** Emitting the wasm bytes from the decoded program. */
  translateMs: number;
  /** new WebAssembly.Module (validation and V8's first-tier compile). */
  compileMs: number;
  bytes: number;
  blocks: number;
}

export type CompileResult =
  | { ok: true; module: WebAssembly.Module; stats: CompileStats }
  | { ok: false; reason: string };

export function compileToWasm(prog: DecodedProgram): CompileResult {
  const t0 = performance.now();
  let run;
  try {
    run = translateRun(prog);
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, reason: e.message };
    throw e;
  }
  const bytes = assembleModule(run, addrBody(), bswap32Body());
  const t1 = performance.now();
  const module = new WebAssembly.Module(bytes);
  const t2 = performance.now();
  return { ok: true, module, stats: { translateMs: t1 - t0, compileMs: t2 - t1, bytes: bytes.length, blocks: run.blocks } };
}

/** The module bytes alone (for inspection and tests). */
export function translateToBytes(prog: DecodedProgram): Uint8Array<ArrayBuffer> {
  return assembleModule(translateRun(prog), addrBody(), bswap32Body());
}
