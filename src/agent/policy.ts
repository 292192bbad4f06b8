// Resolving CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy / NetworkPolicy objects into
// per-endpoint rules the datapath understands: (peer identity, protocol, port prefix, deny).
// A direction is enforced (default deny) as soon as a policy with rules for it selects the
// endpoint; deny rules win over allows (src/agent/policy-map.ts keeps that true in the map).
// CIDR identities must be allocated before (src/agent/policy-cidrs.ts).

import type { CnpSpec, NetworkPolicy } from '../scenario/k8s.js';
import type { ScenarioPath } from './errors.js';
import { RESERVED_IDENTITY } from './identity.js';
import { matchesSelector } from './labels.js';
import { CNP_SECTIONS, cnpSpecs, directionOf, policyNamespace, policySource, type PolicyObject } from './policy-objects.js';
import { cnpPeers, npPeers, type PeerContext, type PolicyEndpoint } from './policy-peers.js';
import { cnpPorts, npPorts, PROTO, type L4 } from './policy-ports.js';

export { PROTO } from './policy-ports.js';
export type { PolicyEndpoint, PeerContext } from './policy-peers.js';

export interface PolicyRule {
  /** Peer identity; 0 = any peer. */
  identity: number;
  /** IP protocol; 0 = any. */
  proto: number;
  /** Destination port and prefix length (0/0 = any port). */
  port: number;
  portPrefixLen: number;
  deny: boolean;
  /** Which object the rule came from, for explanations. */
  source: string;
}

export interface DirectionPolicy {
  enforced: boolean;
  rules: PolicyRule[];
}

export interface EndpointPolicy {
  ingress: DirectionPolicy;
  egress: DirectionPolicy;
}

/** Cilium's allow-localhost=auto: the node may always reach its pods (health checks, probes). */
export const ALLOW_LOCALHOST = 'allow-localhost';

function emptyPolicy(): EndpointPolicy {
  return { ingress: { enforced: false, rules: [] }, egress: { enforced: false, rules: [] } };
}

function addRules(target: DirectionPolicy, peers: number[] | null, l4: L4[], deny: boolean, source: string): void {
  for (const identity of peers === null ? [0] : [...new Set(peers)]) {
    for (const p of l4) target.rules.push({ identity, ...p, deny, source });
  }
}

function applyCnpSpec(spec: CnpSpec, source: string, namespace: string | undefined, path: ScenarioPath, out: Map<string, EndpointPolicy>, ctx: PeerContext): void {
  const selected = ctx.endpoints.filter((e) => (namespace === undefined || e.namespace === namespace) && matchesSelector(spec.endpointSelector, e.labels));
  for (const section of CNP_SECTIONS) {
    const rules = spec[section];
    if (!rules?.length) continue; // Cilium: an empty list does not apply (no default deny)
    const dir = directionOf(section);
    const resolved = rules.map((rule, i) => ({
      peers: cnpPeers(rule, dir, namespace, ctx, [...path, section, i]),
      l4: cnpPorts(rule.toPorts, [...path, section, i, 'toPorts']),
    }));
    for (const ep of selected) {
      const pol = out.get(ep.name)![dir];
      pol.enforced = true;
      for (const r of resolved) addRules(pol, r.peers, r.l4, section.endsWith('Deny'), source);
    }
  }
}

function applyNetworkPolicy(np: NetworkPolicy, path: ScenarioPath, out: Map<string, EndpointPolicy>, ctx: PeerContext): void {
  const namespace = policyNamespace(np)!;
  // Kubernetes' default: Ingress always, Egress when there are egress rules.
  const types = np.spec.policyTypes ?? ['Ingress', ...(np.spec.egress?.length ? ['Egress' as const] : [])];
  const selected = ctx.endpoints.filter((e) => e.namespace === namespace && matchesSelector(np.spec.podSelector, e.labels));
  for (const [type, dir] of [['Ingress', 'ingress'], ['Egress', 'egress']] as const) {
    if (!types.includes(type)) continue;
    const resolved = (np.spec[dir] ?? []).map((rule, i) => {
      const peersKey = dir === 'ingress' ? 'from' : 'to';
      const peers = (rule as Record<string, unknown>)[peersKey] as Parameters<typeof npPeers>[0];
      return { peers: npPeers(peers, namespace, ctx, [...path, 'spec', dir, i, peersKey]), l4: npPorts(rule.ports, [...path, 'spec', dir, i, 'ports']) };
    });
    for (const ep of selected) {
      const pol = out.get(ep.name)![dir];
      pol.enforced = true;
      for (const r of resolved) addRules(pol, r.peers, r.l4, false, policySource(np));
    }
  }
}

/** Per-endpoint policy for every endpoint (by pod name), policies applied in object order. */
export function resolvePolicies(objects: PolicyObject[], ctx: PeerContext): Map<string, EndpointPolicy> {
  const out = new Map(ctx.endpoints.map((e) => [e.name, emptyPolicy()]));
  for (const { object, path } of objects) {
    if (object.kind === 'NetworkPolicy') { applyNetworkPolicy(object, path, out, ctx); continue; }
    for (const { spec, path: specPath } of cnpSpecs(object, path)) applyCnpSpec(spec, policySource(object), policyNamespace(object), specPath, out, ctx);
  }
  for (const pol of out.values()) {
    if (pol.ingress.enforced) addRules(pol.ingress, [RESERVED_IDENTITY.host], [{ proto: PROTO.ANY, port: 0, portPrefixLen: 0 }], false, ALLOW_LOCALHOST);
  }
  return out;
}
