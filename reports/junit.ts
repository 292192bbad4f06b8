// A run as JUnit: one <testsuite> per scenario; a <testcase> per expectation per backend
// (classname dpsim.emu / dpsim.kernel) and, when both backends ran, per step comparison,
// observation point and non-empty map (classname dpsim.diff), failing with both sides.

import type { RunOutcome } from '../src/cli/run.js';
import type { ScenarioDivergence } from '../src/diff/scenario-diff.js';
import type { StepResult } from '../src/backends/types.js';
import type { ExpectationResult } from '../src/scenario/expect.js';
import { dropReasonName } from '../src/observe/drop-reasons.js';
import { backendsOf, type ReportContext } from './context.js';
import { stepTitle, stepWhat } from './step-labels.js';
import { stepError } from './step-outcome.js';
import type { ToolVersions } from './environment.js';
import { junitDocument, type JunitCase, type JunitSuite } from './junit-model.js';

export function resultText(r: StepResult): string {
  const drops = [...new Set(r.drops.map((d) => `${dropReasonName(d.reason)} (${d.reason}) at ${d.node}/${d.device}`))];
  return [
    `replies: ${r.replies} of ${r.sent}`,
    `delivered: ${r.delivered ? 'yes' : 'no'}`,
    `source seen: ${r.sourceSeen ?? '-'}`,
    `backend: ${r.backend ?? '-'}`,
    `drops: ${drops.join(', ') || '-'}`,
    ...(r.note ? [`note: ${r.note}`] : []),
  ].join('\n');
}

function expectationCase(outcome: RunOutcome, backend: 'emu' | 'kernel', x: ExpectationResult): JunitCase {
  const run = outcome.runs[backend]!;
  const s = outcome.parsed.scenario;
  const c: JunitCase = { classname: `dpsim.${backend}`, name: `${stepTitle(s, x.step)}: ${x.what}` };
  if (x.ok) return c;
  const result = run.run.steps[x.step];
  const problem = {
    message: `expected ${x.what} ${x.expected}, got ${x.actual}`,
    text: [`${stepWhat(s.traffic[x.step]!)} on ${backend}`, `expected ${x.what}: ${x.expected}`, `got: ${x.actual}`, '', ...(result ? [resultText(result)] : [])].join('\n'),
  };
  const error = stepError(run, x.step);
  return error ? { ...c, error: { ...problem, type: 'backend-error', text: `${error}\n\n${problem.text}` } } : { ...c, failure: { ...problem, type: 'expectation' } };
}

function backendCases(outcome: RunOutcome, backend: 'emu' | 'kernel'): JunitCase[] {
  const run = outcome.runs[backend]!;
  const s = outcome.parsed.scenario;
  const cases: JunitCase[] = [];
  s.traffic.forEach((_, i) => {
    const exp = run.expectations.filter((x) => x.step === i);
    const error = stepError(run, i);
    if (!run.run.steps[i] || (exp.length === 0 && error)) {
      cases.push({ classname: `dpsim.${backend}`, name: `${stepTitle(s, i)}: ran`, error: { message: error ?? 'not run', type: 'backend-error', text: error ?? 'not run' } });
    }
    cases.push(...exp.map((x) => expectationCase(outcome, backend, x)));
  });
  return cases;
}

export function divergenceText(ds: ScenarioDivergence[]): string {
  return ds.map((d) => `[${d.kind}] ${d.where}: ${d.field}\n  emulator: ${d.emulator}\n  kernel:   ${d.kernel}`).join('\n');
}

function diffCase(name: string, ds: ScenarioDivergence[]): JunitCase {
  const c: JunitCase = { classname: 'dpsim.diff', name };
  if (ds.length === 0) return c;
  const first = ds[0]!;
  const message = `${ds.length} divergence${ds.length > 1 ? 's' : ''}: ${first.field}: emulator ${first.emulator}, kernel ${first.kernel}`;
  return { ...c, failure: { message, type: 'divergence', text: divergenceText(ds) } };
}

function nonEmptyMaps(outcome: RunOutcome): string[] {
  const names = new Set<string>();
  for (const r of Object.values(outcome.runs)) {
    for (const [node, objects] of Object.entries(r.run.maps)) {
      for (const [obj, maps] of Object.entries(objects)) {
        for (const [map, entries] of Object.entries(maps)) if (entries.length) names.add(`${node} ${obj} ${map}`);
      }
    }
  }
  return [...names];
}

function comparisonCases(outcome: RunOutcome): JunitCase[] {
  const s = outcome.parsed.scenario;
  if (!outcome.comparison) {
    const ran = backendsOf(outcome).join(' and ') || 'no backend';
    return [{ classname: 'dpsim.diff', name: 'emulator vs kernel', skipped: { message: `not compared: only ${ran} ran${outcome.notes.length ? ` (${outcome.notes.join('; ')})` : ''}` } }];
  }
  const ds = outcome.comparison.divergences;
  const of = (kind: ScenarioDivergence['kind'], where: string) => ds.filter((d) => d.kind === kind && d.where === where);
  const steps = [...new Set([...s.traffic.map((_, i) => `step ${i}`), ...ds.filter((d) => d.kind === 'step').map((d) => d.where)])];
  const points = [...new Set([...Object.values(outcome.runs).flatMap((r) => r.run.packets.map((p) => p.point)), ...ds.filter((d) => d.kind === 'packets').map((d) => d.where)])].sort();
  const maps = [...new Set([...nonEmptyMaps(outcome), ...ds.filter((d) => d.kind === 'map').map((d) => d.where)])].sort();
  return [
    ...steps.map((w) => diffCase(`${stepTitle(s, Number(w.slice(5)))}: outcome`, of('step', w))),
    ...points.map((p) => diffCase(`packets at ${p}`, of('packets', p))),
    ...maps.map((m) => diffCase(`map ${m}`, of('map', m))),
  ];
}

export function versionProperties(v: ToolVersions): [string, string][] {
  return [['kernel', v.kernel], ['clang', v.clang], ['node', v.node], ['dpsim', v.dpsim]];
}

export function junitSuite(outcome: RunOutcome, ctx: ReportContext): JunitSuite {
  const backends = backendsOf(outcome);
  const seconds = backends.reduce((a, b) => {
    const t = outcome.runs[b]!.run.timings;
    return a + (t.setupMs + t.runMs + t.teardownMs) / 1000;
  }, 0);
  const out = [
    ...outcome.notes.map((n) => `note: ${n}`),
    ...(outcome.comparison?.normalisations ?? []).map((n) => `normalised: ${n.name} (${n.reason})`),
    `exit code: ${outcome.exitCode}`,
  ];
  return {
    name: outcome.parsed.scenario.name,
    file: outcome.parsed.file,
    timestamp: ctx.generatedAt,
    time: seconds,
    properties: [...versionProperties(ctx.versions), ['backends', backends.join(',')], ['exitCode', String(outcome.exitCode)]],
    cases: [...backends.flatMap((b) => backendCases(outcome, b)), ...comparisonCases(outcome)],
    systemOut: out.join('\n'),
  };
}

/** Several scenarios, one file: one <testsuite> each. */
export function junitReport(runs: { outcome: RunOutcome; ctx: ReportContext }[]): string {
  return junitDocument(runs.map((r) => junitSuite(r.outcome, r.ctx)));
}
