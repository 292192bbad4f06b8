// Hubble-style flows from the datapath's events (docs/datapath-events.md): one
// `{"flow": {...}, "node_name": ..., "time": ...}` object per event, with the field names as
// `hubble observe -o json` writes them (the proto's own names: drop_reason_desc, source_port,
// trace_observation_point, IP, l4, TCP, Type, ...).

import { decodeFrame } from '../packet/decode.js';
import { dropReasonName, TRACE_POINTS } from './drop-reasons.js';

export const NOTIFY = { DROP: 1, TRACE: 4 } as const;

/** Who an address or identity is, for the flow's source/destination. */
export interface EndpointDirectory {
  byIp(ip: string): { id?: number; namespace?: string; podName?: string } | undefined;
  labels(identity: number): string[];
  interfaceName?(node: string, ifindex: number): string | undefined;
}

export interface HubbleEndpoint {
  ID?: number;
  identity: number;
  namespace?: string;
  labels?: string[];
  pod_name?: string;
}

export interface HubbleFlow {
  time: string;
  verdict: 'FORWARDED' | 'DROPPED';
  drop_reason?: number;
  drop_reason_desc?: string;
  ethernet?: { source: string; destination: string };
  IP?: { source: string; destination: string; ipVersion: 'IPv4' };
  l4?: { TCP?: { source_port: number; destination_port: number; flags?: Record<string, boolean> }; UDP?: { source_port: number; destination_port: number }; ICMPv4?: { type: number; code: number } };
  source: HubbleEndpoint;
  destination: HubbleEndpoint;
  Type: 'L3_L4';
  node_name: string;
  event_type: { type: number; sub_type?: number };
  traffic_direction: 'INGRESS' | 'EGRESS' | 'TRAFFIC_DIRECTION_UNKNOWN';
  trace_observation_point?: string;
  is_reply?: boolean;
  interface?: { index: number; name?: string };
  Summary: string;
}

export interface FlowRecord {
  flow: HubbleFlow;
  node_name: string;
  time: string;
}

const INGRESS_POINTS = new Set(['TO_ENDPOINT', 'FROM_OVERLAY', 'FROM_NETWORK']);

