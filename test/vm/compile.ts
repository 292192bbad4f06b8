// Compile the C programs of test/fixtures/vm/ with clang-19 into a temp dir (once per fixture
// and test file) and load them into the VM. Tests skip, printing why, when clang-19 is missing.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { loadObjectSpec } from '../../src/elf/index.js';
import { LoadedObject, type LoadOptions } from '../../src/vm/loaded-object.js';

export const CLANG = 'clang-19';
export const VM_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'vm');

export const haveClang = spawnSync(CLANG, ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveClang) console.log(`test/vm, test/helpers: skipping C program tests: ${CLANG} is not installed`);

let outDir: string | undefined;
const built = new Map<string, string>();

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

/** Path of the object compiled from test/fixtures/vm/<name>.c. */
export function compileVmFixture(name: string): string {
  const cached = built.get(name);
  if (cached) return cached;
  outDir ??= mkdtempSync(join(tmpdir(), 'dpsim-vm-'));
  const out = join(outDir, `${name}.o`);
  const src = join(VM_FIXTURES, `${name}.c`);
  const args = ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', ...multiarchIncludes(), '-c', src, '-o', out];
  const res = spawnSync(CLANG, args, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${CLANG} ${args.join(' ')} failed:\n${res.stderr}`);
  built.set(name, out);
  return out;
}

/** Compile and load test/fixtures/vm/<name>.c. */
export async function loadVmFixture(name: string, opts: LoadOptions = {}): Promise<LoadedObject> {
  return LoadedObject.load(await loadObjectSpec(compileVmFixture(name)), opts);
}

export function vmFixtureSource(name: string): string {
  return readFileSync(join(VM_FIXTURES, `${name}.c`), 'utf8');
}

/** 1-based line of the only source line containing `marker`. */
export function lineOf(name: string, marker: string): number {
  const lines = vmFixtureSource(name).split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(marker) ? [i + 1] : []));
  if (hits.length !== 1) throw new Error(`marker '${marker}' occurs ${hits.length} times in ${name}.c`);
  return hits[0]!;
}
