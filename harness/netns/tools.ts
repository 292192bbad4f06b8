// The testbed's C helpers (harness/loader → harness/build/dpsim-loader, dpsim-inject), built
// with `make -C harness/loader` once per Node process; make skips up-to-date binaries.
// DPSIM_LOADER_BIN / DPSIM_INJECT_BIN use prebuilt binaries instead.
import { join } from 'node:path';
import { HelperBuildError, harnessDir } from '../helper-build.js';
import { run } from './exec.js';

export interface NetnsTools {
  loader: string;
  inject: string;
}

let built: Promise<NetnsTools> | undefined;

export function ensureNetnsTools(): Promise<NetnsTools> {
  const { DPSIM_LOADER_BIN: loader, DPSIM_INJECT_BIN: inject } = process.env;
  if (loader && inject) return Promise.resolve({ loader, inject });
  built ??= (async () => {
    const dir = harnessDir();
    try {
      await run(['make', '-s', '-C', join(dir, 'loader')], { timeoutMs: 120_000 });
    } catch (err) {
      throw new HelperBuildError(`building the netns helpers failed (make -C ${join(dir, 'loader')}): ${(err as Error).message}`);
    }
    return { loader: loader ?? join(dir, 'build/dpsim-loader'), inject: inject ?? join(dir, 'build/dpsim-inject') };
  })().catch((err: unknown) => {
    built = undefined; // a later call may retry
    throw err;
  });
  return built;
}
