// Compiles the C fixtures of test/fixtures/harness into harness/build/fixtures (git-ignored).
import { join } from 'node:path';
import { harnessDir } from '../../harness/helper-build.js';
import { compileToBuildDir } from '../support/clang.js';

const fixtureDir = new URL('../fixtures/harness/', import.meta.url).pathname;

/** Path of the compiled object for test/fixtures/harness/NAME.bpf.c. */
export function compileFixture(name: string): Promise<string> {
  return compileToBuildDir(fixtureDir, name, join(harnessDir(), 'build/fixtures'));
}
