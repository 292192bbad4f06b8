// The kernel backend: the plan realised in network namespaces (harness/netns) with the
// datapath's objects on real tcx hooks. setup builds the topology with the plan's names,
// ifindexes and MACs, loads and fills the datapath, starts echo servers, event readers and
// captures; runStep drives real clients; collect reads captures, events and map dumps back.
// Contract: docs/scenario-runtime.md.

import type { ClusterPlan } from '../agent/plan-types.js';
import type { ObjectSpec } from '../elf/index.js';
import type { MapsJson } from '../maps/index.js';
import { createTestbed, type Device, type NodeLoader, type Testbed } from '../../harness/netns/index.js';
import { Captures } from './kernel-captures.js';
import { ensureObjects, instanceOf, loadNode, loadSpecs } from './kernel-datapath.js';
import { checkKernelBackend } from './kernel-env.js';
import { EventLog } from './kernel-events.js';
import { dumpObjectMaps } from './kernel-maps.js';
import { EchoServers } from './kernel-servers.js';
import { now, Timeline } from './kernel-timeline.js';
import { PlaceNames, planDevices, testbedSpecOf } from './kernel-topology.js';
import { icmpInEchos, runPacket, runPing, runTcp, runUdp } from './kernel-traffic.js';
import type { Backend, BackendRun, CapturedPacket, ResolvedStep, StepResult } from './types.js';

export interface KernelBackendOptions {
  /** Wait after each step so that late packets and events still count for it; default 50 ms. */
  settleMs?: number;
  /** Fixed testbed run id (4 hex digits); random by default. */
  runId?: string;
}

/** Everything setup made; teardown undoes it through the testbed. */
interface Running {
  plan: ClusterPlan;
  tb: Testbed;
  names: PlaceNames;
  specs: Map<string, ObjectSpec>;
  loaders: Map<string, NodeLoader>;
  events: EventLog;
  servers: EchoServers;
  captures: Captures;
}

const EVENT_POLL_MS = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class KernelBackend implements Backend {
  readonly name = 'kernel' as const;
  /** Milliseconds per phase, measured here (the runner measures its own too). */
  readonly timings = { setupMs: 0, runMs: 0, collectMs: 0, teardownMs: 0, setupStagesMs: {} as Record<string, number> };
  private readonly timeline = new Timeline();
  private readonly results: StepResult[] = [];
  private running: Running | undefined;
  private testbedOf: Testbed | undefined;
  private packets: CapturedPacket[] | undefined;

  constructor(private readonly opts: KernelBackendOptions = {}) {}

  /** The testbed while set up (tests inspect it). */
  get testbed(): Testbed | undefined {
    return this.testbedOf;
  }

  async setup(plan: ClusterPlan): Promise<void> {
    if (this.testbedOf) throw new Error('KernelBackend.setup: already set up');
    const start = performance.now();
    let mark = start;
    const stage = <T>(name: string, value: T): T => {
      this.timings.setupStagesMs[name] = Math.round(performance.now() - mark);
      mark = performance.now();
      return value;
    };
    stage('checks', await checkKernelBackend());
    const files = plan.nodes.flatMap((n) => n.objects.map((o) => o.file));
    await ensureObjects(files);
    const specs = stage('objects', await loadSpecs(files));
    const names = new PlaceNames(plan);
    const tb = stage('topology', await createTestbed({ ...testbedSpecOf(plan, names), ...(this.opts.runId ? { runId: this.opts.runId } : {}) }));
    this.testbedOf = tb;
    try {
      checkDevices(tb, plan, names);
      const loaders = stage('datapath', new Map(await Promise.all(plan.nodes.map(async (n) => {
        const loader = await tb.loader(names.testbed(n.name));
        await loadNode(loader, n, specs);
        return [n.name, loader] as const;
      }))));
      const events = new EventLog(plan, loaders, this.timeline);
      const [servers, captures] = stage('servers+captures', await Promise.all([
        EchoServers.start(tb, plan, names, this.timeline),
        Captures.start(tb, planDevices(plan), names),
      ]));
      this.running = { plan, tb, names, specs, loaders, events, servers, captures };
      await events.drain(); // anything before the first step is not the steps'
    } catch (err) {
      await this.teardown();
      throw err;
    }
    this.timeline.runStart = now();
    this.timings.setupMs = Math.round(performance.now() - start);
  }

  async runStep(step: ResolvedStep): Promise<StepResult> {
    const r = this.require();
    const start = performance.now();
    const lostBefore = r.events.lost;
    this.timeline.startStep(step.index);
    const poll = setInterval(() => void r.events.drain().catch(() => undefined), EVENT_POLL_MS);
    let result: StepResult;
    try {
      result = await this.execute(r, step);
    } finally {
      clearInterval(poll);
    }
    // Late packets, events and server log lines still count for this step.
    await sleep(this.opts.settleMs ?? 50);
    await r.events.drain();
    result.drops = r.events.dropsOf(step.index);
    if (step.kind === 'tcp' || step.kind === 'udp') {
      // A reply proves the server got the data: on a busy machine its log line may lag, so wait for it.
      for (let i = 0; i < 40 && result.replies > 0 && !serverView(r.servers, step).delivered; i++) await sleep(50);
      Object.assign(result, serverView(r.servers, step));
    }
    const lost = r.events.lost - lostBefore;
    if (lost) result.note = [result.note, `${lost} datapath events lost (perf ring full)`].filter(Boolean).join('; ');
    this.results.push(result);
    this.timings.runMs += Math.round(performance.now() - start);
    return result;
  }

  private async execute(r: Running, step: ResolvedStep): Promise<StepResult> {
    const base = { index: step.index, drops: [] };
    if (step.kind === 'packet') {
      const c = await runPacket(r.tb, r.names.testbed(step.at.place), step);
      return { ...base, sent: c.sent, replies: 0, delivered: false, ...(c.note ? { note: c.note } : {}) };
    }
    const netns = r.tb.netnsOf(r.names.testbed(step.from));
    if (step.kind === 'ping') {
      // Delivered = some other stack received an echo request (its Icmp InEchos went up).
      const others = r.captures.pids().filter((p) => p.place !== step.from);
      const before = others.map((p) => icmpInEchos(p.pid));
      const c = await runPing(netns, step);
      const delivered = others.some((p, i) => icmpInEchos(p.pid) > before[i]!);
      return { ...base, sent: c.sent, replies: c.replies, delivered, ...(c.note ? { note: c.note } : {}) };
    }
    const c = step.kind === 'tcp' ? await runTcp(netns, step) : await runUdp(netns, step);
    return { ...base, sent: c.sent, replies: c.replies, delivered: false, ...(c.note ? { note: c.note } : {}) };
  }

  async collect(): Promise<Omit<BackendRun, 'timings'> & { clockS: number }> {
    const r = this.require();
    const start = performance.now();
    this.packets ??= await r.captures.read(this.timeline);
    await r.events.drain();
    const maps: Record<string, Record<string, MapsJson>> = {};
    await Promise.all(r.plan.nodes.map(async (n) => {
      maps[n.name] = {};
      for (const o of n.objects) maps[n.name]![o.file] = await dumpObjectMaps(r.loaders.get(n.name)!, instanceOf(o.file), r.specs.get(o.file)!);
    }));
    const events = [...r.events.events]
      .sort((a, b) => (a.node !== b.node ? (a.node < b.node ? -1 : 1) : a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0))
      .map((e) => ({ node: e.node, step: e.step, data: e.data }));
    this.timings.collectMs = Math.round(performance.now() - start);
    // Conntrack lifetimes are CLOCK_MONOTONIC seconds: the comparison needs "now" on that clock.
    return { backend: 'kernel', steps: [...this.results], packets: this.packets, maps, events, clockS: Number(process.hrtime.bigint() / 1_000_000_000n) };
  }

  /** Removes everything (namespaces, pins, processes, files); safe to repeat. */
  async teardown(): Promise<void> {
    const tb = this.testbedOf;
    if (!tb || tb.isTornDown) return;
    const start = performance.now();
    this.running = undefined;
    await tb.teardown();
    this.timings.teardownMs = Math.round(performance.now() - start);
  }

  private require(): Running {
    if (!this.running) throw new Error('KernelBackend: setup() has not completed (or teardown() ran)');
    return this.running;
  }
}

