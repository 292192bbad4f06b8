// Compiles the C fixtures of test/fixtures/harness into harness/build/fixtures (git-ignored).
import { execFile } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { harnessDir } from '../../harness/helper-build.js';

const run = promisify(execFile);
const fixtureDir = new URL('../fixtures/harness/', import.meta.url).pathname;
const compiled = new Map<string, Promise<string>>();

async function findClang(): Promise<string> {
  for (const clang of ['clang-19', 'clang']) {
    try {
      await run(clang, ['--version']);
      return clang;
    } catch {
      // try the next name
    }
  }
  throw new Error('clang not found (apt-get install clang-19): needed to compile the harness fixtures');
}

async function multiarchInclude(): Promise<string[]> {
  try {
    const { stdout } = await run('gcc', ['-print-multiarch']);
    return stdout.trim() ? [`-I/usr/include/${stdout.trim()}`] : [];
  } catch {
    return [];
  }
}

/** Path of the compiled object for test/fixtures/harness/NAME.bpf.c. */
export function compileFixture(name: string): Promise<string> {
  let result = compiled.get(name);
  if (!result) {
    result = (async () => {
      const outDir = join(harnessDir(), 'build/fixtures');
      mkdirSync(outDir, { recursive: true });
      const out = join(outDir, `${name}.o`);
      const tmp = `${out}.${process.pid}.tmp`;
      const args = ['-O2', '-g', '-target', 'bpf', ...(await multiarchInclude()), '-c', join(fixtureDir, `${name}.bpf.c`), '-o', tmp];
      await run(await findClang(), args);
      renameSync(tmp, out); // atomic: a parallel test process never reads half an object
      return out;
    })();
    compiled.set(name, result);
  }
  return result;
}
