// One interface, two implementations: the emulated topology (VM + a model of the kernel between
// the hooks) and the kernel (network namespaces, real tc hooks). The scenario runner drives
// both with the same plan and the same resolved traffic steps, and compares what they saw.

import type { ClusterPlan } from '../agent/plan-types.js';
import type { MapsJson } from '../maps/index.js';

/** Where a packet was seen: a device in a namespace, in one direction. */
export interface ObservationPoint {
  /** "node1", "pod:client", "world:internet", "underlay". */
  place: string;
  device: string;
  direction: 'ingress' | 'egress';
}

export function pointName(p: ObservationPoint): string {
  return `${p.place}/${p.device}:${p.direction}`;
}

/** A traffic step with every address and port fixed (deterministic on both backends). */
export type ResolvedStep =
  | { kind: 'ping'; index: number; from: string; toIp: string; count: number; icmpId: number }
  | { kind: 'tcp'; index: number; from: string; toIp: string; port: number; sport: number; bytes: number }
  | { kind: 'udp'; index: number; from: string; toIp: string; port: number; sport: number; bytes: number }
  | { kind: 'packet'; index: number; at: { place: string; device: string; direction: 'ingress' | 'egress' }; frames: Uint8Array[] };

/** A datapath drop seen during a step (decoded from the datapath's drop notify events). */
export interface DropRecord {
  node: string;
  reason: number;
  /** Where the program ran: device and hook. */
  device: string;
  ifindex: number;
}

export interface StepResult {
  index: number;
  /** Packets (or connection attempts) sent. */
  sent: number;
  /** ping: echo replies; tcp: 1 if the connection was established and the data echoed back; udp: answers. */
  replies: number;
  /** The destination application received the traffic (echo request / TCP data / datagram). */
  delivered: boolean;
  /** The source address the destination saw (after any NAT). */
  sourceSeen?: string;
  /** The pod that answered (for services). */
  backend?: string;
  drops: DropRecord[];
  /** Free text for reports (e.g. a client's error). */
  note?: string;
}

export interface CapturedPacket {
  point: string; // pointName(...)
  /** Virtual (emulator) or capture (kernel) time in ns since the run started; not compared. */
  timeNs: number;
  frame: Uint8Array;
  /** Which step was running. */
  step: number;
}

export interface BackendRun {
  backend: 'emu' | 'kernel';
  steps: StepResult[];
  packets: CapturedPacket[];
  /** Map contents per node and object after the run (for NAT/conntrack comparison). */
  maps: Record<string, Record<string, MapsJson>>;
  /** Raw datapath events per node (perf samples of cilium_events), for flows. */
  events: { node: string; step: number; data: Uint8Array }[];
  timings: { setupMs: number; runMs: number; teardownMs: number };
  /** The emulator's VM engine (interp, wasm, or both when objects differ). */
  engine?: string;
  /** The datapath's clock (bpf_ktime_get_ns, in seconds) when the maps were dumped. */
  clockS?: number;
}

export interface Backend {
  readonly name: 'emu' | 'kernel';
  /** Build the topology, load and configure the datapath, attach programs. */
  setup(plan: ClusterPlan): Promise<void>;
  runStep(step: ResolvedStep): Promise<StepResult>;
  /** Everything observed so far, and map dumps taken now. */
  collect(): Promise<Omit<BackendRun, 'timings'>>;
  teardown(): Promise<void>;
}

/** The environment cannot run this backend (no root, no BPF, a tool missing): exit 4. */
export class BackendUnavailable extends Error {}