/** RFC 3339 with nanoseconds, as protobuf's JSON writes Timestamps. */
export function rfc3339(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  return `${base}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

const TCP_FLAG_NAMES: [number, string][] = [[0x01, 'FIN'], [0x02, 'SYN'], [0x04, 'RST'], [0x08, 'PSH'], [0x10, 'ACK'], [0x20, 'URG'], [0x40, 'ECE'], [0x80, 'CWR']];

function packetFields(frame: Uint8Array): Pick<HubbleFlow, 'ethernet' | 'IP' | 'l4'> & { summary: string } {
  const d = decodeFrame(frame);
  const f = (name: string) => d.fields.find((x) => x.name === name)?.value;
  const out: Pick<HubbleFlow, 'ethernet' | 'IP' | 'l4'> & { summary: string } = { summary: '' };
  if (f('eth.src')) out.ethernet = { source: f('eth.src')!, destination: f('eth.dst')! };
  if (d.layers.includes('ip')) out.IP = { source: f('ip.src')!, destination: f('ip.dst')!, ipVersion: 'IPv4' };
  if (d.layers.includes('tcp')) {
    const bits = parseInt(f('tcp.flags')!, 16);
    const flags = Object.fromEntries(TCP_FLAG_NAMES.filter(([b]) => bits & b).map(([, n]) => [n, true]));
    out.l4 = { TCP: { source_port: Number(f('tcp.sport')), destination_port: Number(f('tcp.dport')), flags } };
    out.summary = `TCP Flags: ${Object.keys(flags).join(', ')}`;
  } else if (d.layers.includes('udp')) {
    out.l4 = { UDP: { source_port: Number(f('udp.sport')), destination_port: Number(f('udp.dport')) } };
    out.summary = 'UDP';
  } else if (d.layers.includes('icmp')) {
    const type = Number(f('icmp.type')), code = Number(f('icmp.code'));
    out.l4 = { ICMPv4: { type, code } };
    out.summary = type === 8 ? 'ICMPv4 EchoRequest' : type === 0 ? 'ICMPv4 EchoReply' : `ICMPv4 type ${type}`;
  } else if (d.layers.includes('arp')) {
    out.summary = d.summary;
  }
  return out;
}

function endpoint(dir: EndpointDirectory, identity: number, ip: string | undefined): HubbleEndpoint {
  const who = ip ? dir.byIp(ip) : undefined;
  const e: HubbleEndpoint = { identity };
  if (who?.id !== undefined) e.ID = who.id;
  if (who?.namespace) e.namespace = who.namespace;
  const labels = dir.labels(identity);
  if (labels.length) e.labels = labels;
  if (who?.podName) e.pod_name = who.podName;
  return e;
}

/** One datapath event → one flow; undefined for an event this decoder does not know. */
export function eventToFlow(data: Uint8Array, node: string, timeNs: bigint, dir: EndpointDirectory): FlowRecord | undefined {
  if (data.length < 16) return undefined;
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const type = data[0]!, subtype = data[1]!;
  const lenCap = v.getUint16(12, true);
  const msgSize = type === NOTIFY.DROP ? 40 : type === NOTIFY.TRACE ? 48 : 0;
  if (msgSize === 0 || data.length < msgSize) return undefined;
  const packet = data.subarray(msgSize, msgSize + lenCap);
  const pf = packetFields(packet);
  const srcLabel = v.getUint32(16, true), dstLabel = v.getUint32(20, true);
  const time = rfc3339(timeNs);
  const flow: HubbleFlow = {
    time,
    verdict: type === NOTIFY.DROP ? 'DROPPED' : 'FORWARDED',
    ...(pf.ethernet ? { ethernet: pf.ethernet } : {}),
    ...(pf.IP ? { IP: pf.IP } : {}),
    ...(pf.l4 ? { l4: pf.l4 } : {}),
    source: endpoint(dir, srcLabel, pf.IP?.source),
    destination: endpoint(dir, dstLabel, pf.IP?.destination),
    Type: 'L3_L4',
    node_name: node,
    event_type: { type, sub_type: subtype },
    traffic_direction: 'TRAFFIC_DIRECTION_UNKNOWN',
    Summary: pf.summary,
  };
  if (type === NOTIFY.DROP) {
    flow.drop_reason = subtype;
    flow.drop_reason_desc = dropReasonName(subtype);
    const ifindex = v.getUint32(32, true);
    flow.interface = { index: ifindex, ...(dir.interfaceName?.(node, ifindex) ? { name: dir.interfaceName!(node, ifindex)! } : {}) };
    const source = v.getUint16(2, true), dstId = v.getUint32(24, true);
    flow.traffic_direction = dstId !== 0 && dstId === source ? 'INGRESS' : 'EGRESS';
  } else {
    const point = TRACE_POINTS[subtype] ?? 'UNKNOWN_POINT';
    flow.trace_observation_point = point;
    flow.traffic_direction = INGRESS_POINTS.has(point) ? 'INGRESS' : 'EGRESS';
    const reason = data[26]!;
    if (reason === 2) flow.is_reply = true;
    else if (reason === 0 || reason === 1) flow.is_reply = false;
    const ifindex = v.getUint32(28, true);
    if (ifindex) flow.interface = { index: ifindex, ...(dir.interfaceName?.(node, ifindex) ? { name: dir.interfaceName!(node, ifindex)! } : {}) };
  }
  return { flow, node_name: node, time };
}

export interface FlowFilter {
  verdict?: string[];
  pod?: string[];
  fromPod?: string[];
  toPod?: string[];
  protocol?: string[];
  port?: number[];
}

const podName = (e: HubbleEndpoint) => (e.pod_name ? `${e.namespace ?? 'default'}/${e.pod_name}` : undefined);
const podMatch = (e: HubbleEndpoint, wanted: string) => {
  const full = podName(e);
  return full !== undefined && (full === wanted || full.startsWith(wanted) || e.pod_name!.startsWith(wanted));
};

/** hubble observe's filters: every given filter must match (values within one filter are OR'ed). */
export function matchesFilter(r: FlowRecord, f: FlowFilter): boolean {
  const fl = r.flow;
  if (f.verdict?.length && !f.verdict.some((v) => v.toUpperCase() === fl.verdict)) return false;
  if (f.fromPod?.length && !f.fromPod.some((p) => podMatch(fl.source, p))) return false;
  if (f.toPod?.length && !f.toPod.some((p) => podMatch(fl.destination, p))) return false;
  if (f.pod?.length && !f.pod.some((p) => podMatch(fl.source, p) || podMatch(fl.destination, p))) return false;
  const proto = fl.l4?.TCP ? 'tcp' : fl.l4?.UDP ? 'udp' : fl.l4?.ICMPv4 ? 'icmp' : undefined;
  if (f.protocol?.length && !f.protocol.some((p) => p.toLowerCase().replace('icmpv4', 'icmp') === proto)) return false;
  if (f.port?.length) {
    const l = fl.l4?.TCP ?? fl.l4?.UDP;
    if (!l || !f.port.some((p) => p === l.source_port || p === l.destination_port)) return false;
  }
  return true;
}

/** hubble observe's compact one-line form. */
export function compactLine(r: FlowRecord): string {
  const fl = r.flow;
  const side = (e: HubbleEndpoint, ip?: string, port?: number) =>
    `${e.pod_name ? `${e.namespace ?? 'default'}/${e.pod_name}` : ip ?? '?'}${port !== undefined ? `:${port}` : ''} (ID:${e.identity})`;
  const l = fl.l4?.TCP ?? fl.l4?.UDP;
  const point = fl.trace_observation_point ? fl.trace_observation_point.toLowerCase().replace(/_/g, '-') + ' ' : '';
  const why = fl.drop_reason_desc ? ` ${fl.drop_reason_desc}` : '';
  const time = fl.time.slice(11, 23);
  return `${time} [${r.node_name}]: ${side(fl.source, fl.IP?.source, l?.source_port)} ${fl.is_reply ? '<-' : '->'} ${side(fl.destination, fl.IP?.destination, l?.destination_port)} ${point}${fl.verdict}${why} (${fl.Summary || 'no L4'})`;
}