/** What the echo servers saw of a TCP/UDP step: the first peer, and which pod answered. */
function serverView(servers: EchoServers, step: Extract<ResolvedStep, { kind: 'tcp' | 'udp' }>): Pick<StepResult, 'delivered' | 'sourceSeen' | 'backend'> {
  const hits = servers.hitsOf(step.index, step.kind === 'tcp' ? 'TCP' : 'UDP');
  const first = hits[0];
  return {
    delivered: hits.some((h) => h.data || step.bytes === 0),
    ...(first ? { sourceSeen: first.peer.ip } : {}),
    ...(first?.place.startsWith('pod:') ? { backend: first.place.slice(4) } : {}),
  };
}

/** The kernel must have created every device exactly as the plan says. */
function checkDevices(tb: Testbed, plan: ClusterPlan, names: PlaceNames): void {
  const wrong: string[] = [];
  const check = (where: string, got: Device | undefined, want: { name: string; ifindex: number; mac: string; mtu: number }) => {
    if (!got) wrong.push(`${where}/${want.name} missing`);
    else if (got.ifindex !== want.ifindex || got.mac !== want.mac.toLowerCase() || got.mtu !== want.mtu) {
      wrong.push(`${where}/${want.name}: ifindex ${got.ifindex} mac ${got.mac} mtu ${got.mtu}, plan ${want.ifindex} ${want.mac} ${want.mtu}`);
    }
  };
  for (const n of plan.nodes) {
    const node = tb.nodes[names.testbed(n.name)]!;
    check(n.name, node.devices[n.eth0.name], n.eth0);
    check(n.name, node.devices[n.vxlan0.name], n.vxlan0);
  }
  for (const p of plan.pods) {
    check(p.node, tb.nodes[names.testbed(p.node)]!.devices[p.lxc.name], p.lxc);
    check(`pod:${p.name}`, tb.pods[names.testbed(`pod:${p.name}`)]!.devices[p.eth0.name], p.eth0);
  }
  for (const w of plan.world) check(`world:${w.name}`, tb.world[names.testbed(`world:${w.name}`)]!.devices[w.eth0.name], w.eth0);
  if (wrong.length) throw new Error(`the testbed's devices differ from the plan: ${wrong.join('; ')}`);
}
