// One kernel backend run shared by the tests of a file: set up the hand-built plan, run the
// steps, snapshot what only a live testbed can tell (devices, links, counters), collect,
// tear down, and look for leftovers. Each test then checks its part of the result.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ClusterPlan } from '../../src/agent/plan-types.js';
import { KernelBackend } from '../../src/backends/kernel.js';
import type { BackendRun, ResolvedStep, StepResult } from '../../src/backends/types.js';
import { leftoversOf } from '../netns/helpers.js';
import { alive, childPids } from './procs.js';

export interface IpLink {
  ifindex: number;
  ifname: string;
  address: string;
  mtu: number;
  stats64?: { rx: { otherhost?: number } };
}

export interface KernelRun {
  plan: ClusterPlan;
  runId: string;
  results: StepResult[];
  collected: Omit<BackendRun, 'timings'>;
  /** `ip -j -s -s link` per plan place ("node1", "pod:client", "world:internet"), after the steps. */
  links: Record<string, IpLink[]>;
  /** tcx links per node, as the loader lists them. */
  attached: Record<string, { prog: string; dev: string; direction: string }[]>;
  pinDirs: string[];
  /** Processes the run started (servers, captures, loaders), alive after teardown. */
  survivors: number[];
  leftovers: string[];
  times: KernelBackend['timings'];
}

export async function kernelRun(plan: ClusterPlan, steps: ResolvedStep[], label: string): Promise<KernelRun> {
  const backend = new KernelBackend();
  try {
    await backend.setup(plan);
    const tb = backend.testbed!;
    const results: StepResult[] = [];
    for (const step of steps) results.push(await backend.runStep(step));
    const places = [...plan.nodes.map((n) => n.name), ...plan.pods.map((p) => `pod:${p.name}`), ...plan.world.map((w) => `world:${w.name}`)];
    const netnsOf = (place: string) => tb.netnsOf(place.replace(/^(pod|world):/, ''));
    const links = Object.fromEntries(places.map((p) => [p, JSON.parse(execFileSync('ip', ['-n', netnsOf(p), '-j', '-s', '-s', 'link'], { encoding: 'utf8' })) as IpLink[]]));
    const attached: KernelRun['attached'] = {};
    for (const n of plan.nodes) attached[n.name] = (await (await tb.loader(n.name)).links()).map((l) => ({ prog: l.prog, dev: l.dev, direction: l.direction }));
    // Everything the run started, with socat's forked children.
    const started = [...plan.nodes.map((n) => n.name), ...places].flatMap((p) => {
      const pids = execFileSync('ip', ['netns', 'pids', netnsOf(p)], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean).map(Number);
      return [...pids, ...pids.flatMap(childPids)];
    });
    const pinDirs = Object.values(tb.nodes).map((n) => n.pinDir);
    const collected = await backend.collect();
    await backend.teardown();
    await backend.teardown(); // idempotent
    await new Promise((r) => setTimeout(r, 200)); // the kernel reaps asynchronously
    const t = backend.timings;
    console.log(`[backends-kernel] ${label}: setup ${t.setupMs} ms (${Object.entries(t.setupStagesMs).map(([k, v]) => `${k} ${v}`).join(', ')}), ${steps.length} steps ${t.runMs} ms, collect ${t.collectMs} ms, teardown ${t.teardownMs} ms; ` +
      `${collected.packets.length} packets, ${collected.events.length} events`);
    return {
      plan, runId: tb.runId, results, collected, links, attached, pinDirs,
      survivors: [...new Set(started)].filter(alive),
      leftovers: [...leftoversOf(tb.runId), ...pinDirs.filter(existsSync)],
      times: { ...t },
    };
  } finally {
    await backend.teardown();
  }
}
