// Compile the C programs of test/fixtures/vm/ with clang-19 into a temp dir (once per fixture
// and test file) and load them into the VM. Tests skip, printing why, when clang-19 is missing.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FixtureCompiler, haveClang as clangAvailable } from '../support/clang.js';
import { loadObjectSpec } from '../../src/elf/index.js';
import { LoadedObject, type LoadOptions } from '../../src/vm/loaded-object.js';

export { CLANG } from '../support/clang.js';
export const VM_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'vm');

export const haveClang = clangAvailable;
if (!haveClang) console.log(`test/vm, test/helpers: skipping C program tests: clang-19 is not installed`);

const compiler = new FixtureCompiler(VM_FIXTURES, 'vm');

/** Path of the object compiled from test/fixtures/vm/<name>.c. */
export function compileVmFixture(name: string): string {
  return compiler.compile(name);
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
