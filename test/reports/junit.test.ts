// JUnit read back with a strict XML reader: testsuites > testsuite > testcase, counts that
// match the run, failure texts with both sides, the environment's versions, escaping.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { junitReport } from '../../reports/junit.js';
import { reportContext } from '../../reports/context.js';
import type { RunOutcome } from '../../src/cli/run.js';
import { parseXml, childrenNamed, type XmlElement } from './xml-parse.js';
import { defaultEmuOutcome, plantedOutcome } from './fixtures.js';

function suites(xml: string): XmlElement[] {
  const root = parseXml(xml);
  expect(root.name).toBe('testsuites');
  return childrenNamed(root, 'testsuite');
}

const cases = (s: XmlElement) => childrenNamed(s, 'testcase');
const problem = (c: XmlElement, tag: string) => childrenNamed(c, tag)[0];
const property = (s: XmlElement, name: string) => childrenNamed(childrenNamed(s, 'properties')[0]!, 'property').find((p) => p.attrs.name === name)?.attrs.value;

function report(...outcomes: RunOutcome[]): string {
  return junitReport(outcomes.map((outcome) => ({ outcome, ctx: reportContext(outcome) })));
}

describe('JUnit report', () => {
  it('has one testcase per expectation of the emulator run, counts matching the run', async () => {
    const out = await defaultEmuOutcome();
    const [suite, ...rest] = suites(report(out));
    expect(rest).toHaveLength(0);
    expect(suite!.attrs.name).toBe('default');
    const emuCases = cases(suite!).filter((c) => c.attrs.classname === 'dpsim.emu');
    expect(emuCases).toHaveLength(out.runs.emu!.expectations.length);
    const names = out.runs.emu!.expectations.map((x) => `step ${x.step} (${out.parsed.scenario.traffic[x.step]!.name}): ${x.what}`);
    expect(emuCases.map((c) => c.attrs.name)).toEqual(names);
    const failing = out.runs.emu!.expectations.filter((x) => !x.ok).length;
    expect(emuCases.filter((c) => problem(c, 'failure') || problem(c, 'error'))).toHaveLength(failing);
    // Only the emulator ran: the comparison is one skipped case.
    const diff = cases(suite!).filter((c) => c.attrs.classname === 'dpsim.diff');
    expect(diff).toHaveLength(1);
    expect(problem(diff[0]!, 'skipped')!.attrs.message).toMatch(/only emu ran/);
    expect(Number(suite!.attrs.tests)).toBe(cases(suite!).length);
    expect(Number(suite!.attrs.skipped)).toBe(1);
    expect(Number(suite!.attrs.failures)).toBe(cases(suite!).filter((c) => problem(c, 'failure')).length);
    expect(Number(suite!.attrs.errors)).toBe(cases(suite!).filter((c) => problem(c, 'error')).length);
    expect(Number(suite!.attrs.time)).toBeGreaterThan(0);
  });

  it('records the kernel, clang, node and dpsim versions as properties', async () => {
    const [suite] = suites(report(await defaultEmuOutcome()));
    expect(property(suite!, 'kernel')).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    let clang: string;
    try {
      clang = execFileSync('clang-19', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
    } catch {
      clang = 'unavailable';
    }
    expect(property(suite!, 'clang')!.startsWith(clang)).toBe(true);
    expect(property(suite!, 'node')).toBe(process.version);
    expect(property(suite!, 'dpsim')).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('puts several scenarios in one file and fails diff cases with both sides of each divergence', async () => {
    const planted = await plantedOutcome();
    const out = planted.outcome;
    const all = suites(report(await defaultEmuOutcome(), out));
    expect(all).toHaveLength(2);
    const suite = all[1]!;
    const divergences = out.comparison!.divergences;
    expect(divergences.length).toBeGreaterThan(0);

    // The planted packet: its observation point's case fails with the tcpdump line of each side.
    const packetCase = cases(suite).find((c) => c.attrs.classname === 'dpsim.diff' && c.attrs.name === `packets at ${planted.point}`)!;
    const failure = problem(packetCase, 'failure')!;
    expect(failure.attrs.type).toBe('divergence');
    const packetDivs = divergences.filter((d) => d.kind === 'packets' && d.where === planted.point);
    expect(packetDivs.length).toBeGreaterThan(0);
    expect(failure.attrs.message.startsWith(`${packetDivs.length} divergence`)).toBe(true);
    for (const d of packetDivs) {
      expect(failure.text).toContain(`emulator: ${d.emulator}`);
      expect(failure.text).toContain(`kernel:   ${d.kernel}`);
    }
    // The planted drop reason: the step comparison fails, and so does the kernel's expectation.
    const stepCase = cases(suite).find((c) => c.attrs.classname === 'dpsim.diff' && c.attrs.name.startsWith(`step ${planted.dropStep} `))!;
    expect(problem(stepCase, 'failure')!.text).toMatch(/drops/);
    const kernelFailed = out.runs.kernel!.expectations.filter((x) => !x.ok);
    expect(kernelFailed.length).toBeGreaterThan(0);
    const kernelCases = cases(suite).filter((c) => c.attrs.classname === 'dpsim.kernel' && problem(c, 'failure'));
    expect(kernelCases).toHaveLength(kernelFailed.length);
    const f = problem(kernelCases[0]!, 'failure')!;
    expect(f.attrs.message).toBe(`expected ${kernelFailed[0]!.what} ${kernelFailed[0]!.expected}, got ${kernelFailed[0]!.actual}`);
    expect(f.text).toContain(`expected ${kernelFailed[0]!.what}: ${kernelFailed[0]!.expected}`);

    // Every divergence is in exactly one failing diff case; the counts add up.
    const diffFailures = cases(suite).filter((c) => c.attrs.classname === 'dpsim.diff' && problem(c, 'failure'));
    const listed = diffFailures.map((c) => problem(c, 'failure')!.text.split('\n').filter((l) => l.startsWith('[')).length).reduce((a, b) => a + b, 0);
    expect(listed).toBe(divergences.length);
    const failing = [...out.runs.emu!.expectations, ...out.runs.kernel!.expectations].filter((x) => !x.ok).length;
    expect(Number(suite.attrs.failures)).toBe(failing + diffFailures.length);
    expect(Number(suite.attrs.skipped)).toBe(0);
    const root = parseXml(report(await defaultEmuOutcome(), out));
    expect(Number(root.attrs.tests)).toBe(all.reduce((a, s) => a + Number(s.attrs.tests), 0));
    expect(Number(root.attrs.failures)).toBe(all.reduce((a, s) => a + Number(s.attrs.failures), 0));
  });

  it('escapes markup, quotes and control characters in names, messages and texts', async () => {
    const base = await defaultEmuOutcome();
    const nasty = `a <b> & "c" 'd' ]]> \u0001 é`;
    const traffic = base.parsed.scenario.traffic.map((t, i) => (i === 0 ? { ...t, name: nasty } : t));
    const emu = base.runs.emu!;
    const expectations = emu.expectations.map((x) => (x.step === 0 ? { ...x, ok: false, actual: nasty } : x));
    const out: RunOutcome = {
      ...base,
      parsed: { ...base.parsed, scenario: { ...base.parsed.scenario, traffic } },
      runs: { emu: { ...emu, expectations } },
      notes: [nasty],
    };
    const xml = report(out);
    expect(xml).not.toContain('\u0001');
    const [suite] = suites(xml);
    const c = cases(suite!).find((x) => x.attrs.name.startsWith('step 0'))!;
    const shown = nasty.replace('\u0001', '\uFFFD');
    expect(c.attrs.name).toBe(`step 0 (${shown}): ${expectations[0]!.what}`);
    expect(problem(c, 'failure')!.attrs.message).toContain(`got ${shown}`);
    expect(problem(c, 'failure')!.text).toContain(`got: ${shown}`);
    expect(childrenNamed(suite!, 'system-out')[0]!.text).toContain(shown);
  });
});
