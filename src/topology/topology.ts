// The emulated cluster built from a ClusterPlan (docs/scenario-runtime.md): a namespace
// per node, pod and world host plus the underlay bridge; the plan's devices, ifindexes,
// MACs and MTUs; routes and permanent underlay neighbours; the datapath objects loaded
// per node and attached at their tc hooks; echo servers on the listen ports.

import type { ClusterPlan, DevicePlan } from '../agent/plan-types.js';
import type { ObjectSpec } from '../elf/index.js';
import { Prng } from '../vm/env.js';
import { cidr, ip4, mac, type Ip4 } from './addr.js';
import { Namespace, vethPair, type Device } from './device.js';
import { Scheduler } from './scheduler.js';
import { CaptureLog } from './capture.js';
import { KernelLog } from './kernel-log.js';
import { NetCore } from './netcore.js';
import { IpStack } from './ip-stack.js';
import { VxlanDriver } from './vxlan.js';
import { Bridge } from './bridge.js';
import { DatapathLog, NodeDatapath } from './datapath.js';
import { loadObject } from './load-objects.js';
import { listenTcpEcho, listenUdpEcho } from './servers.js';
import type { AppObserver } from './app.js';
import type { EchoEvent } from './icmp.js';

export interface TopologyOptions {
  seed: number;
  /** CLOCK_MONOTONIC at the start of the run. */
  startNs: number;
  /** Time a frame takes through a veth. */
  hopDelayNs: number;
  /** VM instruction budget per program run (tests use a tiny one to provoke a fault). */
  insnBudget?: number;
  /** Also capture at the underlay bridge's ports (not devices of the plan; the kernel backend does not). */
  captureUnderlay?: boolean;
}

export interface Host {
  name: string;
  /** "pod:client", "world:internet". */
  place: string;
  kind: 'pod' | 'world';
  ip: Ip4;
  stack: IpStack;
}

/** What a running step listens to. */
export interface StepListener extends AppObserver {
  echoRequest(e: EchoEvent): void;
}

export class Topology {
  readonly sched: Scheduler;
  readonly capture: CaptureLog;
  readonly kernelLog: KernelLog;
  readonly datapathLog = new DatapathLog();
  readonly net: NetCore;
  readonly rng: Prng;
  readonly namespaces = new Map<string, Namespace>();
  readonly nodeStacks = new Map<string, IpStack>();
  readonly datapaths = new Map<string, NodeDatapath>();
  readonly hosts = new Map<string, Host>();
  bridge!: Bridge;
  listener: StepListener | null = null;

  private constructor(readonly plan: ClusterPlan, readonly opts: TopologyOptions) {
    this.sched = new Scheduler(opts.startNs);
    const clock = () => this.sched.now;
    this.capture = new CaptureLog(clock, opts.startNs, (dev) => opts.captureUnderlay === true || dev.ns.place !== 'underlay');
    this.kernelLog = new KernelLog(clock);
    this.net = new NetCore(this.sched, this.capture, this.kernelLog, opts.hopDelayNs);
    this.rng = new Prng(opts.seed);
  }

  static build(plan: ClusterPlan, specs: Map<string, ObjectSpec>, opts: TopologyOptions): Topology {
    const t = new Topology(plan, opts);
    t.buildUnderlay();
    for (const n of plan.nodes) t.buildNode(n.name);
    for (const p of plan.pods) t.buildPod(p.name);
    for (const w of plan.world) t.buildWorld(w.name);
    t.addUnderlayNeighbours();
    for (const n of plan.nodes) t.loadDatapath(n.name, specs);
    return t;
  }

  /** Each namespace's place name, as captures name it. */
  static podPlace = (name: string) => `pod:${name}`;
  static worldPlace = (name: string) => `world:${name}`;

  /** A pod or world host by place ("pod:client") or bare name ("client"). */
  host(ref: string): Host | undefined {
    return this.hosts.get(ref) ?? this.hosts.get(Topology.podPlace(ref)) ?? this.hosts.get(Topology.worldPlace(ref));
  }

  device(place: string, name: string): Device | undefined {
    return this.namespaces.get(place)?.byName(name);
  }

  private ns(place: string): Namespace {
    const ns = new Namespace(place);
    this.namespaces.set(place, ns);
    return ns;
  }

  private add(ns: Namespace, d: DevicePlan, kind: 'veth' | 'vxlan'): Device {
    return ns.addDevice(d.name, d.ifindex, mac(d.mac), d.mtu, kind);
  }

  private stack(ns: Namespace): IpStack {
    const s = new IpStack(ns, this.net, this.rng);
    s.icmp.onEchoRequest = (e) => this.listener?.echoRequest(e);
    return s;
  }

  private buildUnderlay(): void {
    const ns = this.ns('underlay');
    const br0 = ns.addDevice('br0', 2, mac('02:00:00:ff:00:01'), 1500, 'bridge');
    this.bridge = new Bridge(br0, this.net);
  }

  /** A bridge port in the underlay joined to `far` (a node's or world host's eth0). */
  private underlayPort(name: string, far: Device): void {
    const ns = this.namespaces.get('underlay')!;
    const idx = ns.devices.length + 2;
    const port = ns.addDevice(name, idx, Uint8Array.from([0x02, 0, 0, 0xfe, (idx >> 8) & 0xff, idx & 0xff]), far.mtu, 'veth');
    vethPair(far, port);
    this.bridge.enslave(port);
    this.bridge.addStatic(far.mac, port);
  }

