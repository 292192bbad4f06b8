// Compile test/fixtures/elf/*.c with clang-19 into a temp dir, once per fixture and process.
// Tests skip (with the printed reason) when clang-19 is not installed.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export const CLANG = 'clang-19';
export const OBJDUMP = 'llvm-objdump-19';
export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'elf');

function probe(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

export const haveClang = probe(CLANG);
export const haveObjdump = probe(OBJDUMP);
if (!haveClang) console.log(`test/elf: skipping ELF fixture tests: ${CLANG} is not installed`);

let outDir: string | undefined;
const built = new Map<string, string>();

// Test files are isolated, so each one that imports this gets its own dir and removes it.
afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** asm/types.h lives in the multiarch include dir, which -target bpf does not search. */
function multiarchIncludes(): string[] {
  if (!existsSync('/usr/include')) return [];
  return readdirSync('/usr/include')
    .filter((d) => d.endsWith('-linux-gnu') && existsSync(join('/usr/include', d, 'asm')))
    .map((d) => `-I/usr/include/${d}`);
}

/** Path of the compiled object for test/fixtures/elf/<name>.c. */
export function compileFixture(name: string, extraFlags: string[] = []): string {
  const key = [name, ...extraFlags].join(' ');
  const cached = built.get(key);
  if (cached) return cached;
  if (!outDir) {
    const dir = mkdtempSync(join(tmpdir(), 'dpsim-elf-'));
    outDir = dir;
  }
  const out = join(outDir, `${name}${built.size ? `-${built.size}` : ''}.o`);
  const args = ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', ...multiarchIncludes(), ...extraFlags, '-c', join(FIXTURES, `${name}.c`), '-o', out];
  const res = spawnSync(CLANG, args, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${CLANG} ${args.join(' ')} failed:\n${res.stderr}`);
  built.set(key, out);
  return out;
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
