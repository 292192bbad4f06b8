// Map contents and node configuration for the datapath (bpf/bpf_{lxc,overlay,host}.c) from a
// small cluster description: what a control plane ("agent") writes, in the project's map
// JSON format (docs/map-json.md) for the VM, and as per-entry bytes for the kernel. The
// layouts are documented in docs/datapath.md.

import { readFileSync } from 'node:fs';
import type { ObjectSpec } from '../../src/elf/index.js';
import { createMap, encodeValue, importMaps, type AnyBpfMap, type JsonValue, type MapsJson } from '../../src/maps/index.js';
import { toMapDef } from '../../src/vm/index.js';

export interface NodeSpec {
  name: string;
  ip: string;
  mac: string;
  /** The pods' gateway (cilium_host) and the MAC the datapath answers ARP with. */
  routerIp: string;
  routerMac: string;
  podCidr: string;
  nativeIfindex: number;
  vxlanIfindex: number;
  /** Endpoint id of the node itself (its IPs are host endpoints in cilium_lxc). */
  hostEndpointId: number;
}

export interface PodSpec {
  name: string;
  node: string;
  ip: string;
  mac: string;
  /** The host-side veth's MAC: source of frames the datapath delivers to the pod. */
  lxcMac: string;
  ifindex: number;
  endpointId: number;
  identity: number;
  enforce?: { ingress?: boolean; egress?: boolean };
}

export interface ServiceSpec {
  name: string;
  vip: string;
  port: number;
  proto: Proto;
  revNatIndex: number;
  backends: { id: number; ip: string; port: number }[];
}

/** A peer: a pod name (its identity), "any" (0), a reserved name, or an identity number. */
export type Peer = string | number;
export type Proto = 'TCP' | 'UDP' | 'ICMP';

export interface PolicyRule {
  pod: string;
  direction: 'ingress' | 'egress';
  peer: Peer;
  /** Omitted: any protocol (and any port). */
  proto?: Proto;
  /** Destination port (ICMP: the type); omitted: any port of proto. */
  port?: number;
  /** Last port of a range (k8s endPort), split into prefixes here. */
  endPort?: number;
  deny?: boolean;
}

export interface ClusterSpec {
  clusterCidr: string;
  masquerade: boolean;
  snatPorts: [number, number];
  hashSeed: number;
  nodes: NodeSpec[];
  pods: PodSpec[];
  services: ServiceSpec[];
  rules: PolicyRule[];
}

// ---- constants shared with bpf/lib (see docs/datapath.md) ----

export const AF_INET = 2;
export const IDENTITY = { unknown: 0, host: 1, world: 2, 'remote-node': 6 } as const;
export const PROTO: Record<Proto, number> = { ICMP: 1, TCP: 6, UDP: 17 };
export const ENDPOINT_F = { HOST: 0x1, POLICY_INGRESS: 0x2, POLICY_EGRESS: 0x4 } as const;
export const IPCACHE_F = { HAS_TUNNEL_EP: 0x1, SKIP_TUNNEL: 0x2 } as const;
/** LPM prefix lengths of cilium_policy keys: identity+endpoint+direction, + protocol, + port. */
export const POLICY_PREFIX = { ANY: 56, PROTO: 64, FULL: 80 } as const;
/** cilium_ipcache: family, pad and cluster id always match. */
export const ipcachePrefixLen = (bits: number): number => 32 + bits;

export function loadCluster(path: string): ClusterSpec {
  return JSON.parse(readFileSync(path, 'utf8')) as ClusterSpec;
}

// ---- small conversions ----

/** An IPv4 address as the JSON number of a __be32 (host meaning): 10.0.0.1 -> 167772161. */
export function ip4(addr: string): number {
  const p = addr.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new Error(`bad IPv4 address ${addr}`);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

export function cidr(text: string): { addr: number; len: number } {
  const [a, l] = text.split('/');
  const len = Number(l);
  if (a === undefined || !Number.isInteger(len) || len < 0 || len > 32) throw new Error(`bad CIDR ${text}`);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return { addr: (ip4(a) & mask) >>> 0, len };
}

const macHex = (mac: string): string => mac.split(':').join('').toLowerCase();

/** A port range as prefixes of the 16-bit port: [{port, bits}], bits = prefix length within the port. */
export function portPrefixes(lo: number, hi: number): { port: number; bits: number }[] {
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && hi <= 0xffff && lo <= hi)) throw new Error(`bad port range ${lo}-${hi}`);
  const out: { port: number; bits: number }[] = [];
  let p = lo;
  while (p <= hi) {
    let size = 1;
    while (size < 0x10000 && p % (size * 2) === 0 && p + size * 2 - 1 <= hi) size *= 2;
    out.push({ port: p, bits: 16 - Math.log2(size) });
    p += size;
  }
  return out;
}

// ---- the cluster's view from one node ----

