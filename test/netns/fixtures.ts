// Compiles test/fixtures/netns/NAME.bpf.c into harness/build/fixtures/netns/NAME.o (git-ignored).
import { join } from 'node:path';
import { harnessDir } from '../../harness/helper-build.js';
import { compileToBuildDir } from '../support/clang.js';

const fixtureDir = new URL('../fixtures/netns/', import.meta.url).pathname;

export function compileNetnsFixture(name: string): Promise<string> {
  return compileToBuildDir(fixtureDir, name, join(harnessDir(), 'build/fixtures/netns'));
}
