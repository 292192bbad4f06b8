// Every scenario of the library passes on both backends with zero divergences (the scenario
// issue's done-when), and on the emulator alone its expectations hold.
import { describe, it, expect } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { kernelTest } from '../../harness/skip.js';
import { runScenarioFile } from '../../src/cli/run.js';

const DIR = resolve(import.meta.dirname, '../../scenarios');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

describe('scenario library on the emulator', () => {
  it.each(FILES)('%s: every expectation holds', async (file) => {
    const out = await runScenarioFile(join(DIR, file), 'emu');
    const failed = out.runs.emu!.expectations.filter((x) => !x.ok);
    expect(failed, JSON.stringify(failed, null, 1)).toEqual([]);
    expect(out.runs.emu!.expectations.length).toBeGreaterThan(0);
    expect(out.exitCode).toBe(0);
  }, 120_000);
});

describe('scenario library on both backends', () => {
  for (const file of FILES) {
    kernelTest(`${file}: expectations hold on both, zero divergences`, async () => {
      const out = await runScenarioFile(join(DIR, file), 'both');
      const failed = Object.entries(out.runs).flatMap(([b, r]) => r.expectations.filter((x) => !x.ok).map((x) => ({ backend: b, ...x })));
      expect(failed, JSON.stringify(failed, null, 1)).toEqual([]);
      expect(out.comparison?.divergences ?? ['no comparison'], JSON.stringify(out.comparison?.divergences.slice(0, 5), null, 1)).toEqual([]);
      for (const [b, r] of Object.entries(out.runs)) console.log(`[dpsim] ${file} ${b}: setup ${r.run.timings.setupMs.toFixed(0)} ms, traffic ${r.run.timings.runMs.toFixed(0)} ms`);
    }, 300_000);
  }
});
