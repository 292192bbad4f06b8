// Runs a bpf_conformance `.data` file on the wasm engine with the verdict rules of
// src/conformance/runner.ts (program from -- raw or -- asm, skips by cpu version/group,
// full 64-bit r0 against -- result, -- error must fail), plus a fourth verdict: 'fallback',
// a program the translator leaves to the interpreter.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { insnFromWord, type Insn } from '../../src/isa/insn.js';
import { assemble } from '../../src/isa/asm.js';
import { parseDataFile, type DataFile } from '../../src/conformance/datafile.js';
import { conformanceHelpers } from '../../src/conformance/helpers.js';
import { DEFAULT_GROUPS, programRequirement, unmetRequirement, type ConformanceGroup } from '../../src/conformance/requirements.js';
import { runWasmRaw } from '../../src/wasm/index.js';
import { runRaw } from '../../src/vm/raw.js';

export type WasmVerdict = 'pass' | 'fail' | 'skip' | 'fallback';

export interface WasmTestResult {
  name: string;
  status: WasmVerdict;
  detail: string;
}

const hex = (v: bigint) => `0x${v.toString(16)}`;

function programOf(data: DataFile): Insn[] {
  if (data.raw) return data.raw.map(insnFromWord);
  return assemble(data.asm ?? '', { lineOffset: (data.asmLine ?? 1) - 1 });
}

export function runDataFileOnWasm(file: string): WasmTestResult {
  const name = path.basename(file);
  const data = parseDataFile(readFileSync(file, 'utf8'), name);
  const insns = programOf(data);
  if (data.result === undefined && data.error === undefined) return { name, status: 'skip', detail: 'no -- result or -- error' };
  const groups = new Set<ConformanceGroup>([...DEFAULT_GROUPS, 'callx']);
  const unmet = unmetRequirement(programRequirement(insns), 4, groups);
  if (unmet) return { name, status: 'skip', detail: unmet };
  const out = runWasmRaw(insns, data.mem.slice(), { helpers: conformanceHelpers(), allowCallx: true, fallback: false });
  if (!out.ok && out.fault.kind === 'unsupported') return { name, status: 'fallback', detail: out.fault.message };
  // beyond the suite's verdict: the same outcome as the interpreter (count, or fault kind and pc)
  const ref = runRaw(insns, data.mem.slice(), { helpers: conformanceHelpers(), allowCallx: true });
  const key = (r: typeof ref) => (r.ok ? `r0 ${hex(r.r0)} after ${r.insnCount}` : `${r.fault.kind} at pc ${r.fault.pc}`);
  if (key(out) !== key(ref)) return { name, status: 'fail', detail: `wasm: ${key(out)}, interpreter: ${key(ref)}` };
  if (data.error !== undefined) {
    return out.ok
      ? { name, status: 'fail', detail: `expected an error ("${data.error}") but it returned ${hex(out.r0)}` }
      : { name, status: 'pass', detail: `failed as expected: ${out.fault.kind}` };
  }
  if (!out.ok) return { name, status: 'fail', detail: `${out.fault.kind} at pc ${out.fault.pc}: ${out.fault.message}` };
  if (out.r0 !== data.result) return { name, status: 'fail', detail: `returned ${hex(out.r0)}, expected ${hex(data.result!)}` };
  return { name, status: 'pass', detail: hex(out.r0) };
}