export function node(c: ClusterSpec, name: string): NodeSpec {
  const n = c.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name} (nodes: ${c.nodes.map((x) => x.name).join(', ')})`);
  return n;
}

export function pod(c: ClusterSpec, name: string): PodSpec {
  const p = c.pods.find((x) => x.name === name);
  if (!p) throw new Error(`no pod ${name} (pods: ${c.pods.map((x) => x.name).join(', ')})`);
  return p;
}

export function peerIdentity(c: ClusterSpec, peer: Peer): number {
  if (typeof peer === 'number') return peer;
  if (peer === 'any') return 0;
  if (peer in IDENTITY) return IDENTITY[peer as keyof typeof IDENTITY];
  return pod(c, peer).identity;
}

/** The values of the .rodata variables of bpf/lib/config.h for one node. */
export function nodeConfig(c: ClusterSpec, nodeName: string): Record<string, JsonValue> {
  const n = node(c, nodeName);
  const pods = cidr(n.podCidr);
  const cluster = cidr(c.clusterCidr);
  return {
    node_ip: ip4(n.ip),
    router_ip: ip4(n.routerIp),
    router_mac: macHex(n.routerMac),
    vxlan_ifindex: n.vxlanIfindex,
    native_ifindex: n.nativeIfindex,
    native_mac: macHex(n.mac),
    pod_cidr: pods.addr,
    pod_cidr_len: pods.len,
    cluster_cidr: cluster.addr,
    cluster_cidr_len: cluster.len,
    enable_masquerade: c.masquerade ? 1 : 0,
    snat_port_min: c.snatPorts[0],
    snat_port_max: c.snatPorts[1],
    hash_seed: c.hashSeed,
  };
}

export interface GlobalPatch {
  section: string;
  offset: number;
  bytes: Uint8Array;
}

/** Config values -> byte patches of .rodata at each variable's offset (from BTF), for both loaders. */
export function rodataPatches(spec: ObjectSpec, values: Record<string, JsonValue>): GlobalPatch[] {
  const rodata = spec.maps.find((m) => m.source === 'data' && m.name === '.rodata');
  if (!rodata?.dataLayout) throw new Error(`${spec.path}: no .rodata with BTF variables`);
  return Object.entries(values).map(([name, value]) => {
    const v = rodata.dataLayout!.find((d) => d.name === name);
    if (!v) throw new Error(`${spec.path}: .rodata has no variable ${name} (has ${rodata.dataLayout!.map((d) => d.name).join(', ')})`);
    return { section: '.rodata', offset: v.offset, bytes: encodeValue(v.layout, value) };
  });
}

const ipcacheKey = (addr: number, bits: number): JsonValue => ({
  prefixlen: ipcachePrefixLen(bits),
  data: { cluster_id: 0, pad: 0, family: AF_INET, addr: { ip4: addr } },
});

/** cilium_ipcache: world, every pod (with its node as tunnel endpoint), node and router IPs, remote pod CIDRs. */
function ipcacheEntries(c: ClusterSpec, self: NodeSpec): MapsJson[string] {
  const out: MapsJson[string] = [{ key: ipcacheKey(0, 0), value: { sec_identity: IDENTITY.world, tunnel_endpoint: 0, flags: 0 } }];
  for (const n of c.nodes) {
    const local = n.name === self.name;
    const identity = local ? IDENTITY.host : IDENTITY['remote-node'];
    out.push({ key: ipcacheKey(ip4(n.ip), 32), value: { sec_identity: identity, tunnel_endpoint: 0, flags: 0 } });
    out.push({
      key: ipcacheKey(ip4(n.routerIp), 32),
      value: { sec_identity: identity, tunnel_endpoint: ip4(n.ip), flags: local ? 0 : IPCACHE_F.HAS_TUNNEL_EP },
    });
    if (!local) {
      const pc = cidr(n.podCidr);
      out.push({ key: ipcacheKey(pc.addr, pc.len), value: { sec_identity: IDENTITY.world, tunnel_endpoint: ip4(n.ip), flags: IPCACHE_F.HAS_TUNNEL_EP } });
    }
  }
  for (const p of c.pods) {
    out.push({
      key: ipcacheKey(ip4(p.ip), 32),
      value: { sec_identity: p.identity, tunnel_endpoint: ip4(node(c, p.node).ip), flags: IPCACHE_F.HAS_TUNNEL_EP },
    });
  }
  return out;
}

const endpointKey = (addr: number): JsonValue => ({ addr: { ip4: addr }, family: AF_INET, pad: 0, cluster_id: 0 });

/** cilium_lxc: the node's pods, and its own IPs as host endpoints. */
function endpointEntries(c: ClusterSpec, self: NodeSpec): MapsJson[string] {
  const host = (ip: string) => ({
    key: endpointKey(ip4(ip)),
    value: { ifindex: 0, lxc_id: self.hostEndpointId, flags: ENDPOINT_F.HOST, sec_id: IDENTITY.host, mac: '000000000000', node_mac: '000000000000' },
  });
  const out: MapsJson[string] = [host(self.ip), host(self.routerIp)];
  for (const p of c.pods.filter((x) => x.node === self.name)) {
    const flags = (p.enforce?.ingress ? ENDPOINT_F.POLICY_INGRESS : 0) | (p.enforce?.egress ? ENDPOINT_F.POLICY_EGRESS : 0);
    out.push({
      key: endpointKey(ip4(p.ip)),
      value: { ifindex: p.ifindex, lxc_id: p.endpointId, flags, sec_id: p.identity, mac: macHex(p.mac), node_mac: macHex(p.lxcMac) },
    });
  }
  return out;
}

/** One rule -> cilium_policy entries (a port range becomes several prefixes). */
export function policyEntries(c: ClusterSpec, rule: PolicyRule): MapsJson[string] {
  const p = pod(c, rule.pod);
  const base = { sec_label: peerIdentity(c, rule.peer), lxc_id: p.endpointId, egress: rule.direction === 'egress' ? 1 : 0 };
  const value = { deny: rule.deny ? 1 : 0, flags: 0, proxy_port: 0, pad: 0, packets: 0, bytes: 0 };
  if (rule.proto === undefined) {
    if (rule.port !== undefined) throw new Error(`rule for ${rule.pod}: a port needs a protocol`);
    return [{ key: { prefixlen: POLICY_PREFIX.ANY, data: { ...base, protocol: 0, dport: 0, pad: 0 } }, value }];
  }
  const protocol = PROTO[rule.proto];
  if (rule.port === undefined) return [{ key: { prefixlen: POLICY_PREFIX.PROTO, data: { ...base, protocol, dport: 0, pad: 0 } }, value }];
  return portPrefixes(rule.port, rule.endPort ?? rule.port).map(({ port, bits }) => ({
    key: { prefixlen: POLICY_PREFIX.PROTO + bits, data: { ...base, protocol, dport: port, pad: 0 } },
    value,
  }));
}

/** Services (slot 0 + one slot per backend), backends, reverse NAT. Every node has every service. */
function serviceMaps(c: ClusterSpec): Pick<MapsJson, 'cilium_lb4_services_v2' | 'cilium_lb4_backends_v3' | 'cilium_lb4_reverse_nat'> {
  const services: MapsJson[string] = [];
  const backends = new Map<number, JsonValue>();
  const revnat: MapsJson[string] = [];
  for (const s of c.services) {
    const key = (slot: number) => ({ address: ip4(s.vip), dport: s.port, backend_slot: slot, proto: PROTO[s.proto], scope: 0 });
    services.push({ key: key(0), value: { backend_id: 0, count: s.backends.length, rev_nat_index: s.revNatIndex, flags: 0 } });
    s.backends.forEach((b, i) => {
      services.push({ key: key(i + 1), value: { backend_id: b.id, count: 0, rev_nat_index: s.revNatIndex, flags: 0 } });
      backends.set(b.id, { address: ip4(b.ip), port: b.port, proto: PROTO[s.proto], flags: 0 });
    });
    revnat.push({ key: s.revNatIndex, value: { address: ip4(s.vip), port: s.port, pad: 0 } });
  }
  return {
    cilium_lb4_services_v2: services,
    cilium_lb4_backends_v3: [...backends].map(([id, value]) => ({ key: id, value })),
    cilium_lb4_reverse_nat: revnat,
  };
}

/** Every control-plane-owned map of one node, in the map JSON format. */
export function nodeMaps(c: ClusterSpec, nodeName: string): MapsJson {
  const self = node(c, nodeName);
  const localPods = new Set(c.pods.filter((p) => p.node === nodeName).map((p) => p.name));
  return {
    cilium_ipcache: ipcacheEntries(c, self),
    cilium_lxc: endpointEntries(c, self),
    cilium_policy: c.rules.filter((r) => localPods.has(r.pod)).flatMap((r) => policyEntries(c, r)),
    ...serviceMaps(c),
  };
}

/** The part of `json` whose maps the object has (each object includes the maps its headers define). */
export function mapsOf(spec: ObjectSpec, json: MapsJson): MapsJson {
  const names = new Set(spec.maps.map((m) => m.name));
  return Object.fromEntries(Object.entries(json).filter(([name]) => names.has(name)));
}

/** Map JSON -> key/value bytes per entry, through the same codec the VM imports with (for KernelTestRun.update). */
export function entryBytes(spec: ObjectSpec, json: MapsJson, nCpus = 1): { map: string; key: Uint8Array; value: Uint8Array }[] {
  const scratch: Record<string, AnyBpfMap> = {};
  for (const name of Object.keys(json)) {
    const m = spec.maps.find((x) => x.name === name);
    if (!m) throw new Error(`${spec.path}: no map ${name}`);
    scratch[name] = createMap(toMapDef(m), { nCpus });
  }
  importMaps(scratch, json);
  return Object.entries(scratch).flatMap(([map, m]) =>
    [...m.entries()].map(([key, value]) => {
      if (!(value instanceof Uint8Array)) throw new Error(`map ${map}: only plain (not per-CPU or fd) maps are written by the builder`);
      return { map, key, value };
    }),
  );
}
