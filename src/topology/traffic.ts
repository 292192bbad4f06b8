// Running one resolved traffic step on the emulated topology, in virtual time, and
// reporting it as the contract says (docs/scenario-runtime.md). Timing follows the tools
// the kernel testbed runs: ping sends every second and waits 1 s for the last reply (-W 1);
// TCP gives up after 3 s (SYN retransmitted at 1 s); UDP waits 1 s for the answer. At the
// end of a step its applications are gone: their sockets close silently (no FIN/RST).

import type { DropRecord, ResolvedStep, StepResult } from '../backends/types.js';
import { ethTypeTrans } from '../vm/skb.js';
import { ip4, ip4Text, rd16, type Ip4 } from './addr.js';
import type { Topology, StepListener } from './topology.js';
import type { EchoEvent, IcmpErrorEvent } from './icmp.js';
import { PingClient, TcpClient, UdpClient } from './apps.js';
import { newSkb } from './skb-util.js';
import { MS, SEC } from './scheduler.js';
import { ETH_HLEN } from './wire.js';
import type { IpStack } from './ip-stack.js';

export interface TrafficTiming {
  pingIntervalNs: number;
  pingWaitNs: number;
  tcpTimeoutNs: number;
  udpWaitNs: number;
  packetWaitNs: number;
  /** After a step's goal is reached: time for packets still in flight to land. */
  settleNs: number;
}

export const DEFAULT_TIMING: TrafficTiming = {
  pingIntervalNs: 1 * SEC, pingWaitNs: 1 * SEC, tcpTimeoutNs: 3 * SEC, udpWaitNs: 1 * SEC, packetWaitNs: 1 * SEC, settleNs: 5 * MS,
};

const ICMP_NAMES: Record<string, string> = {
  '3/0': 'net unreachable', '3/1': 'host unreachable', '3/2': 'protocol unreachable', '3/3': 'port unreachable',
  '3/4': 'fragmentation needed', '11/0': 'time exceeded',
};

/** What the step has seen so far. */
class Progress implements StepListener {
  readonly notes: string[] = [];
  delivered = false;
  bytesAtServer = 0;
  sourceSeen: string | undefined;
  backend: string | undefined;

  constructor(private readonly icmpId: number | null) {}

  echoRequest(e: EchoEvent): void {
    if (this.icmpId !== null && e.id === this.icmpId) this.delivered = true;
  }

  serverContact(host: string, peer: Ip4): void {
    this.backend ??= host;
    this.sourceSeen ??= ip4Text(peer);
  }

  serverBytes(_host: string, bytes: number): void {
    this.bytesAtServer += bytes;
  }

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  icmpError(e: IcmpErrorEvent): void {
    this.note(`ICMP ${ICMP_NAMES[`${e.type}/${e.code}`] ?? `type ${e.type} code ${e.code}`} from ${ip4Text(e.from)}`);
  }
}

export function runStep(t: Topology, step: ResolvedStep, timing: TrafficTiming): StepResult {
  t.capture.step = t.kernelLog.step = t.datapathLog.step = step.index;
  const progress = new Progress(step.kind === 'ping' ? step.icmpId : null);
  t.listener = progress;
  let partial: Omit<StepResult, 'index' | 'drops'>;
  try {
    partial = step.kind === 'packet' ? inject(t, step, timing, progress) : runClient(t, step, timing, progress);
  } finally {
    t.listener = null;
    for (const h of t.hosts.values()) h.stack.tcp.abortAll();
    for (const s of t.nodeStacks.values()) s.tcp.abortAll();
  }
  const drops: DropRecord[] = t.datapathLog.drops
    .filter((d) => d.step === step.index)
    .map((d) => ({ node: d.node, reason: d.reason, device: d.device, ifindex: d.ifindex }));
  const faults = t.datapathLog.drops.filter((d) => d.step === step.index && d.note).map((d) => `datapath fault on ${d.node}: ${d.note}`);
  const kernel = t.kernelLog.summary(step.index).map((s) => `kernel: ${s}`);
  const notes = [...(partial.note ? [partial.note] : []), ...faults, ...kernel];
  return { index: step.index, ...partial, drops, ...(notes.length ? { note: notes.join('; ') } : { note: undefined }) } as StepResult;
}

