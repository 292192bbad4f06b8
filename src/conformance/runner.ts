// Runs bpf_conformance `.data` tests through the VM's raw entry point, deciding pass / fail / skip
// the way the suite's own runner does: the program is the `-- raw` words when present, else the
// assembled `-- asm`; tests needing a newer cpu version or a disabled group are skipped; r0 is
// compared in full 64 bits with `-- result`, and a test with `-- error` must fail to run.

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { insnFromWord, type Insn } from '../isa/insn.js';
import { assemble, AsmError } from '../isa/asm.js';
import { runRaw } from '../vm/raw.js';
import { parseDataFile, DataFileError, type DataFile } from './datafile.js';
import { conformanceHelpers } from './helpers.js';
import { defaultEngine, type EngineName } from '../vm/engine-name.js';
import {
  DEFAULT_GROUPS, programRequirement, unmetRequirement, type ConformanceGroup, type CpuVersion,
} from './requirements.js';

export interface RunnerOptions {
  /** Highest ISA version to run (default 4); tests needing more are skipped. */
  cpuVersion?: CpuVersion;
  /** Run tests that use callx (default true); the suite's runner leaves them out unless asked. */
  includeCallx?: boolean;
  /** VM engine (default: DPSIM_ENGINE, else wasm). */
  engine?: EngineName;
  /** Instruction budget per test (default: the VM's). */
  budget?: number;
}

export type TestStatus = 'pass' | 'fail' | 'skip';

export interface TestResult {
  name: string;
  status: TestStatus;
  /** Why it failed or was skipped; for a pass, what it returned. */
  detail: string;
}

export class ConformanceDirError extends Error {}

const hex = (v: bigint) => `0x${v.toString(16)}`;

function programOf(data: DataFile): Insn[] {
  if (data.raw) return data.raw.map(insnFromWord);
  return assemble(data.asm ?? '', { lineOffset: (data.asmLine ?? 1) - 1 });
}

function judge(data: DataFile, insns: Insn[], opts: RunnerOptions): Omit<TestResult, 'name'> {
  const mem = data.mem.slice(); // the program may write to it
  const outcome = runRaw(insns, mem, { budget: opts.budget, helpers: conformanceHelpers(), allowCallx: opts.includeCallx ?? true, engine: opts.engine ?? defaultEngine() });
  if (data.error !== undefined) {
    if (!outcome.ok) return { status: 'pass', detail: `failed as expected: ${outcome.fault.message}` };
    return { status: 'fail', detail: `expected an error ("${data.error}") but it returned ${hex(outcome.r0)}` };
  }
  if (!outcome.ok) {
    const f = outcome.fault;
    return { status: 'fail', detail: `${f.kind} at pc ${f.pc}: ${f.message} (expected ${hex(data.result!)})` };
  }
  if (outcome.r0 !== data.result) return { status: 'fail', detail: `returned ${hex(outcome.r0)}, expected ${hex(data.result!)}` };
  return { status: 'pass', detail: `returned ${hex(outcome.r0)}` };
}

/** Run one test given its text; `name` labels the result and errors. */
export function runDataText(text: string, name: string, opts: RunnerOptions = {}): TestResult {
  let data: DataFile;
  let insns: Insn[];
  try {
    data = parseDataFile(text, name);
    insns = programOf(data);
  } catch (e) {
    if (e instanceof DataFileError || e instanceof AsmError) return { name, status: 'fail', detail: e.message };
    throw e;
  }
  if (data.result === undefined && data.error === undefined) return { name, status: 'skip', detail: 'no -- result or -- error section' };
  const groups = new Set<ConformanceGroup>(DEFAULT_GROUPS);
  if (opts.includeCallx ?? true) groups.add('callx');
  const unmet = unmetRequirement(programRequirement(insns), opts.cpuVersion ?? 4, groups);
  if (unmet) return { name, status: 'skip', detail: unmet };
  try {
    return { name, ...judge(data, insns, opts) };
  } catch (e) {
    return { name, status: 'fail', detail: `VM threw: ${(e as Error).stack ?? e}` };
  }
}

export async function runConformanceFile(file: string, opts: RunnerOptions = {}): Promise<TestResult> {
  return runDataText(await readFile(file, 'utf8'), path.basename(file), opts);
}

/** Every `*.data` file of `dir`, in name order. Throws ConformanceDirError for a bad directory. */
export async function runConformanceDir(dir: string, opts: RunnerOptions = {}): Promise<TestResult[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new ConformanceDirError(`${dir}: not a directory`);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.data')).sort();
  if (files.length === 0) throw new ConformanceDirError(`${dir}: no .data test files`);
  const results: TestResult[] = [];
  for (const f of files) results.push(await runConformanceFile(path.join(dir, f), opts));
  return results;
}

export function countResults(results: readonly TestResult[]): Record<TestStatus, number> {
  const n = { pass: 0, fail: 0, skip: 0 };
  for (const r of results) n[r.status]++;
  return n;
}
