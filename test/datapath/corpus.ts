// Corpora for `prog diff`: for every datapath program a kernel test run can exercise, a list
// of packets (with the skb context each one arrives with) that walks through every behaviour
// the program has, in an order that lets conntrack and NAT state carry from a request to its
// reply, plus the map state (the cluster builder's, and a few seeded entries) they run on.
//
// Each corpus is written to test/fixtures/corpus/: NAME.pcap (the packets), NAME.maps.json
// (initial maps, docs/map-json.md) and NAME.json (per packet: a name, the ctx fields, and the
// verdict and events it is meant to produce; plus the node's .rodata values). `syncCorpusFiles`
// rewrites them when missing or stale (deterministic bytes: fixed timestamps, stable JSON).

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PcapWriter } from '../../src/pcap/index.js';
import type { JsonValue, MapsJson } from '../../src/maps/index.js';
import { encodeCtx } from '../../src/diff/ctx-json.js';
import { SKB_CTX } from '../../src/diff/ctx-fields.js';
import type { DiffInput, GlobalPatch } from '../../src/diff/index.js';
import { ip4, loadCluster, mapsOf, nodeConfig, nodeMaps, rodataPatches, PROTO, type ClusterSpec } from './cluster.js';
import { decodeEvent, REASON, type DpEvent } from './events.js';
import { flowHash4, backendSlot, snatPort } from './hash.js';
import { arpRequest, concat, frame, patchIpv4, type L4 } from './packets.js';
import { objectPath, objectSpec, type ObjectName } from './sides.js';

export const CLUSTER: ClusterSpec = loadCluster(new URL('../fixtures/datapath/two-node-cluster.json', import.meta.url).pathname);
export const CORPUS_DIR = new URL('../fixtures/corpus/', import.meta.url).pathname;

// ---- what a packet is meant to do ----

export type Verdict = 'OK' | 'SHOT' | 'REDIRECT';
export const VERDICT_OF: Record<number, Verdict> = { 0: 'OK', 2: 'SHOT', 7: 'REDIRECT' };

/**
 * The emulator's observation of one input, compactly: the verdict (or the errno of a refused
 * test run) and the events, each "TRACE_POINT", "TRACE_POINT(ct verdict)" or "drop REASON".
 */
export interface Outcome {
  verdict: Verdict | `refused errno ${number}`;
  events: string[];
}

const CT_VERDICT: Record<number, string> = { [REASON.POLICY]: 'new', [REASON.ESTABLISHED]: 'established', [REASON.REPLY]: 'reply', [REASON.RELATED]: 'related' };

export function eventText(e: DpEvent): string {
  if (e.kind === 'drop') return `drop ${e.reasonName.replace(/^DROP_/, '')}`;
  const point = e.obsName.replace(/^TRACE_/, '');
  return e.reason === REASON.UNKNOWN ? point : `${point}(${CT_VERDICT[e.reason] ?? e.reason})`;
}

const ok = (...events: string[]): Outcome => ({ verdict: 'OK', events });
const redirect = (...events: string[]): Outcome => ({ verdict: 'REDIRECT', events });
/** A drop: the traces before it, then the drop notify. */
const drop = (reason: string, ...before: string[]): Outcome => ({ verdict: 'SHOT', events: [...before, `drop ${reason}`] });
/** BPF_PROG_TEST_RUN refuses the input (EINVAL) before the program runs. */
const refused = (): Outcome => ({ verdict: 'refused errno 22', events: [] });

// ---- corpora ----

/** Context fields of struct __sk_buff a packet arrives with (encoded with src/diff/ctx-json). */
export type CtxFields = { ingress_ifindex?: number; mark?: number };

export interface CorpusCase {
  name: string;
  data: Uint8Array;
  ctx: CtxFields;
  expect: Outcome;
}

export interface Corpus {
  /** File stem under test/fixtures/corpus/. */
  name: string;
  object: ObjectName;
  prog: string;
  /** The node whose .rodata and maps the corpus runs with. */
  node: string;
  /** What the corpus is about (in NAME.json). */
  about: string;
  cases: CorpusCase[];
  /** Entries added to the builder's maps for this corpus (state a control plane or earlier traffic left). */
  seed?: MapsJson;
  /** Maps given whole, instead of what the builder or the object puts there. */
  replace?: MapsJson;
}

/** Ordered collections of cases, built with a tiny DSL. */
class Cases {
  readonly list: CorpusCase[] = [];
  add(name: string, data: Uint8Array, ctx: CtxFields, expect: Outcome): this {
    if (this.list.some((c) => c.name === name)) throw new Error(`duplicate case name: ${name}`);
    this.list.push({ name, data, ctx, expect });
    return this;
  }
}

// ---- the cluster, as node1 sees it (pods client, web, jail on node1; db, web2 on node2) ----

