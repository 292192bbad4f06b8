// Addresses of nodes and pods: each node's pod CIDR gives its router (.1) and its pods (from
// .10 upward in scenario order, unless a pod names its IP). Everything that would make two
// things share an address, or put an address where the routing cannot reach it, is refused.

import type { Scenario } from '../scenario/schema.js';
import { AgentError } from './errors.js';
import { cidrAt, coveringPrefix, formatPrefix, ipAt, maskOf, numToIp, prefixContains, prefixesOverlap, type Prefix } from './ipv4.js';
import { lxcName, MAX_NUMBERED } from './topology.js';

export interface NodeAddresses {
  name: string;
  /** From 1, in scenario order (MACs carry it). */
  number: number;
  ip: string;
  podCidr: Prefix;
  routerIp: string;
}

export interface PodAddress {
  ip: string;
  node: NodeAddresses;
  /** The pod's position among its node's pods, from 1 (lxc ifindex 10 + slot). */
  slot: number;
}

const ROUTER_OFFSET = 1;
const FIRST_POD_OFFSET = 10;
const hostAt = (p: Prefix, offset: number) => numToIp((p.base + offset) >>> 0);
const broadcastOf = (p: Prefix) => (p.base | (~maskOf(p.len) >>> 0)) >>> 0;

export function planNodeAddresses(s: Scenario): NodeAddresses[] {
  const { nodes } = s.cluster;
  if (nodes.length > MAX_NUMBERED) throw new AgentError(['cluster', 'nodes'], `at most ${MAX_NUMBERED} nodes (MACs carry the node number)`);
  const serviceCidr = cidrAt(s.cluster.serviceCIDR, ['cluster', 'serviceCIDR']);
  const out: NodeAddresses[] = [];
  nodes.forEach((n, i) => {
    const at = ['cluster', 'nodes', i];
    if (out.some((o) => o.name === n.name)) throw new AgentError([...at, 'name'], `duplicate node name ${n.name}`);
    ipAt(n.ip, [...at, 'ip']);
    const same = out.find((o) => o.ip === n.ip);
    if (same) throw new AgentError([...at, 'ip'], `${n.ip} is already node ${same.name}'s address`);
    const podCidr = cidrAt(n.podCIDR, [...at, 'podCIDR']);
    if (podCidr.len > 30) throw new AgentError([...at, 'podCIDR'], `${n.podCIDR} leaves no room for the router and pods (at most /30)`);
    const overlap = out.find((o) => prefixesOverlap(o.podCidr, podCidr));
    if (overlap) throw new AgentError([...at, 'podCIDR'], `${n.podCIDR} overlaps node ${overlap.name}'s pod CIDR ${formatPrefix(overlap.podCidr)}`);
    if (prefixesOverlap(serviceCidr, podCidr)) throw new AgentError([...at, 'podCIDR'], `${n.podCIDR} overlaps the service CIDR ${s.cluster.serviceCIDR}`);
    out.push({ name: n.name, number: i + 1, ip: n.ip, podCidr, routerIp: hostAt(podCidr, ROUTER_OFFSET) });
  });
  const cluster = clusterCidrOf(out);
  nodes.forEach((n, i) => {
    const ip = { base: ipAt(n.ip, []), len: 32 };
    if (prefixContains(cluster, ip)) throw new AgentError(['cluster', 'nodes', i, 'ip'], `${n.ip} is inside the cluster CIDR ${formatPrefix(cluster)} (the pod CIDRs' /16 or wider)`);
    if (prefixContains(serviceCidr, ip)) throw new AgentError(['cluster', 'nodes', i, 'ip'], `${n.ip} is inside the service CIDR ${s.cluster.serviceCIDR}`);
  });
  return out;
}

/** All pod CIDRs: the smallest prefix covering them, at least a /16 (as a Kubernetes cluster CIDR). */
export function clusterCidrOf(nodes: NodeAddresses[]): Prefix {
  return coveringPrefix(nodes.map((n) => n.podCidr), 16);
}

/** The L2 segment of the node IPs: the smallest prefix covering them, at least a /24. */
export function underlayCidrOf(nodes: NodeAddresses[]): Prefix {
  return coveringPrefix(nodes.map((n) => ({ base: ipAt(n.ip, []), len: 32 })), 24);
}

export function allocatePodIps(s: Scenario, nodes: NodeAddresses[]): PodAddress[] {
  const taken = new Map<number, string>(); // address → pod name
  const slots = new Map<string, number>();
  const lxcs = new Map<string, string>(); // node/lxc name → pod
  const placed = s.pods.map((p, i) => {
    const at = ['pods', i];
    if (s.pods.findIndex((q) => q.name === p.name) !== i) throw new AgentError([...at, 'name'], `duplicate pod name ${p.name} (pod names are unique across namespaces)`);
    const node = nodes.find((n) => n.name === p.node);
    if (!node) throw new AgentError([...at, 'node'], `unknown node ${p.node} (nodes: ${nodes.map((n) => n.name).join(', ')})`);
    const device = `${node.name}/${lxcName(p.name)}`;
    const clash = lxcs.get(device);
    if (clash) throw new AgentError([...at, 'name'], `pods ${clash} and ${p.name} on ${node.name} would both get device ${lxcName(p.name)} (lxc + the first 11 characters of the name)`);
    lxcs.set(device, p.name);
    const slot = (slots.get(node.name) ?? 0) + 1;
    slots.set(node.name, slot);
    if (p.ip !== undefined) reserveExplicit(p.ip, p.name, node, taken, [...at, 'ip']);
    return { node, slot };
  });
  return s.pods.map((p, i) => {
    const { node, slot } = placed[i]!;
    if (p.ip !== undefined) return { ip: p.ip, node, slot };
    const last = broadcastOf(node.podCidr) - 1;
    for (let a = (node.podCidr.base + FIRST_POD_OFFSET) >>> 0; a <= last; a++) {
      if (!taken.has(a)) {
        taken.set(a, p.name);
        return { ip: numToIp(a), node, slot };
      }
    }
    throw new AgentError(['pods', i], `node ${node.name}'s pod CIDR ${formatPrefix(node.podCidr)} has no free address left for ${p.name}`);
  });
}

function reserveExplicit(ip: string, pod: string, node: NodeAddresses, taken: Map<number, string>, path: (string | number)[]): void {
  const a = ipAt(ip, path);
  const cidr = formatPrefix(node.podCidr);
  if (!prefixContains(node.podCidr, { base: a, len: 32 })) throw new AgentError(path, `${ip} is outside node ${node.name}'s pod CIDR ${cidr}`);
  if (a === node.podCidr.base || a === broadcastOf(node.podCidr)) throw new AgentError(path, `${ip} is the network or broadcast address of ${cidr}`);
  if (ip === node.routerIp) throw new AgentError(path, `${ip} is node ${node.name}'s router address`);
  const other = taken.get(a);
  if (other !== undefined) throw new AgentError(path, `${ip} is already pod ${other}'s address`);
  taken.set(a, pod);
}
