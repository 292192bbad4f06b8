// Compiling C fixtures with clang-19 for tests: one temp dir per test file (removed after it),
// each fixture compiled once. Tests skip, printing why, when clang-19 is missing.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export const CLANG = 'clang-19';
export const haveClang = spawnSync(CLANG, ['--version'], { stdio: 'ignore' }).status === 0;

/** asm/types.h lives in the multiarch include dir, which -target bpf does not search. */
export function multiarchIncludes(): string[] {
  if (!existsSync('/usr/include')) return [];
  return readdirSync('/usr/include')
    .filter((d) => d.endsWith('-linux-gnu') && existsSync(join('/usr/include', d, 'asm')))
    .map((d) => `-I/usr/include/${d}`);
}

/** Compiles `<fixtureDir>/<name>.c` to a temp object, once per (name, flags) and test file. */
export class FixtureCompiler {
  private outDir: string | undefined;
  private readonly built = new Map<string, string>();

  constructor(private readonly fixtureDir: string, private readonly tag: string) {
    afterAll(() => {
      if (this.outDir) rmSync(this.outDir, { recursive: true, force: true });
    });
  }

  compile(name: string, extraFlags: string[] = []): string {
    const key = [name, ...extraFlags].join(' ');
    const cached = this.built.get(key);
    if (cached) return cached;
    this.outDir ??= mkdtempSync(join(tmpdir(), `dpsim-${this.tag}-`));
    const out = join(this.outDir, `${name}${this.built.size ? `-${this.built.size}` : ''}.o`);
    const args = ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', ...multiarchIncludes(), ...extraFlags, '-c', join(this.fixtureDir, `${name}.c`), '-o', out];
    const res = spawnSync(CLANG, args, { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`${CLANG} ${args.join(' ')} failed:\n${res.stderr}`);
    this.built.set(key, out);
    return out;
  }
}

const persistent = new Map<string, Promise<string>>();

/**
 * Compiles `<fixtureDir>/<name>.bpf.c` into `<outDir>/<name>.o` (a git-ignored build folder shared
 * by test processes), once per process; the rename makes the object appear atomically, so a
 * parallel test process never reads half of one.
 */
export function compileToBuildDir(fixtureDir: string, name: string, outDir: string): Promise<string> {
  const key = join(outDir, name);
  let result = persistent.get(key);
  if (!result) {
    result = (async () => {
      if (!haveClang) throw new Error(`${CLANG} not found (apt-get install clang-19): needed to compile ${name}.bpf.c`);
      mkdirSync(outDir, { recursive: true });
      const out = join(outDir, `${name}.o`);
      const tmp = `${out}.${process.pid}.tmp`;
      const res = spawnSync(CLANG, ['-O2', '-g', '-target', 'bpf', ...multiarchIncludes(), '-c', join(fixtureDir, `${name}.bpf.c`), '-o', tmp], { encoding: 'utf8' });
      if (res.status !== 0) throw new Error(`${CLANG} failed on ${name}.bpf.c:\n${res.stderr}`);
      renameSync(tmp, out);
      return out;
    })();
    persistent.set(key, result);
  }
  return result;
}