  private buildNode(name: string): void {
    const n = this.plan.nodes.find((x) => x.name === name)!;
    const ns = this.ns(n.name);
    const stack = this.stack(ns);
    stack.forwarding = true;
    this.nodeStacks.set(n.name, stack);
    const eth0 = this.add(ns, n.eth0, 'veth');
    const vxlan0 = this.add(ns, n.vxlan0, 'vxlan');
    stack.addAddress(eth0, ip4(n.ip), cidr(this.plan.underlay.cidr).len);
    new VxlanDriver(vxlan0, stack, this.plan.vxlanPort, this.rng.nextU32());
    // World hosts share the segment: on-link /32s (as the testbed adds them).
    for (const w of this.plan.world) stack.addRoute({ net: ip4(w.ip), len: 32, dev: eth0 });
    this.underlayPort(`n-${n.name}`, eth0);
  }

  private buildPod(name: string): void {
    const p = this.plan.pods.find((x) => x.name === name)!;
    const node = this.plan.nodes.find((x) => x.name === p.node);
    const nodeNs = this.namespaces.get(p.node);
    if (!node || !nodeNs) throw new Error(`pod ${p.name}: no node ${p.node}`);
    const ns = this.ns(Topology.podPlace(p.name));
    const stack = this.stack(ns);
    const eth0 = this.add(ns, p.eth0, 'veth');
    const lxc = this.add(nodeNs, p.lxc, 'veth');
    vethPair(eth0, lxc);
    const ip = ip4(p.ip);
    const router = ip4(node.routerIp);
    stack.addAddress(eth0, ip, 32);
    stack.addRoute({ net: router, len: 32, dev: eth0, src: ip });
    stack.addRoute({ net: 0, len: 0, dev: eth0, gateway: router, src: ip });
    this.nodeStacks.get(p.node)!.addRoute({ net: ip, len: 32, dev: lxc });
    this.addServers(ns.place, stack, p.listen);
    this.hosts.set(ns.place, { name: p.name, place: ns.place, kind: 'pod', ip, stack });
  }

  private buildWorld(name: string): void {
    const w = this.plan.world.find((x) => x.name === name)!;
    const ns = this.ns(Topology.worldPlace(w.name));
    const stack = this.stack(ns);
    const eth0 = this.add(ns, w.eth0, 'veth');
    const ip = ip4(w.ip);
    stack.addAddress(eth0, ip, 32);
    // The testbed's world host: its /32 and the underlay on-link.
    const underlay = cidr(this.plan.underlay.cidr);
    stack.addRoute({ net: underlay.net, len: underlay.len, dev: eth0, src: ip });
    this.underlayPort(`w-${w.name}`, eth0);
    this.addServers(ns.place, stack, w.listen);
    this.hosts.set(ns.place, { name: w.name, place: ns.place, kind: 'world', ip, stack });
  }

  private addServers(host: string, stack: IpStack, listen: { port: number; protocol: 'TCP' | 'UDP' }[]): void {
    for (const l of listen) {
      if (l.protocol === 'TCP') listenTcpEcho(stack, host, l.port, () => this.listener);
      else listenUdpEcho(stack, host, l.port, () => this.listener);
    }
  }

  /** Every node and world host knows every other one's MAC permanently: no ARP on the underlay. */
  private addUnderlayNeighbours(): void {
    const peers = [
      ...this.plan.nodes.map((n) => ({ place: n.name, ip: ip4(n.ip), mac: mac(n.eth0.mac) })),
      ...this.plan.world.map((w) => ({ place: Topology.worldPlace(w.name), ip: ip4(w.ip), mac: mac(w.eth0.mac) })),
    ];
    for (const me of peers) {
      const ns = this.namespaces.get(me.place)!;
      const eth0 = ns.byName('eth0')!;
      for (const other of peers) if (other !== me) (ns.l3 as IpStack).neigh.addPermanent(eth0, other.ip, other.mac);
    }
  }

  private loadDatapath(nodeName: string, specs: Map<string, ObjectSpec>): void {
    const n = this.plan.nodes.find((x) => x.name === nodeName)!;
    const ns = this.namespaces.get(n.name)!;
    const stack = this.nodeStacks.get(n.name)!;
    const dp = new NodeDatapath(n.name, ns, this.datapathLog, () => this.sched.now, () => stack.fib());
    for (const o of n.objects) {
      const spec = specs.get(o.file);
      if (!spec) throw new Error(`node ${n.name}: object ${o.file} was not loaded`);
      dp.objects.set(o.file, loadObject(spec, o, { seed: this.rng.nextU32(), ...(this.opts.insnBudget !== undefined ? { budget: this.opts.insnBudget } : {}) }));
    }
    for (const a of n.attachments) {
      const dev = ns.byName(a.device);
      if (!dev) throw new Error(`node ${n.name}: attachment ${a.program} to unknown device ${a.device}`);
      dev.hooks[a.direction] = dp.hook(a.object, a.program);
    }
    this.datapaths.set(n.name, dp);
  }
}