function runClient(t: Topology, step: Exclude<ResolvedStep, { kind: 'packet' }>, timing: TrafficTiming, progress: Progress): Omit<StepResult, 'index' | 'drops'> {
  const host = t.hosts.get(step.from);
  if (!host) return { sent: 0, replies: 0, delivered: false, note: `no pod or world host named ${step.from}` };
  const start = t.sched.now;
  const onError = (e: IcmpErrorEvent) => progress.icmpError(e);
  host.stack.icmp.errorListeners.push(onError);
  try {
    switch (step.kind) {
      case 'ping': return ping(t, host.stack, step, timing, progress, start);
      case 'tcp': return tcp(t, host.stack, step, timing, progress, start);
      case 'udp': return udp(t, host.stack, step, timing, progress, start);
    }
  } finally {
    host.stack.icmp.errorListeners.splice(host.stack.icmp.errorListeners.indexOf(onError), 1);
  }
}

const settle = (t: Topology, timing: TrafficTiming) => t.sched.run(t.sched.now + timing.settleNs);
const notes = (p: Progress) => (p.notes.length ? { note: p.notes.join('; ') } : {});
const seen = (p: Progress) => ({ ...(p.sourceSeen !== undefined ? { sourceSeen: p.sourceSeen } : {}), ...(p.backend !== undefined ? { backend: p.backend } : {}) });

function ping(t: Topology, stack: IpStack, step: Extract<ResolvedStep, { kind: 'ping' }>, timing: TrafficTiming, progress: Progress, start: number) {
  const client = new PingClient(stack, ip4(step.toIp), step.icmpId, progress);
  client.start(step.count, timing.pingIntervalNs);
  const deadline = start + Math.max(0, step.count - 1) * timing.pingIntervalNs + timing.pingWaitNs;
  t.sched.run(deadline, () => client.failed || (client.sent === step.count && client.replies === step.count));
  settle(t, timing);
  client.stop();
  return { sent: client.sent, replies: client.replies, delivered: progress.delivered, ...notes(progress) };
}

function tcp(t: Topology, stack: IpStack, step: Extract<ResolvedStep, { kind: 'tcp' }>, timing: TrafficTiming, progress: Progress, start: number) {
  const client = new TcpClient(stack, progress);
  client.start(step.sport, ip4(step.toIp), step.port, step.bytes);
  t.sched.run(start + timing.tcpTimeoutNs, () => client.finished);
  settle(t, timing);
  if (!client.finished && !client.connected) progress.note('connect: timed out');
  const replies = client.connected && client.echoed >= step.bytes ? 1 : 0;
  const delivered = progress.backend !== undefined && progress.bytesAtServer >= step.bytes;
  return { sent: 1, replies, delivered, ...seen(progress), ...notes(progress) };
}

function udp(t: Topology, stack: IpStack, step: Extract<ResolvedStep, { kind: 'udp' }>, timing: TrafficTiming, progress: Progress, start: number) {
  const client = new UdpClient(stack, progress);
  let sent = false;
  try {
    sent = client.start(step.sport, ip4(step.toIp), step.port, step.bytes);
  } catch (e) {
    progress.note(`bind: ${(e as Error).message}`);
  }
  if (sent) t.sched.run(start + timing.udpWaitNs, () => client.replies > 0);
  settle(t, timing);
  client.stop(step.sport);
  return { sent: sent ? 1 : 0, replies: client.replies, delivered: progress.backend !== undefined, ...seen(progress), ...notes(progress) };
}

/** Raw frames written to a device (an AF_PACKET socket: egress runs tc egress), or received on it. */
function inject(t: Topology, step: Extract<ResolvedStep, { kind: 'packet' }>, timing: TrafficTiming, progress: Progress) {
  const dev = t.device(step.at.place, step.at.device);
  if (!dev) return { sent: 0, replies: 0, delivered: false, note: `no device ${step.at.place}/${step.at.device}` };
  const start = t.sched.now;
  let sent = 0;
  for (const frame of step.frames) {
    // dev_validate_header: an Ethernet device needs at least its 14-byte header.
    if (frame.length < ETH_HLEN) {
      progress.note(`a ${frame.length}-byte frame was refused (shorter than an Ethernet header)`);
      continue;
    }
    const type = rd16(frame, 12);
    const skb = newSkb(frame, type >= 0x600 ? type : 0);
    sent++;
    if (step.at.direction === 'egress') t.net.transmit(dev, skb);
    else {
      ethTypeTrans(skb, dev.mac);
      t.net.receive(dev, skb);
    }
  }
  t.sched.run(start + timing.packetWaitNs, () => t.sched.nextAt() === undefined);
  return { sent, replies: 0, delivered: false, ...notes(progress) };
}
