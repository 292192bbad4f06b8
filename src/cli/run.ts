// `dpsim run SCENARIO --backend emu|kernel|both`: the main job. Exit 0 when every expectation
// holds (and, with both, the backends agree), 1 when an expectation fails, 2 on divergence,
// 3 on bad input, 4 when the environment cannot run the backend.
import type { Argv } from 'yargs';
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, ScenarioError, type ParsedScenario } from '../scenario/parse.js';
import { resolveSteps, StepError } from '../scenario/resolve.js';
import { runOnBackend, type ScenarioRun } from '../scenario/runner.js';
import { compareRuns, type ScenarioComparison } from '../diff/scenario-diff.js';
import type { Backend } from '../backends/types.js';
import { BackendUnavailable } from '../backends/types.js';
import { CliError, EXIT } from './exit-codes.js';
import { buildBpf } from './examples.js';
import { formatRunReport } from '../scenario/report-text.js';
import { REPO_ROOT } from '../repo-root.js';

const ROOT = REPO_ROOT;
export const DEFAULT_SCENARIO = join(ROOT, 'scenarios', 'default.yaml');

async function makeBackend(name: 'emu' | 'kernel'): Promise<Backend> {
  if (name === 'emu') {
    const { EmuBackend } = await import('../backends/emu.js');
    return new EmuBackend();
  }
  const { KernelBackend } = await import('../backends/kernel.js');
  return new KernelBackend();
}

function located(parsed: ParsedScenario, path: (string | number)[], message: string): CliError {
  const at = parsed.locate(path);
  return new CliError(EXIT.BAD_INPUT, `${at.file}:${at.line}:${at.col}: ${message}`);
}

export interface RunOutcome {
  parsed: ParsedScenario;
  runs: Partial<Record<'emu' | 'kernel', ScenarioRun>>;
  comparison?: ScenarioComparison;
  exitCode: number;
  notes: string[];
}

export async function runScenarioFile(file: string, backendChoice: 'emu' | 'kernel' | 'both' | 'auto'): Promise<RunOutcome> {
  let parsed: ParsedScenario;
  try {
    parsed = loadScenario(file);
  } catch (e) {
    if (e instanceof ScenarioError) throw new CliError(EXIT.BAD_INPUT, e.message);
    throw e;
  }
  buildBpf();
  const { buildPlan, AgentError } = await import('../agent/index.js');
  let plan;
  try {
    plan = buildPlan(parsed);
  } catch (e) {
    if (e instanceof AgentError) throw located(parsed, e.path, e.message);
    throw e;
  }
  let steps;
  try {
    steps = resolveSteps(parsed.scenario, plan);
  } catch (e) {
    if (e instanceof StepError) throw located(parsed, e.path, e.message);
    throw e;
  }
  const notes: string[] = [];
  let names: ('emu' | 'kernel')[];
  if (backendChoice === 'auto') {
    const { kernelAvailability } = await import('../../harness/testrun.js');
    const avail = await kernelAvailability();
    names = avail.ok ? ['emu', 'kernel'] : ['emu'];
    if (!avail.ok) notes.push(`kernel backend not used: ${avail.reason}`);
  } else {
    names = backendChoice === 'both' ? ['emu', 'kernel'] : [backendChoice];
  }
  const runs: RunOutcome['runs'] = {};
  for (const name of names) {
    try {
      runs[name] = await runOnBackend(await makeBackend(name), parsed.scenario, plan, steps);
    } catch (e) {
      if (e instanceof BackendUnavailable) throw new CliError(EXIT.ENVIRONMENT, `${name} backend: ${e.message}`);
      throw e;
    }
  }
  const comparison = runs.emu && runs.kernel ? compareRuns(runs.emu.run, runs.kernel.run) : undefined;
  const failed = Object.values(runs).some((r) => r.expectations.some((x) => !x.ok));
  const exitCode = failed ? EXIT.CHECK_FAILED : comparison && comparison.divergences.length ? EXIT.DIVERGENCE : EXIT.OK;
  return { parsed, runs, ...(comparison ? { comparison } : {}), exitCode, notes };
}

export function registerRun(y: Argv): Argv {
  return y.command('run [scenario]', 'run a scenario on the emulator, the kernel, or both, and check its expectations', (c) => c
    .positional('scenario', { type: 'string', describe: 'scenario YAML (default: scenarios/default.yaml)' })
    .option('backend', { choices: ['emu', 'kernel', 'both', 'auto'] as const, default: 'auto' as const, describe: 'auto = both when root with BPF, emu otherwise' })
    .option('j', { alias: 'json', type: 'boolean', default: false })
    .option('report', { type: 'string', describe: 'also write summary.json, junit.xml and report.html into this folder' }),
  async (a) => {
    const out = await runScenarioFile(a.scenario ?? DEFAULT_SCENARIO, a.backend);
    if (a.report) {
      const { writeReports } = await import('./report.js');
      const files = await writeReports(out, a.report);
      process.stderr.write(`reports: ${files.json}, ${files.junit}, ${files.html}\n`);
    }
    if (a.j) process.stdout.write(JSON.stringify({
      scenario: out.parsed.scenario.name, exitCode: out.exitCode, notes: out.notes,
      backends: Object.fromEntries(Object.entries(out.runs).map(([k, r]) => [k, { expectations: r.expectations, steps: r.run.steps, timings: r.run.timings }])),
      divergences: out.comparison?.divergences ?? [], normalisations: out.comparison?.normalisations ?? [],
    }) + '\n');
    else process.stdout.write(formatRunReport(out) + '\n');
    process.exitCode = out.exitCode;
  });
}
