// The test cluster of the datapath tests: a small description (pods named, peers by pod name)
// turned into the agent's resolved form, whose encoders (src/agent) produce the map contents
// and node configuration the datapath objects are loaded with. Layouts: docs/datapath.md.

import { readFileSync } from 'node:fs';
import {
  nodeMaps as agentNodeMaps, nodeOf, podOf, policyMapEntries,
  type DatapathCluster, type DatapathEndpoint, type DatapathNode, type DatapathService, type PolicyEntrySpec,
} from '../../src/agent/datapath-maps.js';
import { IDENTITY, PROTO, type Proto } from '../../src/agent/datapath-constants.js';
import { ipToNum, parseCidr } from '../../src/agent/ipv4.js';
import { portRangeToPrefixes } from '../../src/agent/ports.js';
import type { MapsJson } from '../../src/maps/index.js';

export { AF_INET, ENDPOINT_F, IDENTITY, IPCACHE_F, POLICY_PREFIX, PROTO, ipcachePrefixLen, type Proto } from '../../src/agent/datapath-constants.js';
export { nodeConfig, rodataPatches, type GlobalPatch } from '../../src/agent/node-config.js';
export { entryBytes, mapsOf } from '../../src/agent/map-bytes.js';

export type NodeSpec = DatapathNode;
export type PodSpec = DatapathEndpoint;
export type ServiceSpec = DatapathService;

/** A peer: a pod name (its identity), "any" (0), a reserved name, or an identity number. */
export type Peer = string | number;

export interface PolicyRule {
  pod: string;
  direction: 'ingress' | 'egress';
  peer: Peer;
  /** Omitted: any protocol (and any port). */
  proto?: Proto;
  /** Destination port (ICMP: the type); omitted: any port of proto. */
  port?: number;
  /** Last port of a range (k8s endPort), split into prefixes. */
  endPort?: number;
  deny?: boolean;
}

export type ClusterSpec = Omit<DatapathCluster, 'policy' | 'cidrs'> & { rules: PolicyRule[] };

export function loadCluster(path: string): ClusterSpec {
  return JSON.parse(readFileSync(path, 'utf8')) as ClusterSpec;
}

export const ip4 = ipToNum;
export function cidr(text: string): { addr: number; len: number } {
  const { base, len } = parseCidr(text);
  return { addr: base, len };
}

/** A port range as prefixes of the 16-bit port: [{port, bits}], bits = prefix length within the port. */
export function portPrefixes(lo: number, hi: number): { port: number; bits: number }[] {
  return portRangeToPrefixes(lo, hi).map((p) => ({ port: p.port, bits: p.prefixLen }));
}

export const node = (c: ClusterSpec, name: string): NodeSpec => nodeOf(c, name);
export const pod = (c: ClusterSpec, name: string): PodSpec => podOf(c, name);

export function peerIdentity(c: ClusterSpec, peer: Peer): number {
  if (typeof peer === 'number') return peer;
  if (peer === 'any') return 0;
  if (peer in IDENTITY) return IDENTITY[peer as keyof typeof IDENTITY];
  return pod(c, peer).identity;
}

/** One rule -> the agent's policy keys (a port range becomes several prefixes). */
function entrySpecs(c: ClusterSpec, rule: PolicyRule): PolicyEntrySpec[] {
  const base = { pod: rule.pod, direction: rule.direction, identity: peerIdentity(c, rule.peer), deny: rule.deny ?? false };
  if (rule.proto === undefined) {
    if (rule.port !== undefined) throw new Error(`rule for ${rule.pod}: a port needs a protocol`);
    return [{ ...base, proto: 0, port: 0, portPrefixLen: 0 }];
  }
  const proto = PROTO[rule.proto];
  if (rule.port === undefined) return [{ ...base, proto, port: 0, portPrefixLen: 0 }];
  return portRangeToPrefixes(rule.port, rule.endPort ?? rule.port).map((p) => ({ ...base, proto, port: p.port, portPrefixLen: p.prefixLen }));
}

export function policyEntries(c: ClusterSpec, rule: PolicyRule): MapsJson[string] {
  return policyMapEntries(pod(c, rule.pod).endpointId, entrySpecs(c, rule));
}

export function toDatapathCluster(c: ClusterSpec): DatapathCluster {
  const { rules, ...rest } = c;
  return { ...rest, policy: rules.flatMap((r) => entrySpecs(c, r)) };
}

/** Every control-plane-owned map of one node, in the map JSON format. */
export function nodeMaps(c: ClusterSpec, nodeName: string): MapsJson {
  return agentNodeMaps(toDatapathCluster(c), nodeName);
}
