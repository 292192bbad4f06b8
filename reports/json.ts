// The JSON summary of a run: the scenario, per backend each step with its outcome and
// expectations, timings and counts; the comparison (divergences, normalisations); flows per
// backend; tool versions. Plain data, stable keys, for CI tooling.

import type { RunOutcome } from '../src/cli/run.js';
import type { StepResult } from '../src/backends/types.js';
import type { ExpectationResult } from '../src/scenario/expect.js';
import type { ScenarioComparison } from '../src/diff/scenario-diff.js';
import { backendsOf, type ReportContext } from './context.js';
import { stepTitle, stepWhat } from './step-labels.js';
import { stepError, stepOutcome, type StepOutcome } from './step-outcome.js';
import type { ToolVersions } from './environment.js';

export interface StepSummary {
  index: number;
  title: string;
  what: string;
  outcome: StepOutcome;
  error?: string;
  result?: StepResult;
  expectations: ExpectationResult[];
}

export interface BackendSummary {
  steps: StepSummary[];
  expectations: { total: number; failed: number };
  timings: { setupMs: number; runMs: number; teardownMs: number };
  /** The emulator's VM engine. */
  engine?: string;
  packets: number;
  events: number;
  flows: number;
  undecodedEvents: number;
}

export interface RunSummary {
  format: 'dpsim-report/v1';
  generatedAt: string;
  scenario: { name: string; file: string; description?: string; steps: { index: number; title: string; what: string }[] };
  exitCode: number;
  notes: string[];
  versions: ToolVersions;
  backends: Partial<Record<'emu' | 'kernel', BackendSummary>>;
  comparison: (ScenarioComparison & { compared: true }) | { compared: false };
  flows: { total: number; byBackend: Partial<Record<'emu' | 'kernel', number>> };
}

export function runSummary(outcome: RunOutcome, ctx: ReportContext): RunSummary {
  const s = outcome.parsed.scenario;
  const backends: RunSummary['backends'] = {};
  for (const name of backendsOf(outcome)) {
    const run = outcome.runs[name]!;
    const flows = ctx.flows[name];
    backends[name] = {
      steps: s.traffic.map((step, i) => {
        const error = stepError(run, i);
        const result = run.run.steps[i];
        return {
          index: i, title: stepTitle(s, i), what: stepWhat(step), outcome: stepOutcome(run, i),
          ...(error ? { error } : {}), ...(result ? { result } : {}),
          expectations: run.expectations.filter((x) => x.step === i),
        };
      }),
      expectations: { total: run.expectations.length, failed: run.expectations.filter((x) => !x.ok).length },
      timings: run.run.timings,
      ...(run.run.engine ? { engine: run.run.engine } : {}),
      packets: run.run.packets.length,
      events: run.run.events.length,
      flows: flows?.flows.length ?? 0,
      undecodedEvents: flows?.undecoded ?? 0,
    };
  }
  const byBackend = Object.fromEntries(Object.entries(ctx.flows).map(([k, f]) => [k, f.flows.length]));
  return {
    format: 'dpsim-report/v1',
    generatedAt: ctx.generatedAt,
    scenario: {
      name: s.name, file: outcome.parsed.file, ...(s.description ? { description: s.description } : {}),
      steps: s.traffic.map((step, i) => ({ index: i, title: stepTitle(s, i), what: stepWhat(step) })),
    },
    exitCode: outcome.exitCode,
    notes: outcome.notes,
    versions: ctx.versions,
    backends,
    comparison: outcome.comparison ? { compared: true, ...outcome.comparison } : { compared: false },
    flows: { total: Object.values(byBackend).reduce((a, b) => a + b, 0), byBackend },
  };
}

export function jsonReport(outcome: RunOutcome, ctx: ReportContext): string {
  return JSON.stringify(runSummary(outcome, ctx), null, 2) + '\n';
}
