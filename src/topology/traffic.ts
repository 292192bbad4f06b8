// Running one resolved traffic step on the emulated topology, in virtual time, with the
// clients the kernel backend runs (src/backends/kernel-traffic.ts) and the same reading of
// the outcome (docs/scenario-runtime.md):
// - ping: iputils, one request every 0.2 s (-i 0.2), the last waited for 1 s (-W 1);
//   delivered = another stack received an echo request;
// - tcp: socat, connect timeout 0.9 s (so a refused or dropped SYN is sent once), the
//   payload, FIN once the echo is back or 1 s after writing (-t 1);
// - udp: socat on a connected socket, 1 s for the answer;
// - packet: frames written at a device (egress: its tc egress runs) or, for ingress, at its
//   veth peer.
// delivered/sourceSeen/backend come from the echo servers: the first server contact of the
// step; backend only when that server is a pod. At the end of a step its clients are gone
// and every TCP connection is dropped silently.

import type { DropRecord, ResolvedStep, StepResult } from '../backends/types.js';
import { ip4, ip4Text, rd16, type Ip4 } from './addr.js';
import type { StepListener, Topology } from './topology.js';
import type { EchoEvent, IcmpErrorEvent } from './icmp.js';
import { PingClient, TcpClient, UdpClient } from './clients.js';
import { newSkb } from './skb-util.js';
import { MS, SEC } from './scheduler.js';
import { ETH_HLEN } from './wire.js';
import type { IpStack } from './ip-stack.js';

export interface TrafficTiming {
  pingIntervalNs: number;
  pingWaitNs: number;
  tcpConnectNs: number;
  /** socat -t: how long a client waits for the echo after writing. */
  echoWaitNs: number;
  packetWaitNs: number;
  /** After a step's goal is reached: time for packets still in flight to land. */
  settleNs: number;
}

export const DEFAULT_TIMING: TrafficTiming = {
  pingIntervalNs: 200 * MS, pingWaitNs: 1 * SEC, tcpConnectNs: 900 * MS, echoWaitNs: 1 * SEC, packetWaitNs: 1 * SEC, settleNs: 50 * MS,
};

const ICMP_NAMES: Record<string, string> = {
  '3/0': 'net unreachable', '3/1': 'host unreachable', '3/2': 'protocol unreachable', '3/3': 'port unreachable',
  '3/4': 'fragmentation needed', '11/0': 'time exceeded',
};

interface ServerHit { place: string; peer: Ip4; data: boolean }

/** What the step has seen so far. */
class Progress implements StepListener {
  readonly notes: string[] = [];
  readonly hits: ServerHit[] = [];
  echoDelivered = false;

  constructor(private readonly from: string) {}

  echoRequest(e: EchoEvent): void {
    if (e.place !== this.from) this.echoDelivered = true;
  }

  serverContact(place: string, peer: Ip4): void {
    this.hits.push({ place, peer, data: false });
  }

  serverBytes(place: string, bytes: number): void {
    const hit = [...this.hits].reverse().find((h) => h.place === place);
    if (hit && bytes > 0) hit.data = true;
  }

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  icmpError(e: IcmpErrorEvent): void {
    this.note(`ICMP ${ICMP_NAMES[`${e.type}/${e.code}`] ?? `type ${e.type} code ${e.code}`} from ${ip4Text(e.from)}`);
  }

  /** sourceSeen and backend from the first server contact. */
  seen(): Pick<StepResult, 'sourceSeen' | 'backend'> {
    const first = this.hits[0];
    if (!first) return {};
    return { sourceSeen: ip4Text(first.peer), ...(first.place.startsWith('pod:') ? { backend: first.place.slice(4) } : {}) };
  }
}

type Outcome = Omit<StepResult, 'index' | 'drops'>;

export function runStep(t: Topology, step: ResolvedStep, timing: TrafficTiming): StepResult {
  t.capture.step = t.kernelLog.step = t.datapathLog.step = step.index;
  const progress = new Progress(step.kind === 'packet' ? '' : (t.host(step.from)?.place ?? step.from));
  t.listener = progress;
  let outcome: Outcome;
  try {
    outcome = step.kind === 'packet' ? inject(t, step, timing, progress) : runClient(t, step, timing, progress);
  } finally {
    t.listener = null;
    for (const h of t.hosts.values()) h.stack.tcp.abortAll();
    for (const s of t.nodeStacks.values()) s.tcp.abortAll();
  }
  const mine = t.datapathLog.drops.filter((d) => d.step === step.index);
  const drops: DropRecord[] = mine.map((d) => ({ node: d.node, reason: d.reason, device: d.device, ifindex: d.ifindex }));
  const faults = [...new Set(mine.filter((d) => d.note).map((d) => `datapath fault on ${d.node}: ${d.note}`))];
  const notes = [...progress.notes, ...faults, ...t.kernelLog.summary(step.index).map((s) => `kernel: ${s}`)];
  return { index: step.index, ...outcome, drops, ...(notes.length ? { note: notes.join('; ') } : {}) };
}

