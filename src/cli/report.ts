// `dpsim report SCENARIO... [--backend ...] [--out DIR]`: run scenarios and write, per
// scenario, a JSON summary, JUnit XML and a self-contained HTML page (reports/). A scenario
// that cannot run still gets its three files, saying why. Exit code: the run's (the highest of
// several). `writeReports(outcome, dir)` is the same for `dpsim run --report DIR`.
import type { Argv } from 'yargs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../repo-root.js';
import { runScenarioFile, DEFAULT_SCENARIO, type RunOutcome } from './run.js';
import { CliError, EXIT } from './exit-codes.js';
import { loadScenario } from '../scenario/parse.js';
import { reportContext } from '../../reports/context.js';
import { junitSuite } from '../../reports/junit.js';
import { junitDocument, type JunitSuite } from '../../reports/junit-model.js';
import { failureName, failureSuite, type RunFailure } from '../../reports/failure.js';
import { toolVersions } from '../../reports/environment.js';
import { writeReports, writeFailureReports, REPORT_FILES, type ReportFiles } from '../../reports/write.js';

export { writeReports, type ReportFiles } from '../../reports/write.js';

export const DEFAULT_REPORTS_DIR = join(REPO_ROOT, 'reports', 'out');

/** 20250102-030405-678: sortable, safe in a path. */
export function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\.(\d+)Z$/, '-$1');
}

/** The scenario's name, or its file's base name when it does not parse. */
function scenarioName(file: string): string {
  try {
    return loadScenario(file).scenario.name;
  } catch {
    return failureName(file);
  }
}

type BackendChoice = 'emu' | 'kernel' | 'both' | 'auto';

export interface ReportRun {
  file: string;
  dir: string;
  files: ReportFiles;
  exitCode: number;
  outcome?: RunOutcome;
  failure?: RunFailure;
}

function failureOf(file: string, e: unknown): RunFailure {
  if (e instanceof CliError) return { file, message: e.message, exitCode: e.exitCode, type: 'CliError' };
  const err = e instanceof Error ? e : new Error(String(e));
  return { file, message: err.stack ?? err.message, exitCode: EXIT.CHECK_FAILED, type: err.name || 'Error' };
}

/** Run each scenario and write its reports (into `dir`, or `dir/<scenario>/` for several), plus one junit.xml for all. */
export async function reportScenarios(files: string[], backend: BackendChoice, dir: string): Promise<{ runs: ReportRun[]; junit: string; exitCode: number }> {
  const runs: ReportRun[] = [];
  const suites: JunitSuite[] = [];
  const used = new Set<string>();
  for (const file of files) {
    let outcome: RunOutcome | undefined, failure: RunFailure | undefined;
    try {
      outcome = await runScenarioFile(file, backend);
    } catch (e) {
      failure = failureOf(file, e);
    }
    let name = outcome?.parsed.scenario.name ?? failureName(file);
    for (let i = 2; used.has(name); i++) name = `${outcome?.parsed.scenario.name ?? failureName(file)}-${i}`;
    used.add(name);
    const sub = files.length === 1 ? dir : join(dir, name);
    if (outcome) {
      const ctx = reportContext(outcome);
      runs.push({ file, dir: sub, files: await writeReports(outcome, sub, ctx), exitCode: outcome.exitCode, outcome });
      suites.push(junitSuite(outcome, ctx));
    } else {
      runs.push({ file, dir: sub, files: writeFailureReports(failure!, sub), exitCode: failure!.exitCode, failure: failure! });
      suites.push(failureSuite(failure!, toolVersions(), new Date().toISOString()));
    }
  }
  const junit = join(resolve(dir), REPORT_FILES.junit);
  if (files.length > 1) {
    mkdirSync(resolve(dir), { recursive: true });
    writeFileSync(junit, junitDocument(suites));
  }
  return { runs, junit, exitCode: Math.max(EXIT.OK, ...runs.map((r) => r.exitCode)) };
}

export function registerReport(y: Argv): Argv {
  return y.command('report [scenarios..]', 'run scenarios and write JSON, JUnit and HTML reports', (c) => c
    .positional('scenarios', { type: 'string', array: true, describe: 'scenario YAML files (default: scenarios/default.yaml)' })
    .option('backend', { choices: ['emu', 'kernel', 'both', 'auto'] as const, default: 'auto' as const, describe: 'auto = both when root with BPF, emu otherwise' })
    .option('out', { type: 'string', describe: 'report directory (default: reports/out/<scenario>-<timestamp>)' }),
  async (a) => {
    const files = (a.scenarios as string[] | undefined)?.length ? (a.scenarios as string[]) : [DEFAULT_SCENARIO];
    const first = files.length === 1 ? scenarioName(files[0]!) : 'run';
    const dir = a.out ?? join(DEFAULT_REPORTS_DIR, `${first}-${timestamp()}`);
    const { runs, junit, exitCode } = await reportScenarios(files, a.backend, dir);
    for (const r of runs) {
      if (r.failure) process.stderr.write(`dpsim report: ${r.file}: ${r.failure.message}\n`);
      process.stdout.write(`${r.file}: exit ${r.exitCode}\n  json  ${r.files.json}\n  junit ${r.files.junit}\n  html  ${r.files.html}\n`);
    }
    if (files.length > 1) process.stdout.write(`all scenarios: ${junit}\n`);
    process.exitCode = exitCode;
  });
}