const pod = (name: string) => {
  const p = CLUSTER.pods.find((x) => x.name === name);
  if (!p) throw new Error(`no pod ${name}`);
  return p;
};
const nodeOf = (name: string) => {
  const n = CLUSTER.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name}`);
  return n;
};
const client = pod('client'), web = pod('web'), jail = pod('jail'), db = pod('db'), web2 = pod('web2');
const n1 = nodeOf('node1'), n2 = nodeOf('node2');
const webSvc = CLUSTER.services.find((s) => s.name === 'web')!;
const dnsSvc = CLUSTER.services.find((s) => s.name === 'dns')!;
const dbSvc = CLUSTER.services.find((s) => s.name === 'db')!;
const GW_MAC = '52:54:00:ff:ff:01'; // the external network's router
const TCP = PROTO.TCP, UDP = PROTO.UDP, ICMP = PROTO.ICMP;

const tcp = (sport: number, dport: number, flags = 'S'): L4 => ({ proto: 'TCP', sport, dport, flags });
const udp = (sport: number, dport: number, payload?: Uint8Array): L4 => ({ proto: 'UDP', sport, dport, ...(payload ? { payload } : {}) });
const icmp = (type = 8, id = 0x4242): L4 => ({ proto: 'ICMP', type, id });

/** A frame a pod sends to its gateway, as its lxc's ingress sees it. */
function fromPod(name: string, dst: string, l4: L4, o: { src?: string; ttl?: number } = {}): Uint8Array {
  const p = pod(name);
  return frame({ srcMac: p.mac, dstMac: nodeOf(p.node).routerMac, src: o.src ?? p.ip, dst, l4, ...(o.ttl !== undefined ? { ttl: o.ttl } : {}) });
}
/** A frame for a pod as the stack or a redirect hands it to the pod's lxc. */
function toPod(name: string, src: string, l4: L4): Uint8Array {
  const p = pod(name);
  return frame({ srcMac: p.lxcMac, dstMac: p.mac, src, dst: p.ip, l4 });
}
const onLxc = (name: string): CtxFields => ({ ingress_ifindex: pod(name).ifindex });

/** The skb->mark that carries an identity across a redirect (bpf/lib/identity.h). */
export function identityMark(identity: number): number {
  return (((identity & 0xffff) << 16) | 0x0f00 | ((identity >>> 16) & 0xff)) >>> 0;
}

const setU16 = (b: Uint8Array, at: number, v: number) => { b[at] = v >> 8; b[at + 1] = v & 0xff; };
const edit = (f: Uint8Array, fn: (b: Uint8Array) => void) => { const b = f.slice(); fn(b); return b; };
const withEthertype = (f: Uint8Array, type: number) => edit(f, (b) => setU16(b, 12, type));

/** The classic malformed IPv4 headers (checksum recomputed, so only the named field is wrong). */
function brokenIpv4(good: Uint8Array): [string, Uint8Array][] {
  return [
    ['IPv4 version 6 in an IPv4 frame', patchIpv4(good, (b) => { b[14] = 0x65; })],
    ['IHL 4 (below the minimum)', patchIpv4(good, (b) => { b[14] = 0x44; })],
    ['IHL 15 (beyond the frame)', patchIpv4(good, (b) => { b[14] = 0x4f; })],
    ['total length beyond the frame', patchIpv4(good, (b) => setU16(b, 16, good.length - 14 + 10))],
    ['total length below the header', patchIpv4(good, (b) => setU16(b, 16, 12))],
  ];
}

/** L4 headers cut short or inconsistent (IPv4 total length kept consistent with the frame). */
function brokenL4(syn: Uint8Array, dgram: Uint8Array, ping: Uint8Array): [string, Uint8Array][] {
  return [
    ['TCP header cut at 10 bytes', patchIpv4(syn.subarray(0, 14 + 20 + 10), (b) => setU16(b, 16, 30))],
    ['TCP data offset 4', edit(syn, (b) => { b[14 + 20 + 12] = 0x40; })],
    ['TCP data offset beyond the datagram', edit(syn, (b) => { b[14 + 20 + 12] = 0xf0; })],
    ['UDP header cut at 6 bytes', patchIpv4(dgram.subarray(0, 14 + 20 + 6), (b) => setU16(b, 16, 26))],
    ['UDP length beyond the datagram', edit(dgram, (b) => setU16(b, 14 + 20 + 4, 200))],
    ['ICMP header cut at 4 bytes', patchIpv4(ping.subarray(0, 14 + 20 + 4), (b) => setU16(b, 16, 24))],
  ];
}

/** Frames a test run refuses before any program sees them (EINVAL), in the kernel and the VM. */
function tooShort(good: Uint8Array): [string, Uint8Array][] {
  return [
    ['10 bytes: shorter than an Ethernet header', good.subarray(0, 10)],
    ['14 bytes: IPv4 ethertype, no IPv4 header', good.subarray(0, 14)],
    ['33 bytes: IPv4 header cut at 19 bytes', good.subarray(0, 33)],
    ['IPv6 ethertype, 34 bytes: shorter than an IPv6 header', withEthertype(good, 0x86dd).subarray(0, 34)],
  ];
}

// ---- hash-predicted choices (test/datapath/hash.ts, docs/datapath.md "The flow hash") ----

/** The first client source port from `from` whose flow to the web service the hash sends to backend slot `slot`. */
function servicePort(slot: number, from: number): number {
  for (let p = from; p < 65536; p++) {
    if (backendSlot(flowHash4(ip4(client.ip), ip4(webSvc.vip), p, webSvc.port, TCP, CLUSTER.hashSeed), webSvc.backends.length) === slot) return p;
  }
  throw new Error(`no port for backend slot ${slot}`);
}

const [SNAT_MIN, SNAT_MAX] = CLUSTER.snatPorts;
/** The SNAT port attempt `i` of a pod flow (pod IP, sport) -> (dst, dport). */
function snatPortOf(podIp: string, sport: number, dst: string, dport: number, proto: number, i = 0): number {
  return snatPort(flowHash4(ip4(podIp), ip4(dst), sport, dport, proto, CLUSTER.hashSeed), i, SNAT_MIN, SNAT_MAX);
}

/** Two client source ports (>= from) whose UDP flows to dst:dport want the same first SNAT port. */
function collidingPorts(dst: string, dport: number, from: number): [number, number] {
  const seen = new Map<number, number>();
  for (let sport = from; sport < 65536; sport++) {
    const port = snatPortOf(client.ip, sport, dst, dport, UDP);
    const other = seen.get(port);
    if (other !== undefined) return [other, sport];
    seen.set(port, sport);
  }
  throw new Error('no colliding SNAT ports');
}

// ---- seeded map entries ----

const ctKey = (saddr: string, daddr: string, sport: number, dport: number, nexthdr: number, flags: number): JsonValue =>
  ({ saddr: ip4(saddr), daddr: ip4(daddr), sport, dport, nexthdr, flags, pad: 0 });
const CT_EGRESS = 0, CT_INGRESS = 1;
const NAT_EGRESS = 0, NAT_INGRESS = 1;
/** A lifetime no clock reaches (valid while now <= lifetime); any packet of the flow resets it to now + timeout. */
const FOREVER = 0xffffffff;

function ctEntry(key: JsonValue, o: { lifetime: number; srcSecId: number; revNat?: number; flags?: number; tcpFlags?: number }): { key: JsonValue; value: JsonValue } {
  return {
    key,
    value: { packets: 1, bytes: 54, lifetime: o.lifetime, src_sec_id: o.srcSecId, backend_id: 0, rev_nat_index: o.revNat ?? 0, flags: o.flags ?? 0, tcp_flags: o.tcpFlags ?? 0x02 },
  };
}

/** Both entries of a masqueraded flow, as cil_to_netdev would have written them. */
function natPair(podIp: string, sport: number, remote: string, dport: number, proto: number, port: number): MapsJson[string] {
  const isIcmp = proto === ICMP;
  return [
    { key: ctKey(podIp, remote, sport, isIcmp ? 0 : dport, proto, NAT_EGRESS), value: { to_addr: ip4(n1.ip), to_port: port, pad: 0 } },
    { key: ctKey(remote, n1.ip, isIcmp ? 0 : dport, port, proto, NAT_INGRESS), value: { to_addr: ip4(podIp), to_port: sport, pad: 0 } },
  ];
}

// ---- bpf_lxc: cil_from_container ----

/** Ports of client flows to the web service that the hash sends to web (local) and web2 (remote). */
const SVC_LOCAL_PORT = servicePort(1, 46000);
const SVC_REMOTE_PORT = servicePort(2, 46000);
const GHOST_VIP = '10.96.0.99';

function fromContainer(): Corpus {
  const c = new Cases();
  const arp = arpRequest({ srcMac: client.mac, sip: client.ip, tip: n1.routerIp });
  c.add('ARP who-has the router IP: answered with the router MAC, back into the pod', arp, onLxc('client'), redirect('TO_LXC'))
    .add('ARP who-has another pod: the stack\'s', arpRequest({ srcMac: client.mac, sip: client.ip, tip: web.ip }), onLxc('client'), ok('TO_STACK'))
    .add('ARP reply about the router IP (not a request): the stack\'s', arpRequest({ srcMac: client.mac, sip: client.ip, tip: n1.routerIp, op: 2 }), onLxc('client'), ok('TO_STACK'))
    .add('ARP cut at 30 bytes', arp.subarray(0, 30), onLxc('client'), drop('INVALID'))
    .add('ARP with hardware type IEEE 802', edit(arp, (b) => { b[15] = 6; }), onLxc('client'), drop('INVALID'))
    .add('ARP header only (14 bytes): the test run accepts non-IP frames that short', arp.subarray(0, 14), onLxc('client'), drop('INVALID'));

  // Same node, TCP: allowed, its reply, established; default deny in both directions.
  c.add('client -> web TCP SYN :80: allowed by web\'s ingress rule, delivered', fromPod('client', web.ip, tcp(40000, 80)), onLxc('client'), redirect('FROM_LXC', 'TO_LXC(new)'))
    .add('web -> client SYN-ACK: a conntrack reply passes client\'s default deny', fromPod('web', client.ip, tcp(80, 40000, 'SA')), onLxc('web'), redirect('FROM_LXC', 'TO_LXC(reply)'))
    .add('client -> web ACK: established, skips policy', fromPod('client', web.ip, tcp(40000, 80, 'A')), onLxc('client'), redirect('FROM_LXC', 'TO_LXC(established)'))
    .add('client -> web TCP :8080 (second allow entry)', fromPod('client', web.ip, tcp(40001, 8080)), onLxc('client'), redirect('FROM_LXC', 'TO_LXC(new)'))
    .add('client -> web TCP :22: no allow entry, web enforces ingress', fromPod('client', web.ip, tcp(40002, 22)), onLxc('client'), drop('POLICY', 'FROM_LXC'))
    .add('web -> client new TCP: client enforces ingress and allows nothing', fromPod('web', client.ip, tcp(5555, 22)), onLxc('web'), drop('POLICY', 'FROM_LXC'))
    .add('web -> jail TCP: neither enforces that direction, allowed', fromPod('web', jail.ip, tcp(5556, 80)), onLxc('web'), redirect('FROM_LXC', 'TO_LXC(new)'));

  // Port ranges and deny over allow (web ingress: any UDP 5000-5007, jail UDP 5004 denied).
  c.add('jail -> web UDP :5004: the deny beats the wider range allow', fromPod('jail', web.ip, udp(6000, 5004)), onLxc('jail'), drop('POLICY_DENY', 'FROM_LXC'))
    .add('jail -> web UDP :5003: inside the range', fromPod('jail', web.ip, udp(6000, 5003)), onLxc('jail'), redirect('FROM_LXC', 'TO_LXC(new)'))
    .add('jail -> web UDP :5000: first port of the range', fromPod('jail', web.ip, udp(6000, 5000)), onLxc('jail'), redirect('FROM_LXC', 'TO_LXC(new)'))
    .add('jail -> web UDP :5007: last port of the range', fromPod('jail', web.ip, udp(6000, 5007)), onLxc('jail'), redirect('FROM_LXC', 'TO_LXC(new)'))
    .add('jail -> web UDP :5008: past the range', fromPod('jail', web.ip, udp(6000, 5008)), onLxc('jail'), drop('POLICY', 'FROM_LXC'))
    .add('jail -> web UDP :4999: before the range', fromPod('jail', web.ip, udp(6000, 4999)), onLxc('jail'), drop('POLICY', 'FROM_LXC'))
    .add('client -> web UDP :5004: the deny is for jail only', fromPod('client', web.ip, udp(6001, 5004)), onLxc('client'), redirect('FROM_LXC', 'TO_LXC(new)'));

  // Egress policy of jail: web and world UDP 53 only.
  c.add('jail -> client TCP: jail\'s egress default deny', fromPod('jail', client.ip, tcp(7000, 80)), onLxc('jail'), drop('POLICY', 'FROM_LXC'))
    .add('jail -> world UDP :53: allowed by jail\'s egress rule, up the stack', fromPod('jail', '8.8.8.8', udp(7001, 53)), onLxc('jail'), ok('FROM_LXC', 'TO_STACK(new)'))
    .add('jail -> world TCP :443: egress default deny', fromPod('jail', '8.8.8.8', tcp(7002, 443)), onLxc('jail'), drop('POLICY', 'FROM_LXC'))
    .add('jail -> client UDP with 300 bytes: dropped by egress policy, captured 128 bytes', fromPod('jail', client.ip, udp(7003, 9, new Uint8Array(300).fill(7))), onLxc('jail'), drop('POLICY', 'FROM_LXC'));

  // ICMP.
  c.add('client -> web ICMP echo: allowed by the ICMP type 8 entry', fromPod('client', web.ip, icmp(8, 0x77)), onLxc('client'), redirect('FROM_LXC', 'TO_LXC(new)'))
    .add('web -> client ICMP echo reply: a conntrack reply (identifier as port)', fromPod('web', client.ip, icmp(0, 0x77)), onLxc('web'), redirect('FROM_LXC', 'TO_LXC(reply)'))
    .add('client -> web ICMP echo again: established', fromPod('client', web.ip, icmp(8, 0x77)), onLxc('client'), redirect('FROM_LXC', 'TO_LXC(established)'))
    .add('web -> client ICMP echo request: new into client, denied', fromPod('web', client.ip, icmp(8, 0x78)), onLxc('web'), drop('POLICY', 'FROM_LXC'))
    .add('client -> web ICMP timestamp (type 13)', fromPod('client', web.ip, icmp(13)), onLxc('client'), drop('UNKNOWN_ICMP4_TYPE', 'FROM_LXC'));

  // UDP request and reply.
  c.add('client -> web UDP :5001', fromPod('client', web.ip, udp(43002, 5001)), onLxc('client'), redirect('FROM_LXC', 'TO_LXC(new)'))
    .add('web -> client UDP reply', fromPod('web', client.ip, udp(5001, 43002)), onLxc('web'), redirect('FROM_LXC', 'TO_LXC(reply)'));

  // TCP life cycle: FIN both ways closes, a new SYN reopens (policy again); RST.
  c.add('TCP 43000: client SYN', fromPod('client', web.ip, tcp(43000, 80, 'S')), onLxc('client'), redirect('FROM_LXC', 'TO_LXC(new)'))
    .add('TCP 43000: web SYN-ACK', fromPod('web', client.ip, tcp(80, 43000, 'SA')), onLxc('web'), redirect('FROM_LXC', 'TO_LXC(reply)'))
    .add('TCP 43000: client FIN', fromPod('client', web.ip, tcp(43000, 80, 'FA')), onLxc('client'), redirect('FROM_LXC', 'TO_LXC(established)'))
    .add('TCP 43000: web FIN', fromPod('web', client.ip, tcp(80, 43000, 'FA')), onLxc('web'), redirect('FROM_LXC', 'TO_LXC(reply)'))
    .add('TCP 43000: client last ACK (closing, still established)', fromPod('client', web.ip, tcp(43000, 80, 'A')), onLxc('client'), redirect('FROM_LXC', 'TO_LXC(established)'))
    .add('TCP 43000: a new SYN on the closed connection is a new connection', fromPod('client', web.ip, tcp(43000, 80, 'S')), onLxc('client'), redirect('FROM_LXC', 'TO_LXC(new)'))
    .add('TCP 43001: client SYN', fromPod('client', web.ip, tcp(43001, 80, 'S')), onLxc('client'), redirect('FROM_LXC', 'TO_LXC(new)'))
    .add('TCP 43001: web RST-ACK (a reply, closes both ways)', fromPod('web', client.ip, tcp(80, 43001, 'RA')), onLxc('web'), redirect('FROM_LXC', 'TO_LXC(reply)'))
    .add('TCP 43003: late SYN-ACK whose flow\'s entries expired (seeded, lifetime 0): new, denied', fromPod('web', client.ip, tcp(80, 43003, 'SA')), onLxc('web'), drop('POLICY', 'FROM_LXC'));

  c.add('TTL 1 cannot be routed into a pod', fromPod('client', web.ip, tcp(40003, 80), { ttl: 1 }), onLxc('client'), drop('TTL_EXCEEDED', 'FROM_LXC'))
    .add('Ethernet padding after the datagram', concat(fromPod('client', web.ip, tcp(40004, 80)), new Uint8Array(8)), onLxc('client'), redirect('FROM_LXC', 'TO_LXC(new)'));

  // Leaving the node: a pod of another node (encap decision), the world, the node, other nodes.
  c.add('client -> db (node2) TCP SYN: tunnel key, redirect to the VXLAN device', fromPod('client', db.ip, tcp(41000, 5432)), onLxc('client'), redirect('FROM_LXC', 'TO_OVERLAY(new)'))
    .add('client -> db ACK: established, into the tunnel', fromPod('client', db.ip, tcp(41000, 5432, 'A')), onLxc('client'), redirect('FROM_LXC', 'TO_OVERLAY(established)'))
    .add('client -> web2 (node2) UDP', fromPod('client', web2.ip, udp(41001, 8080)), onLxc('client'), redirect('FROM_LXC', 'TO_OVERLAY(new)'))
    .add('client -> node2\'s pod CIDR without a pod: tunnel to node2 anyway', fromPod('client', '10.0.2.99', udp(41002, 53)), onLxc('client'), redirect('FROM_LXC', 'TO_OVERLAY(new)'))
    .add('client -> node2\'s router IP: remote node through the tunnel', fromPod('client', n2.routerIp, icmp(8, 0x99)), onLxc('client'), redirect('FROM_LXC', 'TO_OVERLAY(new)'))
    .add('client -> world UDP :53: up the stack', fromPod('client', '1.1.1.1', udp(41003, 53)), onLxc('client'), ok('FROM_LXC', 'TO_STACK(new)'))
    .add('client -> world UDP again: established', fromPod('client', '1.1.1.1', udp(41003, 53)), onLxc('client'), ok('FROM_LXC', 'TO_STACK(established)'))
    .add('client -> router IP ICMP: the node, up the stack', fromPod('client', n1.routerIp, icmp(8, 0x98)), onLxc('client'), ok('FROM_LXC', 'TO_STACK(new)'))
    .add('client -> node1 IP TCP: the node, up the stack', fromPod('client', n1.ip, tcp(41004, 22)), onLxc('client'), ok('FROM_LXC', 'TO_STACK(new)'))
    .add('client -> node2 IP (no tunnel flag): up the stack', fromPod('client', n2.ip, udp(41005, 8472)), onLxc('client'), ok('FROM_LXC', 'TO_STACK(new)'))
    .add('client -> own pod CIDR without a pod', fromPod('client', '10.0.1.99', udp(41006, 53)), onLxc('client'), drop('UNROUTABLE', 'FROM_LXC'))
    .add('client -> cluster CIDR without a node', fromPod('client', '10.0.3.7', udp(41007, 53)), onLxc('client'), drop('NO_TUNNEL_ENDPOINT', 'FROM_LXC'));

  // Services: DNAT to a local and a remote backend, reverse NAT of the reply, no backends.
  c.add('client -> web VIP:80, hashed to the local backend: DNAT to web:8080, delivered', fromPod('client', webSvc.vip, tcp(SVC_LOCAL_PORT, 80)), onLxc('client'), redirect('FROM_LXC', 'TO_LXC(new)'))
    .add('web:8080 -> client reply: reverse NAT to VIP:80', fromPod('web', client.ip, tcp(8080, SVC_LOCAL_PORT, 'SA')), onLxc('web'), redirect('FROM_LXC', 'TO_LXC(reply)'))
    .add('client -> web VIP:80 ACK: the same backend, established', fromPod('client', webSvc.vip, tcp(SVC_LOCAL_PORT, 80, 'A')), onLxc('client'), redirect('FROM_LXC', 'TO_LXC(established)'))
    .add('client -> web VIP:80, hashed to the remote backend: DNAT to web2:8080, tunnel', fromPod('client', webSvc.vip, tcp(SVC_REMOTE_PORT, 80)), onLxc('client'), redirect('FROM_LXC', 'TO_OVERLAY(new)'))
    .add('client -> db VIP:5432 (service port = target port): DNAT, tunnel', fromPod('client', dbSvc.vip, tcp(45000, dbSvc.port)), onLxc('client'), redirect('FROM_LXC', 'TO_OVERLAY(new)'))
    .add('client -> dns VIP:53 UDP: a service without backends', fromPod('client', dnsSvc.vip, udp(3333, dnsSvc.port)), onLxc('client'), drop('NO_SERVICE', 'FROM_LXC'))
    .add('client -> a service whose only backend is gone (seeded)', fromPod('client', GHOST_VIP, tcp(3334, 80)), onLxc('client'), drop('NO_SERVICE', 'FROM_LXC'))
    .add('client -> web VIP:443: not a service port, up the stack untranslated', fromPod('client', webSvc.vip, tcp(45001, 443)), onLxc('client'), ok('FROM_LXC', 'TO_STACK(new)'))
    .add('client -> web VIP ICMP: services are TCP/UDP only', fromPod('client', webSvc.vip, icmp(8, 0x97)), onLxc('client'), ok('FROM_LXC', 'TO_STACK(new)'));

  // Anti-spoofing: the source must be the pod on the lxc the packet came from (ingress_ifindex).
  c.add('spoofed: another local pod\'s IP', fromPod('client', web.ip, tcp(1, 80), { src: jail.ip }), onLxc('client'), drop('INVALID_SIP'))
    .add('spoofed: an unknown IP of the pod CIDR', fromPod('client', web.ip, tcp(1, 80), { src: '10.0.1.99' }), onLxc('client'), drop('INVALID_SIP'))
    .add('spoofed: the router IP (a host endpoint)', fromPod('client', web.ip, tcp(1, 80), { src: n1.routerIp }), onLxc('client'), drop('INVALID_SIP'))
    .add('spoofed: a remote pod\'s IP', fromPod('client', web.ip, tcp(1, 80), { src: db.ip }), onLxc('client'), drop('INVALID_SIP'))
    .add('spoofed: a world IP', fromPod('client', web.ip, tcp(1, 80), { src: '8.8.8.8' }), onLxc('client'), drop('INVALID_SIP'))
    .add('spoofed: client\'s own IP on web\'s lxc', fromPod('client', web.ip, tcp(1, 80)), onLxc('web'), drop('INVALID_SIP'))
    .add('spoofed: client\'s own IP with no ingress device', fromPod('client', web.ip, tcp(1, 80)), {}, drop('INVALID_SIP'));

  // Malformed, truncated, unknown protocols.
  const syn = fromPod('client', web.ip, tcp(40005, 80));
  for (const [what, pkt] of brokenIpv4(syn)) c.add(`malformed: ${what}`, pkt, onLxc('client'), drop('INVALID'));
  for (const [what, pkt] of brokenL4(syn, fromPod('client', web.ip, udp(40006, 5000)), fromPod('client', web.ip, icmp()))) {
    c.add(`truncated: ${what}`, pkt, onLxc('client'), drop('CT_INVALID_HDR', 'FROM_LXC'));
  }
  c.add('IPv4 fragment (MF)', patchIpv4(syn, (b) => setU16(b, 20, 0x2000)), onLxc('client'), drop('FRAG_NOSUPPORT', 'FROM_LXC'))
    .add('IPv4 fragment (offset 128)', patchIpv4(syn, (b) => setU16(b, 20, 0x0010)), onLxc('client'), drop('FRAG_NOSUPPORT', 'FROM_LXC'))
    .add('unknown L4: SCTP', patchIpv4(syn, (b) => { b[23] = 132; }), onLxc('client'), drop('UNKNOWN_L4', 'FROM_LXC'))
    .add('unknown L4: protocol 253', patchIpv4(syn, (b) => { b[23] = 253; }), onLxc('client'), drop('UNKNOWN_L4', 'FROM_LXC'))
    .add('unknown L3: IPv6 ethertype', withEthertype(syn, 0x86dd), onLxc('client'), drop('UNKNOWN_L3'))
    .add('unknown L3: VLAN tag', withEthertype(syn, 0x8100), onLxc('client'), drop('UNKNOWN_L3'));
  for (const [what, pkt] of tooShort(syn)) c.add(`refused: ${what}`, pkt, onLxc('client'), refused());

  return {
    name: 'cil_from_container', object: 'bpf_lxc', prog: 'cil_from_container', node: 'node1',
    about: 'tc ingress of a pod\'s lxc on node1: ARP, source validation, services, conntrack, egress and ingress policy, routing',
    cases: c.list,
    seed: {
      cilium_ct4_global: [
        ctEntry(ctKey(client.ip, web.ip, 43003, 80, TCP, CT_EGRESS), { lifetime: 0, srcSecId: client.identity }),
        ctEntry(ctKey(client.ip, web.ip, 43003, 80, TCP, CT_INGRESS), { lifetime: 0, srcSecId: client.identity }),
      ],
      ...ghostService(),
    },
  };
}

/** A service whose only backend (id 99) is not in the backends map. */
function ghostService(): MapsJson {
  const key = (slot: number) => ({ address: ip4(GHOST_VIP), dport: 80, backend_slot: slot, proto: TCP, scope: 0 });
  return {
    cilium_lb4_services_v2: [
      { key: key(0), value: { backend_id: 0, count: 1, rev_nat_index: 9, flags: 0 } },
      { key: key(1), value: { backend_id: 99, count: 0, rev_nat_index: 9, flags: 0 } },
    ],
  };
}

/** The tail call slots missing: local delivery needs slot 2, everything past source validation slot 1. */
function fromContainerMissedTailCalls(): Corpus[] {
  const variant = (name: string, slots: [number, string][], cases: Cases): Corpus => ({
    name, object: 'bpf_lxc', prog: 'cil_from_container', node: 'node1',
    about: `cil_from_container with cilium_calls holding only ${slots.length ? slots.map(([i]) => `slot ${i}`).join(', ') : 'nothing'}`,
    cases: cases.list,
    replace: { cilium_calls: slots.map(([key, value]) => ({ key, value })) },
  });
  const noEndpoint = new Cases()
    .add('client -> web: the to-endpoint tail call is missing', fromPod('client', web.ip, tcp(40000, 80)), onLxc('client'), drop('MISSED_TAIL_CALL', 'FROM_LXC'))
    .add('client -> db: the tunnel does not need it', fromPod('client', db.ip, tcp(40001, 5432)), onLxc('client'), redirect('FROM_LXC', 'TO_OVERLAY(new)'))
    .add('client -> world: nor does the stack', fromPod('client', '1.1.1.1', udp(40002, 53)), onLxc('client'), ok('FROM_LXC', 'TO_STACK(new)'));
  const none = new Cases()
    .add('client -> db: the from-lxc continuation is missing', fromPod('client', db.ip, tcp(40003, 5432)), onLxc('client'), drop('MISSED_TAIL_CALL', 'FROM_LXC'))
    .add('ARP for the router needs no tail call', arpRequest({ srcMac: client.mac, sip: client.ip, tip: n1.routerIp }), onLxc('client'), redirect('TO_LXC'))
    .add('spoofed source: dropped before the tail call', fromPod('client', web.ip, tcp(1, 80), { src: '8.8.8.8' }), onLxc('client'), drop('INVALID_SIP'));
  return [
    variant('cil_from_container-no-slot2', [[1, 'tail_ipv4_from_lxc_cont']], noEndpoint),
    variant('cil_from_container-no-slots', [], none),
  ];
}

// ---- bpf_lxc: cil_to_container ----

const REVNAT_PORT = 47000;

function toContainer(): Corpus {
  const c = new Cases();
  const mark = (identity: number): CtxFields => ({ mark: identityMark(identity) });
  c.add('db -> web with db\'s identity in the mark: web denies db', toPod('web', db.ip, tcp(42000, 80)), mark(db.identity), drop('POLICY_DENY'))
    .add('identity from the mark (client\'s), not from the address: allowed, mark cleared', toPod('web', '10.0.2.99', tcp(42001, 80)), mark(client.identity), ok('TO_LXC(new)'))
    .add('no mark: identity from the IP cache (web2), no allow entry', toPod('web', web2.ip, tcp(42002, 80)), {}, drop('POLICY'))
    .add('a mark without the identity magic is ignored (and kept): client by the IP cache, allowed', toPod('web', client.ip, tcp(42003, 8080)), { mark: 0x1234 }, ok('TO_LXC(new)'))
    .add('world -> web ICMP echo (any ICMP type 8)', toPod('web', '8.8.4.4', icmp(8, 0x11)), {}, ok('TO_LXC(new)'))
    .add('world -> web ICMP echo again: established', toPod('web', '8.8.4.4', icmp(8, 0x11)), {}, ok('TO_LXC(established)'))
    .add('world (mark from bpf_host) -> web UDP :5001 (port range)', toPod('web', '8.8.4.4', udp(9000, 5001)), mark(2), ok('TO_LXC(new)'))
    .add('world -> web UDP :5001 again: established', toPod('web', '8.8.4.4', udp(9000, 5001)), mark(2), ok('TO_LXC(established)'))
    .add('world -> web UDP :5009: past the range', toPod('web', '8.8.4.4', udp(9000, 5009)), mark(2), drop('POLICY'))
    .add('db (mark) -> web UDP :5002: the deny of db beats the range', toPod('web', db.ip, udp(9001, 5002)), mark(db.identity), drop('POLICY_DENY'))
    .add('world -> client: client enforces ingress', toPod('client', '1.1.1.1', udp(53, 9002)), mark(2), drop('POLICY'))
    .add('web2:8080 -> client, reply of a service flow (seeded egress entry): reverse NAT to VIP:80', toPod('client', web2.ip, tcp(8080, REVNAT_PORT, 'SA')), mark(web2.identity), ok('TO_LXC(reply)'))
    .add('web2:8080 -> client ACK: reply again', toPod('client', web2.ip, tcp(8080, REVNAT_PORT, 'A')), mark(web2.identity), ok('TO_LXC(reply)'))
    .add('a destination in the pod CIDR with no pod', edit(toPod('web', '8.8.4.4', icmp()), (b) => { b[33] = 99; }), {}, drop('UNROUTABLE'))
    .add('a host endpoint (router IP) is not a pod', frame({ srcMac: web.lxcMac, dstMac: web.mac, src: '8.8.4.4', dst: n1.routerIp, l4: icmp() }), {}, drop('UNROUTABLE'))
    .add('ARP (the node resolving the pod): passes, no events', arpRequest({ srcMac: web.lxcMac, sip: n1.routerIp, tip: web.ip }), {}, ok())
    .add('ARP header only (14 bytes): passes', arpRequest({ srcMac: web.lxcMac, sip: n1.routerIp, tip: web.ip }).subarray(0, 14), {}, ok())
    .add('unknown L3: IPv6 ethertype', withEthertype(toPod('web', '8.8.4.4', icmp()), 0x86dd), {}, drop('UNKNOWN_L3'));

  const syn = toPod('web', client.ip, tcp(42010, 80));
  for (const [what, pkt] of brokenIpv4(syn)) c.add(`malformed: ${what}`, pkt, {}, drop('INVALID'));
  for (const [what, pkt] of brokenL4(syn, toPod('web', client.ip, udp(42011, 5000)), toPod('web', client.ip, icmp()))) c.add(`truncated: ${what}`, pkt, {}, drop('CT_INVALID_HDR'));
  c.add('IPv4 fragment (MF)', patchIpv4(syn, (b) => setU16(b, 20, 0x2000)), {}, drop('FRAG_NOSUPPORT'))
    .add('unknown L4: SCTP', patchIpv4(syn, (b) => { b[23] = 132; }), {}, drop('UNKNOWN_L4'))
    .add('ICMP timestamp (type 13)', toPod('web', '8.8.4.4', icmp(13)), {}, drop('UNKNOWN_ICMP4_TYPE'));
  for (const [what, pkt] of tooShort(syn)) c.add(`refused: ${what}`, pkt, {}, refused());

  return {
    name: 'cil_to_container', object: 'bpf_lxc', prog: 'cil_to_container', node: 'node1',
    about: 'tc egress of a pod\'s lxc on node1: source identity from the mark or the IP cache, ingress policy, reverse NAT',
    cases: c.list,
    seed: {
      // client -> web VIP:80 went to web2 (tail_ipv4_from_lxc_cont's egress entry, with the service's rev NAT index).
      cilium_ct4_global: [ctEntry(ctKey(client.ip, web2.ip, REVNAT_PORT, 8080, TCP, CT_EGRESS), { lifetime: FOREVER, srcSecId: client.identity, revNat: webSvc.revNatIndex })],
    },
  };
}

// ---- bpf_overlay ----

const HOST_MAC = '02:00:00:00:00:01', VXLAN_PEER_MAC = '02:00:00:00:00:02';
/** What the node's stack routes to the VXLAN device. */
const routed = (src: string, dst: string, l4: L4) => frame({ srcMac: HOST_MAC, dstMac: VXLAN_PEER_MAC, src, dst, l4 });

function toOverlay(): Corpus {
  const c = new Cases();
  c.add('node1 -> db ICMP: key from the IP cache, host identity', routed(n1.ip, db.ip, icmp()), {}, ok('TO_OVERLAY'))
    .add('node1 -> db TCP', routed(n1.ip, db.ip, tcp(50000, 5432)), {}, ok('TO_OVERLAY'))
    .add('router IP -> web2 UDP: host identity', routed(n1.routerIp, web2.ip, udp(50001, 8080)), {}, ok('TO_OVERLAY'))
    .add('client (a local pod) -> db UDP: the pod\'s identity', fromPod('client', db.ip, udp(50002, 9)), {}, ok('TO_OVERLAY'))
    .add('world source -> db: world identity', routed('8.8.8.8', db.ip, udp(53, 50003)), {}, ok('TO_OVERLAY'))
    .add('node1 -> node2\'s pod CIDR without a pod: tunnel to node2', routed(n1.ip, '10.0.2.99', icmp()), {}, ok('TO_OVERLAY'))
    .add('node1 -> node2\'s router IP', routed(n1.ip, n2.routerIp, icmp()), {}, ok('TO_OVERLAY'))
    .add('TCP header cut short: L4 is not parsed here', patchIpv4(routed(n1.ip, db.ip, tcp(50004, 5432)).subarray(0, 44), (b) => setU16(b, 16, 30)), {}, ok('TO_OVERLAY'))
    .add('node1 -> node2 IP: no tunnel endpoint in the IP cache', routed(n1.ip, n2.ip, udp(50005, 8472)), {}, drop('NO_TUNNEL_ENDPOINT'))
    .add('node1 -> world', routed(n1.ip, '8.8.8.8', icmp()), {}, drop('NO_TUNNEL_ENDPOINT'))
    .add('node1 -> a local pod: its tunnel endpoint is this node', routed(n1.ip, web.ip, icmp()), {}, drop('NO_TUNNEL_ENDPOINT'))
    .add('node1 -> cluster CIDR without a node', routed(n1.ip, '10.0.3.7', icmp()), {}, drop('NO_TUNNEL_ENDPOINT'))
    .add('unknown L3: IPv6 ethertype', withEthertype(routed(n1.ip, db.ip, icmp()), 0x86dd), {}, drop('UNKNOWN_L3'))
    .add('unknown L3: ARP', arpRequest({ srcMac: HOST_MAC, sip: n1.ip, tip: db.ip }), {}, drop('UNKNOWN_L3'));
  const good = routed(n1.ip, db.ip, tcp(50006, 5432));
  for (const [what, pkt] of brokenIpv4(good)) c.add(`malformed: ${what}`, pkt, {}, drop('INVALID'));
  for (const [what, pkt] of tooShort(good)) c.add(`refused: ${what}`, pkt, {}, refused());
  return {
    name: 'cil_to_overlay', object: 'bpf_overlay', prog: 'cil_to_overlay', node: 'node1',
    about: 'tc egress of node1\'s VXLAN device, packets without a tunnel key (a test run carries none): key from the IP cache',
    cases: c.list,
  };
}

function fromOverlay(): Corpus {
  const c = new Cases();
  const inner = (src: string, dst: string, l4: L4) => frame({ srcMac: client.mac, dstMac: n1.routerMac, src, dst, l4 });
  const good = inner(client.ip, db.ip, tcp(51000, 5432));
  c.add('client -> db TCP (a test run has no tunnel metadata)', good, {}, drop('NO_TUNNEL_KEY'))
    .add('client -> db UDP', inner(client.ip, db.ip, udp(51001, 9)), {}, drop('NO_TUNNEL_KEY'))
    .add('client -> node2 router ICMP', inner(client.ip, n2.routerIp, icmp()), {}, drop('NO_TUNNEL_KEY'))
    .add('client -> an unknown address of node2', inner(client.ip, '10.0.2.99', icmp()), {}, drop('NO_TUNNEL_KEY'))
    .add('IPv6 ethertype: the tunnel key is checked first', withEthertype(good, 0x86dd), {}, drop('NO_TUNNEL_KEY'))
    .add('ARP', arpRequest({ srcMac: client.mac, sip: client.ip, tip: db.ip }), {}, drop('NO_TUNNEL_KEY'))
    .add('ARP header only (14 bytes)', arpRequest({ srcMac: client.mac, sip: client.ip, tip: db.ip }).subarray(0, 14), {}, drop('NO_TUNNEL_KEY'))
    .add('malformed IPv4 (IHL 3)', patchIpv4(good, (b) => { b[14] = 0x43; }), {}, drop('NO_TUNNEL_KEY'));
  for (const [what, pkt] of tooShort(good)) c.add(`refused: ${what}`, pkt, {}, refused());
  return {
    name: 'cil_from_overlay', object: 'bpf_overlay', prog: 'cil_from_overlay', node: 'node2',
    about: 'tc ingress of node2\'s VXLAN device: only the no-tunnel-key path (bpf_skb_get_tunnel_key fails in a test run)',
    cases: c.list,
  };
}

// ---- bpf_host ----

/** A pod's packet to the world after node1's stack routed it to the external device. */
const out = (dst: string, l4: L4, src = client.ip) => frame({ srcMac: n1.mac, dstMac: GW_MAC, src, dst, l4, ttl: 63 });
/** A packet from the world to node1. */
const back = (src: string, l4: L4, o: { dstMac?: string; dst?: string; ttl?: number } = {}) =>
  frame({ srcMac: GW_MAC, dstMac: o.dstMac ?? n1.mac, src, dst: o.dst ?? n1.ip, l4, ...(o.ttl !== undefined ? { ttl: o.ttl } : {}) });

/** Two client source ports whose flows to 8.8.8.8:53 want the same first SNAT port. */
const [COLLIDE_A, COLLIDE_B] = collidingPorts('8.8.8.8', 53, 34000);

function toNetdev(): Corpus {
  const c = new Cases();
  c.add('client -> world UDP: SNAT to node IP:port (port by the flow hash)', out('8.8.8.8', udp(33000, 53)), {}, ok('TO_NETWORK'))
    .add('the same flow again: the existing mapping', out('8.8.8.8', udp(33000, 53)), {}, ok('TO_NETWORK'))
    .add('client -> world TCP SYN: SNAT', out('1.1.1.1', tcp(33001, 443)), {}, ok('TO_NETWORK'))
    .add('client -> world TCP ACK: same mapping', out('1.1.1.1', tcp(33001, 443, 'A')), {}, ok('TO_NETWORK'))
    .add('client -> world ICMP echo: the identifier is the port', out('1.1.1.1', icmp(8, 0x1234)), {}, ok('TO_NETWORK'))
    .add('jail -> world UDP: SNAT of another pod', out('8.8.8.8', udp(33000, 53), jail.ip), {}, ok('TO_NETWORK'))
    .add('port of attempt 0 taken (seeded INGRESS entry): attempt 1', out('8.8.8.8', udp(33002, 53)), {}, ok('TO_NETWORK'))
    .add('same pod port to another remote endpoint: attempt 0 is free there', out('8.8.4.4', udp(33002, 53)), {}, ok('TO_NETWORK'))
    .add(`colliding flows, first (sport ${COLLIDE_A}): takes the port`, out('8.8.8.8', udp(COLLIDE_A, 53)), {}, ok('TO_NETWORK'))
    .add(`colliding flows, second (sport ${COLLIDE_B}): same first port, moves to the next`, out('8.8.8.8', udp(COLLIDE_B, 53)), {}, ok('TO_NETWORK'))
    .add('all 16 attempts taken (seeded): no mapping', out('9.9.9.9', udp(33003, 53)), {}, drop('NAT_NO_MAPPING'))
    .add('pod -> pod of another node: not masqueraded', out(db.ip, tcp(33004, 5432)), {}, ok('TO_NETWORK'))
    .add('pod -> another node: not masqueraded', out(n2.ip, udp(33005, 8472)), {}, ok('TO_NETWORK'))
    .add('node -> world: not masqueraded (host identity)', out('8.8.8.8', udp(33006, 53), n1.ip), {}, ok('TO_NETWORK'))
    .add('forwarded world -> world: not masqueraded', out('1.1.1.1', udp(33007, 53), '8.8.4.4'), {}, ok('TO_NETWORK'))
    .add('pod -> pod of another node, SCTP: not masqueraded, L4 not needed', patchIpv4(out(db.ip, tcp(33008, 5432)), (b) => { b[23] = 132; }), {}, ok('TO_NETWORK'))
    .add('pod -> world SCTP: cannot be masqueraded', patchIpv4(out('8.8.8.8', tcp(33009, 80)), (b) => { b[23] = 132; }), {}, drop('NAT_UNSUPP_PROTO'))
    .add('pod -> world ICMP echo reply: cannot be masqueraded', out('8.8.8.8', icmp(0, 0x55)), {}, drop('NAT_UNSUPP_PROTO'))
    .add('pod -> world ICMP timestamp: refused by the L4 parser first', out('8.8.8.8', icmp(13, 0x56)), {}, drop('UNKNOWN_ICMP4_TYPE'))
    .add('pod -> world fragment', patchIpv4(out('8.8.8.8', tcp(33010, 80)), (b) => { b[20] = 0x20; }), {}, drop('FRAG_NOSUPPORT'))
    .add('pod -> world TCP header cut short', patchIpv4(out('8.8.8.8', tcp(33011, 80)).subarray(0, 44), (b) => setU16(b, 16, 30)), {}, drop('CT_INVALID_HDR'))
    .add('pod -> world UDP length beyond the datagram', edit(out('8.8.8.8', udp(33012, 53)), (b) => setU16(b, 14 + 20 + 4, 200)), {}, drop('CT_INVALID_HDR'))
    .add('ARP: passes untraced', arpRequest({ srcMac: n1.mac, sip: n1.ip, tip: '192.168.10.254' }), {}, ok())
    .add('ARP header only (14 bytes): passes', arpRequest({ srcMac: n1.mac, sip: n1.ip, tip: '192.168.10.254' }).subarray(0, 14), {}, ok())
    .add('IPv6: passes untraced', withEthertype(out('8.8.8.8', tcp(33013, 53)), 0x86dd), {}, ok());
  const good = out('8.8.8.8', udp(33014, 53));
  for (const [what, pkt] of brokenIpv4(good)) c.add(`malformed: ${what}`, pkt, {}, drop('INVALID'));
  for (const [what, pkt] of tooShort(good)) c.add(`refused: ${what}`, pkt, {}, refused());

  const taken = (sport: number, dst: string, attempt: number) => ({
    key: ctKey(dst, n1.ip, 53, snatPortOf(client.ip, sport, dst, 53, UDP, attempt), UDP, NAT_INGRESS),
    value: { to_addr: ip4('10.0.1.77'), to_port: 1000 + attempt, pad: 0 },
  });
  return {
    name: 'cil_to_netdev', object: 'bpf_host', prog: 'cil_to_netdev', node: 'node1',
    about: 'tc egress of node1\'s external device: SNAT of pod traffic leaving the cluster, collisions, exhaustion, what is not masqueraded',
    cases: c.list,
    seed: {
      cilium_snat_v4_external: [taken(33002, '8.8.8.8', 0), ...Array.from({ length: 16 }, (_, i) => taken(33003, '9.9.9.9', i))],
    },
  };
}

function fromNetdev(): Corpus {
  const udpPort = snatPortOf(client.ip, 33020, '8.8.8.8', 53, UDP);
  const tcpPort = snatPortOf(client.ip, 33021, '1.1.1.1', 443, TCP);
  const icmpId = snatPortOf(client.ip, 0x1234, '1.1.1.1', 0, ICMP);
  const webPort = snatPortOf(web.ip, 33022, '8.8.8.8', 123, UDP);
  const gonePort = 33999;
  const otherPort = udpPort === SNAT_MAX ? SNAT_MIN : udpPort + 1;
  const c = new Cases();
  c.add('UDP reply to a masqueraded flow: reverse SNAT, routed to client\'s lxc, world identity in the mark', back('8.8.8.8', udp(53, udpPort)), {}, redirect('FROM_NETWORK'))
    .add('the same again', back('8.8.8.8', udp(53, udpPort)), {}, redirect('FROM_NETWORK'))
    .add('TCP SYN-ACK reply: reverse SNAT', back('1.1.1.1', tcp(443, tcpPort, 'SA')), {}, redirect('FROM_NETWORK'))
    .add('ICMP echo reply: the identifier back', back('1.1.1.1', icmp(0, icmpId)), {}, redirect('FROM_NETWORK'))
    .add('UDP reply for web\'s flow: to web\'s lxc', back('8.8.8.8', udp(123, webPort)), {}, redirect('FROM_NETWORK'))
    .add('reply with TTL 1: cannot be routed into the pod', back('8.8.8.8', udp(53, udpPort), { ttl: 1 }), {}, drop('TTL_EXCEEDED', 'FROM_NETWORK'))
    .add('a mapping whose pod is gone: the stack\'s', back('8.8.8.8', udp(53, gonePort)), {}, ok('FROM_NETWORK'))
    .add('no mapping for that port: the stack\'s', back('8.8.8.8', udp(53, otherPort)), {}, ok('FROM_NETWORK'))
    .add('a mapped reply from another remote endpoint: no mapping', back('8.8.4.4', udp(53, udpPort)), {}, ok('FROM_NETWORK'))
    .add('ICMP echo request to the node: the stack\'s', back('1.1.1.1', icmp(8, icmpId)), {}, ok('FROM_NETWORK'))
    .add('frame for another MAC', back('8.8.8.8', udp(53, udpPort), { dstMac: '52:54:00:00:00:99' }), {}, ok('FROM_NETWORK'))
    .add('not for the node IP', back('8.8.8.8', udp(53, udpPort), { dst: '192.168.10.99' }), {}, ok('FROM_NETWORK'))
    .add('world -> a pod address directly: not ours', back('8.8.8.8', udp(53, 33020), { dst: client.ip }), {}, ok('FROM_NETWORK'))
    .add('fragment of a reply: no L4, the stack\'s', patchIpv4(back('8.8.8.8', udp(53, udpPort)), (b) => { b[20] = 0x20; }), {}, ok('FROM_NETWORK'))
    .add('reply with the UDP header cut short: the stack\'s', patchIpv4(back('8.8.8.8', udp(53, udpPort)).subarray(0, 40), (b) => setU16(b, 16, 26)), {}, ok('FROM_NETWORK'))
    .add('SCTP to the node', patchIpv4(back('8.8.8.8', tcp(53, udpPort)), (b) => { b[23] = 132; }), {}, ok('FROM_NETWORK'))
    .add('ARP: passes untraced', arpRequest({ srcMac: GW_MAC, sip: '192.168.10.254', tip: n1.ip }), {}, ok())
    .add('ARP header only (14 bytes): passes', arpRequest({ srcMac: GW_MAC, sip: '192.168.10.254', tip: n1.ip }).subarray(0, 14), {}, ok())
    .add('IPv6: passes untraced', withEthertype(back('8.8.8.8', tcp(53, udpPort)), 0x86dd), {}, ok());
  const good = back('8.8.8.8', udp(53, udpPort));
  for (const [what, pkt] of brokenIpv4(good)) c.add(`malformed: ${what}`, pkt, {}, drop('INVALID'));
  for (const [what, pkt] of tooShort(good)) c.add(`refused: ${what}`, pkt, {}, refused());
  return {
    name: 'cil_from_netdev', object: 'bpf_host', prog: 'cil_from_netdev', node: 'node1',
    about: 'tc ingress of node1\'s external device: reverse SNAT of replies (mappings seeded as cil_to_netdev writes them) and delivery to the pod',
    cases: c.list,
    seed: {
      cilium_snat_v4_external: [
        ...natPair(client.ip, 33020, '8.8.8.8', 53, UDP, udpPort),
        ...natPair(client.ip, 33021, '1.1.1.1', 443, TCP, tcpPort),
        ...natPair(client.ip, 0x1234, '1.1.1.1', 0, ICMP, icmpId),
        ...natPair(web.ip, 33022, '8.8.8.8', 123, UDP, webPort),
        ...natPair('10.0.1.77', 33023, '8.8.8.8', 53, UDP, gonePort),
      ],
    },
  };
}

// ---- all of them ----

export function allCorpora(): Corpus[] {
  return [fromContainer(), ...fromContainerMissedTailCalls(), toContainer(), toOverlay(), fromOverlay(), toNetdev(), fromNetdev()];
}

/** A corpus made concrete: the object, its initial maps, .rodata patches and inputs. */
export interface ResolvedCorpus {
  corpus: Corpus;
  objPath: string;
  maps: MapsJson;
  /** The node's .rodata values (variable -> map JSON value) and their patches. */
  rodata: Record<string, JsonValue>;
  globals: GlobalPatch[];
  inputs: DiffInput[];
}

export async function resolveCorpus(corpus: Corpus): Promise<ResolvedCorpus> {
  const spec = await objectSpec(corpus.object);
  const maps = mapsOf(spec, nodeMaps(CLUSTER, corpus.node));
  for (const [name, entries] of Object.entries(corpus.seed ?? {})) {
    if (!spec.maps.some((m) => m.name === name)) throw new Error(`${corpus.name}: ${corpus.object} has no map ${name}`);
    maps[name] = [...(maps[name] ?? []), ...entries];
  }
  for (const [name, entries] of Object.entries(corpus.replace ?? {})) {
    if (!spec.maps.some((m) => m.name === name)) throw new Error(`${corpus.name}: ${corpus.object} has no map ${name}`);
    maps[name] = entries;
  }
  const rodata = nodeConfig(CLUSTER, corpus.node);
  return {
    corpus, objPath: objectPath(corpus.object), maps, rodata,
    globals: rodataPatches(spec, rodata),
    inputs: corpus.cases.map((c) => ({ data: c.data, ctx: encodeCtx(SKB_CTX, c.ctx) })),
  };
}

// ---- files ----

export interface CorpusFiles {
  pcap: string;
  maps: string;
  manifest: string;
}

export function corpusFiles(name: string): CorpusFiles {
  return { pcap: join(CORPUS_DIR, `${name}.pcap`), maps: join(CORPUS_DIR, `${name}.maps.json`), manifest: join(CORPUS_DIR, `${name}.json`) };
}

/** The pcap: one Ethernet record per case, timestamps 1 s apart from 2024-01-01 (deterministic). */
export async function pcapBytes(cases: readonly CorpusCase[]): Promise<Uint8Array> {
  const w = new PcapWriter(undefined, { snaplen: 65535 });
  for (const [i, c] of cases.entries()) await w.write({ timestamp: { seconds: 1_704_067_200 + i, nanos: 0 }, data: c.data });
  await w.close();
  return w.toBytes();
}

/** Map JSON with one entry per line: small diffs when the corpus changes. */
export function mapsText(maps: MapsJson): string {
  const names = Object.keys(maps).sort();
  const body = names.map((n) => `  ${JSON.stringify(n)}: [${maps[n]!.length ? '\n' + maps[n]!.map((e) => `    ${JSON.stringify(e)}`).join(',\n') + '\n  ' : ''}]`);
  return `{\n${body.join(',\n')}\n}\n`;
}

export function manifestText(r: ResolvedCorpus): string {
  const { corpus } = r;
  const cases = corpus.cases.map((c, i) => `    ${JSON.stringify({ index: i, name: c.name, ctx: c.ctx, expect: c.expect })}`);
  return [
    '{',
    `  "object": ${JSON.stringify(`bpf/build/${corpus.object}.o`)},`,
    `  "prog": ${JSON.stringify(corpus.prog)},`,
    `  "about": ${JSON.stringify(corpus.about)},`,
    `  "node": ${JSON.stringify(corpus.node)},`,
    `  "rodata": ${JSON.stringify(r.rodata)},`,
    '  "cases": [',
    cases.join(',\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}

function writeIfChanged(path: string, bytes: Uint8Array | string): boolean {
  const data = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (existsSync(path) && readFileSync(path).equals(data)) return false;
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
  return true;
}

/** Writes the corpus's files where missing or stale; returns the paths it (re)wrote. */
export async function syncCorpusFiles(r: ResolvedCorpus): Promise<string[]> {
  mkdirSync(CORPUS_DIR, { recursive: true });
  const f = corpusFiles(r.corpus.name);
  const written: string[] = [];
  if (writeIfChanged(f.pcap, await pcapBytes(r.corpus.cases))) written.push(f.pcap);
  if (writeIfChanged(f.maps, mapsText(r.maps))) written.push(f.maps);
  if (writeIfChanged(f.manifest, manifestText(r))) written.push(f.manifest);
  return written;
}

// ---- reading what the emulator did ----

/** The emulator's run of one input as an Outcome (cilium_events decoded per docs/datapath-events.md). */
export function outcomeOf(run: { refused?: { errno: number }; retval: number; events: { map: string; data: Uint8Array }[] }): Outcome {
  if (run.refused) return { verdict: `refused errno ${run.refused.errno}`, events: [] };
  return {
    verdict: VERDICT_OF[run.retval] ?? (`retval ${run.retval}` as Verdict),
    events: run.events.filter((e) => e.map === 'cilium_events').map((e) => eventText(decodeEvent(e.data))),
  };
}

export { TCP, UDP, ICMP, client, web, jail, db, web2, n1, n2, webSvc, SVC_LOCAL_PORT, SVC_REMOTE_PORT };
