// Compiled modules by a hash of the program's instructions, so a program is translated and
// compiled once however often it runs. Failures are cached too (the reason is stable).
// Least recently used entries beyond MAX_ENTRIES are dropped (with them, their instances).

import { createHash } from 'node:crypto';
import type { DecodedProgram } from '../vm/program.js';
import { compileToWasm, type CompileResult } from './compile.js';

const MAX_ENTRIES = 512;
const cache = new Map<string, CompileResult>(); // insertion order = recency

export function programHash(prog: DecodedProgram): string {
  const h = createHash('sha256');
  h.update(new Uint8Array(prog.code.buffer, prog.code.byteOffset, prog.code.byteLength));
  h.update(new Uint8Array(prog.imm.buffer, prog.imm.byteOffset, prog.imm.byteLength));
  h.update(new Uint8Array(prog.immHi.buffer, prog.immHi.byteOffset, prog.immHi.byteLength));
  return h.digest('hex');
}

export function cachedCompile(prog: DecodedProgram): { key: string; result: CompileResult; hit: boolean } {
  const key = programHash(prog);
  const found = cache.get(key);
  if (found) {
    cache.delete(key);
    cache.set(key, found);
    return { key, result: found, hit: true };
  }
  const result = compileToWasm(prog);
  cache.set(key, result);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return { key, result, hit: false };
}

export function clearModuleCache(): void {
  cache.clear();
}

export const moduleCacheSize = (): number => cache.size;
