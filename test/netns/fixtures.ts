// Compiles test/fixtures/netns/NAME.bpf.c into harness/build/fixtures/netns/NAME.o (git-ignored).
import { execFile } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { harnessDir } from '../../harness/helper-build.js';

const run = promisify(execFile);
const fixtureDir = new URL('../fixtures/netns/', import.meta.url).pathname;
const compiled = new Map<string, Promise<string>>();

async function clang(): Promise<string> {
  for (const name of ['clang-19', 'clang']) {
    try {
      await run(name, ['--version']);
      return name;
    } catch {
      // try the next name
    }
  }
  throw new Error('clang not found (apt-get install clang-19): needed to compile the netns fixtures');
}

async function multiarchInclude(): Promise<string[]> {
  try {
    const { stdout } = await run('gcc', ['-print-multiarch']);
    return stdout.trim() ? [`-I/usr/include/${stdout.trim()}`] : [];
  } catch {
    return [];
  }
}

export function compileNetnsFixture(name: string): Promise<string> {
  let result = compiled.get(name);
  if (!result) {
    result = (async () => {
      const outDir = join(harnessDir(), 'build/fixtures/netns');
      mkdirSync(outDir, { recursive: true });
      const out = join(outDir, `${name}.o`);
      const tmp = `${out}.${process.pid}.tmp`;
      await run(await clang(), ['-O2', '-g', '-target', 'bpf', ...(await multiarchInclude()), '-c', join(fixtureDir, `${name}.bpf.c`), '-o', tmp]);
      renameSync(tmp, out); // atomic: a parallel test process never reads half an object
      return out;
    })();
    compiled.set(name, result);
  }
  return result;
}
