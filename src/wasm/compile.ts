// compileToWasm: DecodedProgram → WebAssembly.Module, or the reason it cannot be translated
// (the Vm then runs it on the interpreter). Translation and V8 compile times are measured.

import type { DecodedProgram } from '../vm/program.js';
import { Emitter } from './emitter.js';
import { FN, FUNC_LOCALS } from './layout.js';
import { findFunctions, Untranslatable } from './functions.js';
import { emitPrologue, type FunctionContext } from './translate.js';
import { emitControlFlow } from './control.js';
import { bswap32Body, entryBody } from './support-functions.js';
import { assembleModule, type FuncBody } from './module.js';

export interface CompileStats {
  /** Emitting the wasm bytes from the decoded program. */
  translateMs: number;
  /** new WebAssembly.Module (validation and V8's first-tier compile). */
  compileMs: number;
  bytes: number;
  blocks: number;
  functions: number;
  /** Functions whose control flow is irreducible, run as a dispatch loop over their blocks. */
  dispatchFunctions: number;
}

export type CompileResult =
  | { ok: true; module: WebAssembly.Module; stats: CompileStats }
  | { ok: false; reason: string };

function translate(prog: DecodedProgram): { bytes: Uint8Array<ArrayBuffer>; blocks: number; functions: number; dispatch: number } {
  const { funcs, indexAt } = findFunctions(prog);
  const funcIndexAt = new Map([...indexAt].map(([pc, k]) => [pc, FN.func0 + k]));
  let blocks = 0, dispatch = 0;
  const bodies: FuncBody[] = funcs.map((fn) => {
    const c: FunctionContext = { prog, fn, funcIndexAt };
    const e = new Emitter();
    emitPrologue(e);
    if (emitControlFlow(e, c) === 'dispatch') dispatch++;
    e.end();
    blocks += fn.blocks.starts.length;
    return { locals: FUNC_LOCALS, body: e };
  });
  return { bytes: assembleModule(bswap32Body(), entryBody(), bodies), blocks, functions: funcs.length, dispatch };
}

export function compileToWasm(prog: DecodedProgram): CompileResult {
  const t0 = performance.now();
  let t;
  try {
    t = translate(prog);
  } catch (e) {
    if (e instanceof Untranslatable) return { ok: false, reason: e.message };
    throw e;
  }
  const t1 = performance.now();
  const module = new WebAssembly.Module(t.bytes);
  const t2 = performance.now();
  return { ok: true, module, stats: { translateMs: t1 - t0, compileMs: t2 - t1, bytes: t.bytes.length, blocks: t.blocks, functions: t.functions, dispatchFunctions: t.dispatch } };
}

/** The module bytes alone (for inspection and tests). */
export function translateToBytes(prog: DecodedProgram): Uint8Array<ArrayBuffer> {
  return translate(prog).bytes;
}
