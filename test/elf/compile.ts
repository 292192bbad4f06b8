// Compile test/fixtures/elf/*.c with clang-19 into a temp dir, once per fixture and process.
// Tests skip (with the printed reason) when clang-19 is not installed.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FixtureCompiler, haveClang as clangAvailable } from '../support/clang.js';

export { CLANG } from '../support/clang.js';
export const OBJDUMP = 'llvm-objdump-19';
export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'elf');

export const haveClang = clangAvailable;
export const haveObjdump = spawnSync(OBJDUMP, ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveClang) console.log(`test/elf: skipping ELF fixture tests: clang-19 is not installed`);

const compiler = new FixtureCompiler(FIXTURES, 'elf');

/** Path of the compiled object for test/fixtures/elf/<name>.c. */
export function compileFixture(name: string, extraFlags: string[] = []): string {
  return compiler.compile(name, extraFlags);
}

export function fixtureSource(name: string): string {
  return readFileSync(join(FIXTURES, `${name}.c`), 'utf8');
}

/** 1-based line number of the first source line containing `marker`. */
export function lineOf(name: string, marker: string): number {
  const idx = fixtureSource(name).split('\n').findIndex((l) => l.includes(marker));
  if (idx < 0) throw new Error(`marker '${marker}' not in ${name}.c`);
  return idx + 1;
}

/** Instruction slots per function according to llvm-objdump (an lddw counts as two). */
export function objdumpFuncSlots(object: string): Map<string, number> {
  const res = spawnSync(OBJDUMP, ['-d', object], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${OBJDUMP} failed: ${res.stderr}`);
  const slots = new Map<string, number>();
  let current: string | undefined;
  for (const line of res.stdout.split('\n')) {
    const header = /^[0-9a-f]+ <(.+)>:$/.exec(line);
    if (header) {
      current = header[1]!;
      slots.set(current, 0);
      continue;
    }
    const insn = /^\s+\d+:\t([0-9a-f]{2}(?: [0-9a-f]{2})*)\s*\t/.exec(line);
    if (insn && current) slots.set(current, slots.get(current)! + insn[1]!.trim().split(' ').length / 8);
  }
  return slots;
}
