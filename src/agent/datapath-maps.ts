// Map contents of one node for the datapath (bpf/bpf_{lxc,overlay,host}.c), in the project's
// map JSON format (docs/map-json.md), from a resolved cluster description: addresses,
// identities, endpoint ids and policy entries already decided. The layouts are documented in
// docs/datapath.md; test/datapath pins them to bytes.

import type { JsonValue, MapsJson } from '../maps/index.js';
import { AF_INET, ENDPOINT_F, IDENTITY, IPCACHE_F, PROTO, POLICY_PREFIX, ipcachePrefixLen } from './datapath-constants.js';
import { ipToNum, parseCidr } from './ipv4.js';

export interface DatapathNode {
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

export interface DatapathEndpoint {
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

/** One frontend (VIP, port, protocol) with its backend slots. */
export interface DatapathService {
  name: string;
  vip: string;
  port: number;
  proto: 'TCP' | 'UDP';
  revNatIndex: number;
  backends: { id: number; ip: string; port: number }[];
}

/** One cilium_policy key: a peer identity (0 = any), protocol (0 = any), port prefix. */
export interface PolicyEntrySpec {
  /** The endpoint (pod name) whose policy this is. */
  pod: string;
  direction: 'ingress' | 'egress';
  identity: number;
  proto: number;
  /** Destination port (ICMP: the type) and how many of its 16 bits must match. */
  port: number;
  portPrefixLen: number;
  deny: boolean;
}

export interface DatapathCluster {
  clusterCidr: string;
  masquerade: boolean;
  snatPorts: [number, number];
  hashSeed: number;
  nodes: DatapathNode[];
  pods: DatapathEndpoint[];
  services: DatapathService[];
  policy: PolicyEntrySpec[];
  /** Prefixes of CIDR identities (policy CIDRs), for the IP cache. */
  cidrs?: { prefix: string; identity: number }[];
}

export function nodeOf(c: Pick<DatapathCluster, 'nodes'>, name: string): DatapathNode {
  const n = c.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name} (nodes: ${c.nodes.map((x) => x.name).join(', ')})`);
  return n;
}

export function podOf(c: Pick<DatapathCluster, 'pods'>, name: string): DatapathEndpoint {
  const p = c.pods.find((x) => x.name === name);
  if (!p) throw new Error(`no pod ${name} (pods: ${c.pods.map((x) => x.name).join(', ')})`);
  return p;
}

export const macHex = (mac: string): string => mac.split(':').join('').toLowerCase();

const ipcacheKey = (addr: number, bits: number): JsonValue => ({
  prefixlen: ipcachePrefixLen(bits),
  data: { cluster_id: 0, pad: 0, family: AF_INET, addr: { ip4: addr } },
});

type Entries = MapsJson[string];

/**
 * cilium_ipcache: world, node and router IPs, remote pod CIDRs, every pod (with its node as
 * tunnel endpoint), then CIDR identities. A CIDR that is exactly a cluster prefix only
 * renames a world entry (a remote pod CIDR keeps its tunnel); pods and nodes keep theirs.
 */
function ipcacheEntries(c: DatapathCluster, self: DatapathNode): Entries {
  const out = new Map<string, { key: JsonValue; value: { sec_identity: number; tunnel_endpoint: number; flags: number } }>();
  const put = (addr: number, bits: number, value: { sec_identity: number; tunnel_endpoint: number; flags: number }) => {
    out.set(`${addr}/${bits}`, { key: ipcacheKey(addr, bits), value });
  };
  put(0, 0, { sec_identity: IDENTITY.world, tunnel_endpoint: 0, flags: 0 });
  for (const n of c.nodes) {
    const local = n.name === self.name;
    const identity = local ? IDENTITY.host : IDENTITY['remote-node'];
    put(ipToNum(n.ip), 32, { sec_identity: identity, tunnel_endpoint: 0, flags: 0 });
    put(ipToNum(n.routerIp), 32, { sec_identity: identity, tunnel_endpoint: ipToNum(n.ip), flags: local ? 0 : IPCACHE_F.HAS_TUNNEL_EP });
    if (!local) {
      const pc = parseCidr(n.podCidr);
      put(pc.base, pc.len, { sec_identity: IDENTITY.world, tunnel_endpoint: ipToNum(n.ip), flags: IPCACHE_F.HAS_TUNNEL_EP });
    }
  }
  for (const p of c.pods) {
    put(ipToNum(p.ip), 32, { sec_identity: p.identity, tunnel_endpoint: ipToNum(nodeOf(c, p.node).ip), flags: IPCACHE_F.HAS_TUNNEL_EP });
  }
  for (const { prefix, identity } of c.cidrs ?? []) {
    const { base, len } = parseCidr(prefix);
    const existing = out.get(`${base}/${len}`);
    if (!existing) put(base, len, { sec_identity: identity, tunnel_endpoint: 0, flags: 0 });
    else if (existing.value.sec_identity === IDENTITY.world) existing.value = { ...existing.value, sec_identity: identity };
  }
  return [...out.values()];
}

const endpointKey = (addr: number): JsonValue => ({ addr: { ip4: addr }, family: AF_INET, pad: 0, cluster_id: 0 });

/** cilium_lxc: the node's pods, and its own IPs as host endpoints. */
function endpointEntries(c: DatapathCluster, self: DatapathNode): Entries {
  const host = (ip: string) => ({
    key: endpointKey(ipToNum(ip)),
    value: { ifindex: 0, lxc_id: self.hostEndpointId, flags: ENDPOINT_F.HOST, sec_id: IDENTITY.host, mac: '000000000000', node_mac: '000000000000' },
  });
  const out: Entries = [host(self.ip), host(self.routerIp)];
  for (const p of c.pods.filter((x) => x.node === self.name)) {
    const flags = (p.enforce?.ingress ? ENDPOINT_F.POLICY_INGRESS : 0) | (p.enforce?.egress ? ENDPOINT_F.POLICY_EGRESS : 0);
    out.push({
      key: endpointKey(ipToNum(p.ip)),
      value: { ifindex: p.ifindex, lxc_id: p.endpointId, flags, sec_id: p.identity, mac: macHex(p.mac), node_mac: macHex(p.lxcMac) },
    });
  }
  return out;
}

/** cilium_policy entries of one endpoint: prefix 56 = any protocol, 64 = any port, 64 + n = n bits of the port. */
export function policyMapEntries(endpointId: number, specs: Omit<PolicyEntrySpec, 'pod'>[]): Entries {
  return specs.map((s) => {
    const prefixlen = s.proto === 0 ? POLICY_PREFIX.ANY : POLICY_PREFIX.PROTO + s.portPrefixLen;
    return {
      key: {
        prefixlen,
        data: { sec_label: s.identity, lxc_id: endpointId, egress: s.direction === 'egress' ? 1 : 0, protocol: s.proto, dport: s.proto === 0 ? 0 : s.port, pad: 0 },
      },
      value: { deny: s.deny ? 1 : 0, flags: 0, proxy_port: 0, pad: 0, packets: 0, bytes: 0 },
    };
  });
}

/** Services (slot 0 + one slot per backend), backends, reverse NAT. Every node has every service. */
function serviceMaps(c: DatapathCluster): Pick<MapsJson, 'cilium_lb4_services_v2' | 'cilium_lb4_backends_v3' | 'cilium_lb4_reverse_nat'> {
  const services: Entries = [];
  const backends = new Map<number, JsonValue>();
  const revnat: Entries = [];
  for (const s of c.services) {
    const proto = PROTO[s.proto];
    const key = (slot: number) => ({ address: ipToNum(s.vip), dport: s.port, backend_slot: slot, proto, scope: 0 });
    services.push({ key: key(0), value: { backend_id: 0, count: s.backends.length, rev_nat_index: s.revNatIndex, flags: 0 } });
    s.backends.forEach((b, i) => {
      services.push({ key: key(i + 1), value: { backend_id: b.id, count: 0, rev_nat_index: s.revNatIndex, flags: 0 } });
      backends.set(b.id, { address: ipToNum(b.ip), port: b.port, proto, flags: 0 });
    });
    revnat.push({ key: s.revNatIndex, value: { address: ipToNum(s.vip), port: s.port, pad: 0 } });
  }
  return {
    cilium_lb4_services_v2: services,
    cilium_lb4_backends_v3: [...backends].map(([id, value]) => ({ key: id, value })),
    cilium_lb4_reverse_nat: revnat,
  };
}

/** Every control-plane-owned map of one node, in the map JSON format. */
export function nodeMaps(c: DatapathCluster, nodeName: string): MapsJson {
  const self = nodeOf(c, nodeName);
  const local = new Map(c.pods.filter((p) => p.node === nodeName).map((p) => [p.name, p.endpointId]));
  return {
    cilium_ipcache: ipcacheEntries(c, self),
    cilium_lxc: endpointEntries(c, self),
    cilium_policy: c.policy.filter((r) => local.has(r.pod)).flatMap((r) => policyMapEntries(local.get(r.pod)!, [r])),
    ...serviceMaps(c),
  };
}
