// Builds harness/build/dpsim-testrun with `make -C harness`, once per Node process
// (make itself skips the work when the binary is up to date).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export class HelperBuildError extends Error {
  override name = 'HelperBuildError';
}

/** The harness source folder; from dist/harness the sources are two levels up. */
export function harnessDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, resolve(here, '../../harness')]) {
    if (existsSync(join(dir, 'Makefile')) && existsSync(join(dir, 'testrun/dpsim-testrun.c'))) return dir;
  }
  throw new HelperBuildError(`cannot find harness/Makefile next to ${here}`);
}

let built: Promise<string> | undefined;

/** Path of the helper binary, built if needed. DPSIM_TESTRUN_BIN overrides it (no build). */
export function ensureHelperBuilt(): Promise<string> {
  const override = process.env.DPSIM_TESTRUN_BIN;
  if (override) return Promise.resolve(override);
  built ??= runMake().catch((err: unknown) => {
    built = undefined; // a later call may retry, e.g. after installing libbpf-dev
    throw err;
  });
  return built;
}

function runMake(): Promise<string> {
  return new Promise((resolvePath, reject) => {
    let dir: string;
    try {
      dir = harnessDir();
    } catch (err) {
      reject(err);
      return;
    }
    execFile('make', ['-s', '-C', dir], { timeout: 120_000 }, (err, _stdout, stderr) => {
      if (err) {
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'make is not installed' : tail(stderr);
        reject(new HelperBuildError(`building dpsim-testrun failed (make -C ${dir}): ${why}`));
        return;
      }
      resolvePath(join(dir, 'build/dpsim-testrun'));
    });
  });
}

function tail(text: string): string {
  const lines = text.trim().split('\n');
  return lines.slice(-15).join('\n') || 'make exited with an error';
}