function runClient(t: Topology, step: Exclude<ResolvedStep, { kind: 'packet' }>, timing: TrafficTiming, progress: Progress): Outcome {
  const host = t.host(step.from);
  if (!host) {
    progress.note(`no pod or world host ${step.from}`);
    return { sent: 0, replies: 0, delivered: false };
  }
  const start = t.sched.now;
  const onError = (e: IcmpErrorEvent) => progress.icmpError(e);
  host.stack.icmp.errorListeners.push(onError);
  try {
    switch (step.kind) {
      case 'ping': return ping(t, host.stack, step, timing, progress, start);
      case 'tcp': return tcp(t, host.stack, step, timing, progress);
      case 'udp': return udp(t, host.stack, step, timing, progress, start);
    }
  } finally {
    host.stack.icmp.errorListeners.splice(host.stack.icmp.errorListeners.indexOf(onError), 1);
  }
}

const settle = (t: Topology, timing: TrafficTiming) => t.sched.run(t.sched.now + timing.settleNs);

function ping(t: Topology, stack: IpStack, step: Extract<ResolvedStep, { kind: 'ping' }>, timing: TrafficTiming, progress: Progress, start: number): Outcome {
  const client = new PingClient(stack, ip4(step.toIp), step.icmpId, progress);
  client.start(step.count, timing.pingIntervalNs);
  const deadline = start + Math.max(0, step.count - 1) * timing.pingIntervalNs + timing.pingWaitNs;
  t.sched.run(deadline, () => client.failed || (client.sent === step.count && client.replies === step.count));
  settle(t, timing);
  client.stop();
  return { sent: client.sent, replies: client.replies, delivered: progress.echoDelivered };
}

function tcp(t: Topology, stack: IpStack, step: Extract<ResolvedStep, { kind: 'tcp' }>, timing: TrafficTiming, progress: Progress): Outcome {
  const client = new TcpClient(stack, progress);
  client.start(step.sport, ip4(step.toIp), step.port, step.bytes, { connectNs: timing.tcpConnectNs, waitNs: timing.echoWaitNs });
  // Connect, then the echo wait, then the close handshake: bounded by their sum (+1 s of FIN retransmission).
  t.sched.run(t.sched.now + timing.tcpConnectNs + timing.echoWaitNs + 1 * SEC, () => client.finished);
  settle(t, timing);
  const replies = client.connected && client.echoed >= step.bytes ? 1 : 0;
  if (client.connected && replies === 0) progress.note(`client got ${client.echoed} of ${step.bytes} bytes back`);
  const delivered = progress.hits.some((h) => h.data || step.bytes === 0);
  return { sent: 1, replies, delivered, ...progress.seen() };
}

function udp(t: Topology, stack: IpStack, step: Extract<ResolvedStep, { kind: 'udp' }>, timing: TrafficTiming, progress: Progress, start: number): Outcome {
  const client = new UdpClient(stack, progress);
  let sent = false;
  try {
    sent = client.start(step.sport, ip4(step.toIp), step.port, step.bytes);
    if (sent) t.sched.run(start + timing.echoWaitNs, () => client.replies > 0 || client.refused);
    settle(t, timing);
  } catch (e) {
    progress.note(`client: ${(e as Error).message}`);
  } finally {
    client.stop(step.sport);
  }
  return { sent: sent ? 1 : 0, replies: client.replies, delivered: progress.hits.length > 0, ...progress.seen() };
}

/** Raw frames written with an AF_PACKET socket: at the device (egress), or at its veth peer (ingress). */
function inject(t: Topology, step: Extract<ResolvedStep, { kind: 'packet' }>, timing: TrafficTiming, progress: Progress): Outcome {
  const dev = t.device(step.at.place, step.at.device);
  if (!dev) {
    progress.note(`no device ${step.at.place}/${step.at.device}`);
    return { sent: 0, replies: 0, delivered: false };
  }
  const out = step.at.direction === 'egress' ? dev : dev.peer;
  if (!out) {
    progress.note(`cannot inject at ${step.at.device} ingress: only veth devices have a peer to write at`);
    return { sent: 0, replies: 0, delivered: false };
  }
  const start = t.sched.now;
  let sent = 0;
  for (const frame of step.frames) {
    // dev_validate_header: an Ethernet device takes at least its 14-byte header.
    if (frame.length < ETH_HLEN) {
      progress.note(`a ${frame.length}-byte frame was refused (shorter than an Ethernet header)`);
      continue;
    }
    const type = rd16(frame, 12);
    t.net.transmit(out, newSkb(frame, type >= 0x600 ? type : 0));
    sent++;
  }
  t.sched.run(start + timing.packetWaitNs, () => t.sched.nextAt() === undefined);
  return { sent, replies: 0, delivered: false };
}
