// `dpsim conformance DIR [--cpu-version N] [--no-callx] [-j N]`: run the suite in-process and
// report one line per failure and a final "N passed, N failed, N skipped" line.

import { ConformanceDirError, countResults, runConformanceDir } from './runner.js';
import type { CpuVersion } from './requirements.js';

export interface ConformanceCommandOptions {
  cpuVersion?: number;
  includeCallx?: boolean;
  /** Accepted for the CLI's -j; the suite runs in-process in well under a second, so it is unused. */
  jobs?: number;
}

export interface ConformanceCommandResult {
  /** 0 all passed, 1 some failed, 3 bad directory or options. */
  exitCode: number;
  report: string;
}

const CPU_VERSIONS: readonly number[] = [1, 2, 3, 4];

export async function conformanceCommand(dir: string, opts: ConformanceCommandOptions = {}): Promise<ConformanceCommandResult> {
  const cpuVersion = opts.cpuVersion ?? 4;
  if (!CPU_VERSIONS.includes(cpuVersion)) return { exitCode: 3, report: `invalid --cpu-version ${cpuVersion}: expected 1, 2, 3 or 4\n` };
  if (opts.jobs !== undefined && !(Number.isInteger(opts.jobs) && opts.jobs >= 1)) {
    return { exitCode: 3, report: `invalid -j ${opts.jobs}: expected a positive integer\n` };
  }
  let results;
  try {
    results = await runConformanceDir(dir, { cpuVersion: cpuVersion as CpuVersion, includeCallx: opts.includeCallx ?? true });
  } catch (e) {
    if (e instanceof ConformanceDirError) return { exitCode: 3, report: `${e.message}\n` };
    throw e;
  }
  const n = countResults(results);
  const lines = results.filter((r) => r.status === 'fail').map((r) => `FAIL ${r.name}: ${r.detail}`);
  lines.push(`${n.pass} passed, ${n.fail} failed, ${n.skip} skipped`);
  return { exitCode: n.fail ? 1 : 0, report: lines.map((l) => l + '\n').join('') };
}
