// The scenario comparison catches planted differences: in a step's outcome, in one packet at
// one observation point, and in map contents; and it runs end to end with a plan changed on
// one backend only (exit 2).
import { describe, it, expect } from 'vitest';
import { resolve } from 'node:path';
import { loadScenario } from '../../src/scenario/parse.js';
import { buildPlan } from '../../src/agent/index.js';
import { resolveSteps } from '../../src/scenario/resolve.js';
import { runOnBackend } from '../../src/scenario/runner.js';
import { EmuBackend } from '../../src/backends/emu.js';
import { compareRuns } from '../../src/diff/scenario-diff.js';
import type { BackendRun } from '../../src/backends/types.js';
import { kernelTest } from '../../harness/skip.js';
import { KernelBackend } from '../../src/backends/kernel.js';

const FILE = resolve(import.meta.dirname, '../../scenarios/default.yaml');

async function emuRun(): Promise<BackendRun> {
  const parsed = loadScenario(FILE);
  const plan = buildPlan(parsed);
  return (await runOnBackend(new EmuBackend(), parsed.scenario, plan, resolveSteps(parsed.scenario, plan))).run;
}

const clone = (r: BackendRun): BackendRun => ({
  ...r,
  steps: r.steps.map((s) => ({ ...s, drops: [...s.drops] })),
  packets: r.packets.map((p) => ({ ...p, frame: p.frame.slice() })),
  maps: JSON.parse(JSON.stringify(r.maps)),
});

describe('planted differences are reported', () => {
  it('identical runs agree (the emulator is deterministic)', async () => {
    const [a, b] = [await emuRun(), await emuRun()];
    expect(compareRuns(a, { ...b, backend: 'kernel' }).divergences).toEqual([]);
  }, 60_000);

  it('a step outcome', async () => {
    const a = await emuRun();
    const b = clone(a);
    b.steps[0]!.replies = 0;
    const d = compareRuns(a, b).divergences;
    expect(d).toContainEqual(expect.objectContaining({ kind: 'step', where: 'step 0', field: 'replies' }));
  }, 60_000);

  it('one byte of a non-TCP packet, named by field', async () => {
    const a = await emuRun();
    const b = clone(a);
    const i = b.packets.findIndex((p) => p.frame.length >= 34 && p.frame[23] === 1); // an ICMP packet
    expect(i).toBeGreaterThanOrEqual(0);
    b.packets[i]!.frame[22] = (b.packets[i]!.frame[22]! - 1) & 0xff; // TTL
    const d = compareRuns(a, b).divergences;
    expect(d.some((x) => x.kind === 'packets' && x.where === b.packets[i]!.point && /ip\.ttl/.test(x.field))).toBe(true);
  }, 60_000);

  it('the payload of a TCP stream', async () => {
    const a = await emuRun();
    const b = clone(a);
    const i = b.packets.findIndex((p) => p.frame.length > 80 && p.frame[23] === 6 && p.frame.length > 14 + 20 + 32);
    expect(i).toBeGreaterThanOrEqual(0);
    const f = b.packets[i]!.frame;
    f[f.length - 1] = f[f.length - 1]! ^ 0xff;
    const d = compareRuns(a, b).divergences;
    expect(d.some((x) => x.kind === 'packets' && /payload/.test(x.field))).toBe(true);
  }, 60_000);

  it('a map entry', async () => {
    const a = await emuRun();
    const b = clone(a);
    const node = Object.keys(b.maps)[0]!;
    const ct = b.maps[node]!['bpf_lxc.o']!['cilium_ct4_global']!;
    expect(ct.length).toBeGreaterThan(0);
    (ct[0]!.value as Record<string, unknown>).src_sec_id = 999;
    const d = compareRuns(a, b).divergences;
    expect(d).toContainEqual(expect.objectContaining({ kind: 'map', where: `${node} bpf_lxc.o cilium_ct4_global` }));
  }, 60_000);
});

describe('end to end: a plan changed on the kernel side only', () => {
  kernelTest('a policy entry turned into a deny shows as divergences in outcome, packets and maps', async () => {
    const parsed = loadScenario(FILE);
    const plan = buildPlan(parsed);
    const steps = resolveSteps(parsed.scenario, plan);
    const emu = await runOnBackend(new EmuBackend(), parsed.scenario, plan, steps);
    const altered = JSON.parse(JSON.stringify(plan)) as typeof plan;
    for (const n of altered.nodes) for (const o of n.objects) for (const e of o.maps['cilium_policy'] ?? []) (e.value as Record<string, number>).deny = 1;
    const ker = await runOnBackend(new KernelBackend(), parsed.scenario, altered, steps);
    const d = compareRuns(emu.run, ker.run).divergences;
    expect(d.some((x) => x.kind === 'step')).toBe(true);
    expect(d.some((x) => x.kind === 'map' && /cilium_policy/.test(x.where))).toBe(true);
  }, 300_000);
});
