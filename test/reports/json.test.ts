// The JSON summary and the flows behind every report, on the default scenario's emulator run
// and on a run with a planted kernel side.
import { describe, it, expect } from 'vitest';
import { runSummary } from '../../reports/json.js';
import { reportContext } from '../../reports/context.js';
import { eventTimes } from '../../reports/event-times.js';
import { eventToFlow } from '../../src/observe/flows.js';
import { planDirectory } from '../../src/observe/directory.js';
import { stepOutcome } from '../../reports/step-outcome.js';
import { defaultEmuOutcome, plantedOutcome } from './fixtures.js';

describe('JSON summary', () => {
  it('lists each step per backend with its outcome, expectations, timings and flow counts', async () => {
    const out = await defaultEmuOutcome();
    const ctx = reportContext(out);
    const s = JSON.parse(JSON.stringify(runSummary(out, ctx))) as ReturnType<typeof runSummary>;
    expect(s.scenario.name).toBe('default');
    expect(s.exitCode).toBe(out.exitCode);
    expect(Object.keys(s.backends)).toEqual(['emu']);
    const emu = s.backends.emu!;
    expect(emu.steps).toHaveLength(out.parsed.scenario.traffic.length);
    emu.steps.forEach((step, i) => {
      expect(step.title).toBe(`step ${i} (${out.parsed.scenario.traffic[i]!.name})`);
      expect(step.outcome).toBe(stepOutcome(out.runs.emu!, i));
      expect(step.expectations).toEqual(out.runs.emu!.expectations.filter((x) => x.step === i));
      expect(step.result).toEqual(out.runs.emu!.run.steps[i]);
    });
    expect(emu.expectations).toEqual({ total: out.runs.emu!.expectations.length, failed: out.runs.emu!.expectations.filter((x) => !x.ok).length });
    expect(emu.timings).toEqual(out.runs.emu!.run.timings);
    expect(emu.packets).toBe(out.runs.emu!.run.packets.length);
    expect(emu.events).toBe(out.runs.emu!.run.events.length);
    expect(emu.flows + emu.undecodedEvents).toBe(emu.events);
    expect(s.flows).toEqual({ total: emu.flows, byBackend: { emu: emu.flows } });
    expect(s.comparison).toEqual({ compared: false });
    expect(Object.keys(s.versions).sort()).toEqual(['clang', 'dpsim', 'kernel', 'node']);
  });

  it('carries the comparison when both backends ran', async () => {
    const { outcome } = await plantedOutcome();
    const s = runSummary(outcome, reportContext(outcome));
    expect(Object.keys(s.backends)).toEqual(['emu', 'kernel']);
    expect(s.comparison.compared).toBe(true);
    if (s.comparison.compared) {
      expect(s.comparison.divergences).toEqual(outcome.comparison!.divergences);
      expect(s.comparison.normalisations).toEqual(outcome.comparison!.normalisations);
    }
    expect(s.flows.total).toBe(s.backends.emu!.flows + s.backends.kernel!.flows);
    expect(s.exitCode).toBe(1);
  });
});

describe('flows', () => {
  it('decode every datapath event, in time order, with times from the captured packets', async () => {
    const out = await defaultEmuOutcome();
    const ctx = reportContext(out);
    const run = out.runs.emu!.run;
    const flows = ctx.flows.emu!.flows;
    const dir = planDirectory(ctx.plan);
    expect(flows.length).toBe(run.events.filter((e) => eventToFlow(e.data, e.node, 0n, dir)).length);
    expect(flows.length).toBeGreaterThan(0);
    for (let i = 1; i < flows.length; i++) expect(flows[i]!.timeNs).toBeGreaterThanOrEqual(flows[i - 1]!.timeNs);
    // Each step's flows fall within its captured packets' time span (plus the 1 µs steps of unmatched events).
    const times = eventTimes(run);
    run.events.forEach((e, i) => {
      const ps = run.packets.filter((p) => p.step === e.step).map((p) => p.timeNs);
      if (ps.length === 0) return;
      expect(times[i]).toBeGreaterThanOrEqual(Math.min(...ps));
      expect(times[i]).toBeLessThanOrEqual(Math.max(...ps) + 1000 * run.events.length);
    });
    // Per node, events keep their emission order.
    for (const node of new Set(run.events.map((e) => e.node))) {
      const mine = run.events.map((e, i) => ({ e, t: times[i]! })).filter((x) => x.e.node === node);
      for (let i = 1; i < mine.length; i++) if (mine[i]!.e.step === mine[i - 1]!.e.step) expect(mine[i]!.t).toBeGreaterThanOrEqual(mine[i - 1]!.t);
    }
    expect(flows.some((f) => f.record.flow.verdict === 'DROPPED' && f.record.flow.drop_reason_desc === 'POLICY_DENIED')).toBe(true);
  });
});
