// The netns testbed: builds the namespaces, veths, underlay bridge and VXLAN devices of a
// TestbedSpec and hands back a Testbed with every device's ifindex and MAC. Teardown is
// idempotent and also runs on SIGINT/SIGTERM/SIGHUP and process exit. See docs/testbed.md.
import { mkdirSync } from 'node:fs';
import type { Stoppable } from './background.js';
import { executePlan } from './build.js';
import type { Device } from './devices.js';
import { allNetns, layoutOf, type Layout } from './layout.js';
import { registerRun, unregisterRun } from './live-runs.js';
import { NodeLoader } from './loader.js';
import { defaultWorkDir } from './names.js';
import { planOf } from './plan.js';
import { claimRunId, releaseRunId } from './run-id.js';
import type { TestbedSpec } from './spec.js';
import { removeRunSync } from './teardown.js';

export interface NamespaceHandle {
  /** The network namespace's name (/run/netns/NAME). */
  netns: string;
  devices: Record<string, Device>;
}

export interface PodHandle extends NamespaceHandle {
  name: string;
  node: string;
  /** Without prefix. */
  ip: string;
  mac: string;
  mtu: number;
  eth0: Device;
  /** The node-side veth (in the node's namespace). */
  lxc: Device;
}

export interface NodeHandle extends NamespaceHandle {
  name: string;
  /** Without prefix. */
  underlayIp: string;
  podCidr: string;
  routerIp: string;
  /** Where the node's dpsim-loader pins: /sys/fs/bpf/dpsim-RUN/NODE. */
  pinDir: string;
  eth0: Device;
  vxlan0: Device;
  /** Node-side veth of each local pod, by pod name. */
  lxc: Record<string, Device>;
}

export interface WorldHandle extends NamespaceHandle {
  name: string;
  ip: string;
  eth0: Device;
}

export interface UnderlayHandle extends NamespaceHandle {
  bridge: Device;
}

function device(devices: Map<string, Record<string, Device>>, netns: string, name: string): Device {
  const d = devices.get(netns)?.[name];
  if (!d) throw new Error(`device ${name} missing in ${netns} after set-up`);
  return d;
}

export class Testbed {
  readonly nodes: Record<string, NodeHandle> = {};
  readonly pods: Record<string, PodHandle> = {};
  readonly world: Record<string, WorldHandle> = {};
  underlay!: UnderlayHandle;
  readonly timings: { setupMs: number; stageMs: Record<string, number>; teardownMs?: number } = { setupMs: 0, stageMs: {} };
  private readonly processes = new Set<Stoppable>();
  private readonly loaders = new Map<string, Promise<NodeLoader>>();
  private tornDown = false;

  private constructor(
    readonly runId: string,
    readonly layout: Layout,
    readonly workDir: string,
    private readonly ownsWorkDir: boolean,
  ) {}

  /** Builds the testbed; on any failure everything created so far is removed again. */
  static async create(spec: TestbedSpec): Promise<Testbed> {
    const start = performance.now();
    const runId = claimRunId(spec.runId);
    let tb: Testbed;
    try {
      const layout = layoutOf(spec, runId);
      const workDir = spec.options?.workDir ?? defaultWorkDir(runId);
      tb = new Testbed(runId, layout, workDir, spec.options?.workDir === undefined);
    } catch (err) {
      releaseRunId(runId);
      throw err;
    }
    registerRun(tb); // from here on, a signal or crash tears down whatever exists
    try {
      mkdirSync(tb.workDir, { recursive: true, mode: 0o700 });
      const built = await executePlan(planOf(tb.layout));
      tb.fillHandles(built.devices);
      tb.timings.stageMs = built.stageMs;
    } catch (err) {
      tb.teardownSync();
      throw err;
    }
    tb.timings.setupMs = Math.round(performance.now() - start);
    return tb;
  }

  private fillHandles(devices: Map<string, Record<string, Device>>): void {
    const l = this.layout;
    const ul = devices.get(l.underlayNetns) ?? {};
    this.underlay = { netns: l.underlayNetns, devices: ul, bridge: device(devices, l.underlayNetns, 'br0') };
    for (const n of l.nodes) {
      const nodeDevices = devices.get(n.netns) ?? {};
      this.nodes[n.spec.name] = {
        name: n.spec.name, netns: n.netns, devices: nodeDevices,
        underlayIp: n.underlay.ip, podCidr: n.spec.podCidr, routerIp: n.spec.routerIp, pinDir: n.pinDir,
        eth0: device(devices, n.netns, 'eth0'), vxlan0: device(devices, n.netns, 'vxlan0'),
        lxc: Object.fromEntries(n.pods.map((p) => [p.spec.name, device(devices, n.netns, p.lxc)])),
      };
      for (const p of n.pods) {
        this.pods[p.spec.name] = {
          name: p.spec.name, node: n.spec.name, netns: p.netns, devices: devices.get(p.netns) ?? {},
          ip: p.cidr.ip, mac: p.mac, mtu: p.mtu,
          eth0: device(devices, p.netns, 'eth0'), lxc: device(devices, n.netns, p.lxc),
        };
      }
    }
    for (const w of l.world) {
      this.world[w.spec.name] = { name: w.spec.name, netns: w.netns, devices: devices.get(w.netns) ?? {}, ip: w.cidr.ip, eth0: device(devices, w.netns, 'eth0') };
    }
  }

  /** Every namespace of this run. */
  get namespaces(): string[] {
    return allNetns(this.layout);
  }

  get isTornDown(): boolean {
    return this.tornDown;
  }

  /** The namespace of a pod, world host or node (names are unique across them), or "underlay". */
  netnsOf(place: string): string {
    const ns = place === 'underlay' ? this.underlay.netns : (this.pods[place] ?? this.world[place] ?? this.nodes[place])?.netns;
    if (!ns) throw new Error(`no pod, world host or node named ${place} in testbed ${this.runId}`);
    return ns;
  }

  /** The address of a pod or world host, or a node's underlay address; an IPv4 address stays as is. */
  ipOf(placeOrIp: string): string {
    if (/^\d+\.\d+\.\d+\.\d+$/.test(placeOrIp)) return placeOrIp;
    const ip = this.pods[placeOrIp]?.ip ?? this.world[placeOrIp]?.ip ?? this.nodes[placeOrIp]?.underlayIp;
    if (!ip) throw new Error(`no pod, world host or node named ${placeOrIp} in testbed ${this.runId}`);
    return ip;
  }

  /**
   * The other end of a veth: injecting a frame there makes it arrive at DEV's ingress.
   * Pods' eth0 ↔ their lxc; nodes' and world hosts' eth0 ↔ their underlay bridge port.
   */
  peerOf(place: string, dev: string): { place: string; netns: string; dev: string } {
    const l = this.layout;
    for (const n of l.nodes) {
      if (place === n.spec.name && dev === 'eth0') return { place: 'underlay', netns: l.underlayNetns, dev: n.underlayPort };
      if (place === 'underlay' && dev === n.underlayPort) return { place: n.spec.name, netns: n.netns, dev: 'eth0' };
      for (const p of n.pods) {
        if (place === p.spec.name && dev === 'eth0') return { place: n.spec.name, netns: n.netns, dev: p.lxc };
        if (place === n.spec.name && dev === p.lxc) return { place: p.spec.name, netns: p.netns, dev: 'eth0' };
      }
    }
    for (const w of l.world) {
      if (place === w.spec.name && dev === 'eth0') return { place: 'underlay', netns: l.underlayNetns, dev: w.underlayPort };
      if (place === 'underlay' && dev === w.underlayPort) return { place: w.spec.name, netns: w.netns, dev: 'eth0' };
    }
    throw new Error(`${place}/${dev} is not a veth of testbed ${this.runId}`);
  }

  /** The node's dpsim-loader, started on first use; teardown cleans it up. */
  loader(node: string): Promise<NodeLoader> {
    const n = this.nodes[node];
    if (!n) return Promise.reject(new Error(`no node ${node} in testbed ${this.runId}`));
    if (this.tornDown) return Promise.reject(new Error(`testbed ${this.runId} is torn down`));
    let loader = this.loaders.get(node);
    if (!loader) {
      loader = NodeLoader.start(n.netns, n.pinDir, this.workDir).then((l) => (this.track(l), l));
      this.loaders.set(node, loader);
    }
    return loader;
  }

  /** Background processes teardown must stop (traffic.ts and capture.ts register theirs). */
  track(p: Stoppable): void {
    this.processes.add(p);
  }

  untrack(p: Stoppable): void {
    this.processes.delete(p);
  }

  /** Graceful: loaders detach and unpin, then everything is removed. Returns what was removed. */
  async teardown(): Promise<string[]> {
    if (this.tornDown) return [];
    const start = performance.now();
    await Promise.all([...this.loaders.values()].map(async (pending) => {
      try {
        const loader = await pending;
        await loader.cleanup();
        await loader.close();
        this.untrack(loader);
      } catch {
        // a dead loader: its pins and links go with the folder and namespaces below
      }
    }));
    const removed = this.teardownSync();
    this.timings.teardownMs = Math.round(performance.now() - start);
    return removed;
  }

  /** Immediate (SIGKILL to helpers), for signal and exit handlers. Safe to repeat. */
  teardownSync(): string[] {
    if (this.tornDown) return [];
    const start = performance.now();
    this.tornDown = true;
    const removed = removeRunSync({
      runId: this.runId,
      namespaces: this.namespaces,
      ...(this.ownsWorkDir ? { workDir: this.workDir } : {}),
      processes: this.processes,
    });
    this.processes.clear();
    unregisterRun(this);
    this.timings.teardownMs ??= Math.round(performance.now() - start);
    return removed;
  }
}

export const createTestbed = (spec: TestbedSpec): Promise<Testbed> => Testbed.create(spec);
