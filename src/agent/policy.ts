// Resolving CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy / NetworkPolicy objects into
// per-endpoint rules the datapath understands: (peer identity, protocol, port prefix, deny).
// Selectors become identities; entities become reserved identities; CIDRs become CIDR
// identities (with `except` carved out). A direction is enforced (default deny) as soon as any
// policy selects the endpoint for it; deny rules win in the datapath.

import type { CiliumNetworkPolicy, CnpIngressRule, CnpEgressRule, LabelSelector, NetworkPolicy, CnpSpec } from '../scenario/k8s.js';
import { IdentityAllocator, RESERVED_IDENTITY } from './identity.js';
import { matchesSelector, selectsNamespace, NAMESPACE_LABEL, type Labels } from './labels.js';
import { subtractCidrs } from './ipv4.js';
import { portRangeToPrefixes } from './ports.js';

export const PROTO = { ANY: 0, ICMP: 1, TCP: 6, UDP: 17, SCTP: 132 } as const;

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

export interface PolicyEndpoint {
  name: string;
  namespace: string;
  /** Identity labels (pod labels + namespace label). */
  labels: Labels;
  identity: number;
}

export class PolicyError extends Error {
  constructor(readonly path: (string | number)[], message: string) {
    super(message);
  }
}

interface Context {
  endpoints: PolicyEndpoint[];
  namespaces: Record<string, Labels>;
  ids: IdentityAllocator;
}

const ENTITY_IDS: Record<string, number[]> = {
  host: [RESERVED_IDENTITY.host], 'remote-node': [RESERVED_IDENTITY['remote-node']], health: [RESERVED_IDENTITY.health],
  init: [RESERVED_IDENTITY.init], unmanaged: [RESERVED_IDENTITY.unmanaged], 'kube-apiserver': [RESERVED_IDENTITY['kube-apiserver']],
  ingress: [RESERVED_IDENTITY.ingress],
};

function entityIdentities(entity: string, ctx: Context): number[] {
  if (entity === 'all') return [0];
  if (entity === 'world') return [RESERVED_IDENTITY.world, ...ctx.ids.cidrs.values()];
  if (entity === 'cluster') {
    return [...ctx.ids.clusterIdentities(), RESERVED_IDENTITY.host, RESERVED_IDENTITY['remote-node'], RESERVED_IDENTITY.health,
      RESERVED_IDENTITY.init, RESERVED_IDENTITY.unmanaged, RESERVED_IDENTITY['kube-apiserver'], RESERVED_IDENTITY.ingress];
  }
  return ENTITY_IDS[entity] ?? [];
}

/** Identities of the endpoints a peer selector picks (confined to `namespace` unless it names one). */
function selectorIdentities(sel: LabelSelector, namespace: string | undefined, ctx: Context): number[] {
  const ids = ctx.endpoints
    .filter((e) => (namespace === undefined || selectsNamespace(sel) ? true : e.namespace === namespace))
    .filter((e) => matchesSelector(sel, e.labels))
    .map((e) => e.identity);
  return [...new Set(ids)];
}

function cidrIdentities(cidrs: { cidr: string; except?: string[] }[], ctx: Context): number[] {
  return cidrs.flatMap((c) => subtractCidrs(c.cidr, c.except ?? []).map((p) => ctx.ids.cidr(p)));
}

interface L4 { proto: number; port: number; portPrefixLen: number }

function portsOf(ports: { port?: number | string; endPort?: number; protocol?: string }[] | undefined, path: (string | number)[]): L4[] {
  if (!ports || ports.length === 0) return [{ proto: PROTO.ANY, port: 0, portPrefixLen: 0 }];
  return ports.flatMap((p, i) => {
    const proto = p.protocol === undefined || p.protocol === 'ANY' ? [PROTO.TCP, PROTO.UDP, PROTO.SCTP] : [PROTO[p.protocol as 'TCP' | 'UDP' | 'ICMP' | 'SCTP']];
    let port = 0;
    if (p.port !== undefined) {
      if (typeof p.port === 'string' && !/^\d+$/.test(p.port)) throw new PolicyError([...path, i, 'port'], `named port "${p.port}" is not supported: use the port number`);
      port = Number(p.port);
    }
    const ranges = port === 0 ? [{ port: 0, prefixLen: 0 }] : portRangeToPrefixes(port, p.endPort ?? port);
    return proto.flatMap((pr) => ranges.map((r) => ({ proto: pr, port: r.port, portPrefixLen: r.prefixLen })));
  });
}

function peersOfCnp(rule: CnpIngressRule | CnpEgressRule, dir: 'ingress' | 'egress', namespace: string | undefined, ctx: Context): number[] | null {
  const r = rule as Record<string, unknown>;
  const pre = dir === 'ingress' ? 'from' : 'to';
  const eps = r[`${pre}Endpoints`] as LabelSelector[] | undefined;
  const ents = r[`${pre}Entities`] as string[] | undefined;
  const cidr = r[`${pre}CIDR`] as string[] | undefined;
  const cidrSet = r[`${pre}CIDRSet`] as { cidr: string; except?: string[] }[] | undefined;
  if (!eps && !ents && !cidr && !cidrSet) return null; // L4-only rule: any peer
  return [
    ...(eps ?? []).flatMap((s) => selectorIdentities(s, namespace, ctx)),
    ...(ents ?? []).flatMap((e) => entityIdentities(e, ctx)),
    ...cidrIdentities([...(cidr ?? []).map((c) => ({ cidr: c })), ...(cidrSet ?? [])], ctx),
  ];
}

function emptyPolicy(): EndpointPolicy {
  return { ingress: { enforced: false, rules: [] }, egress: { enforced: false, rules: [] } };
}

function addRules(target: DirectionPolicy, peers: number[] | null, l4: L4[], deny: boolean, source: string): void {
  for (const identity of peers === null ? [0] : [...new Set(peers)]) {
    for (const p of l4) target.rules.push({ identity, ...p, deny, source });
  }
}

function applyCnpSpec(spec: CnpSpec, name: string, namespace: string | undefined, path: (string | number)[], out: Map<string, EndpointPolicy>, ctx: Context): void {
  const selected = ctx.endpoints.filter((e) => (namespace === undefined || e.namespace === namespace) && matchesSelector(spec.endpointSelector, e.labels));
  for (const ep of selected) {
    const pol = out.get(ep.name)!;
    const each = (dir: 'ingress' | 'egress', key: 'ingress' | 'egress' | 'ingressDeny' | 'egressDeny', deny: boolean) => {
      const rules = spec[key];
      if (rules === undefined) return;
      pol[dir].enforced = true;
      rules.forEach((rule, i) => {
        const peers = peersOfCnp(rule, dir, namespace, ctx);
        const l4 = rule.toPorts?.length ? rule.toPorts.flatMap((tp, j) => portsOf(tp.ports, [...path, key, i, 'toPorts', j, 'ports'])) : portsOf(undefined, []);
        addRules(pol[dir], peers, l4, deny, name);
      });
    };
    each('ingress', 'ingress', false);
    each('ingress', 'ingressDeny', true);
    each('egress', 'egress', false);
    each('egress', 'egressDeny', true);
  }
}

function npPeers(peers: NonNullable<NetworkPolicy['spec']['ingress']>[number]['from'], namespace: string, ctx: Context): number[] | null {
  if (!peers || peers.length === 0) return null;
  return peers.flatMap((peer) => {
    if (peer.ipBlock) return cidrIdentities([peer.ipBlock], ctx);
    const nsMatch = (ns: string) => (peer.namespaceSelector ? matchesSelector(peer.namespaceSelector, ctx.namespaces[ns] ?? { [NAMESPACE_LABEL]: ns }) : ns === namespace);
    return [...new Set(ctx.endpoints.filter((e) => nsMatch(e.namespace) && matchesSelector(peer.podSelector, e.labels)).map((e) => e.identity))];
  });
}

function applyNetworkPolicy(np: NetworkPolicy, path: (string | number)[], out: Map<string, EndpointPolicy>, ctx: Context): void {
  const namespace = np.metadata.namespace ?? 'default';
  const types = np.spec.policyTypes ?? ['Ingress', ...(np.spec.egress ? ['Egress' as const] : [])];
  const selected = ctx.endpoints.filter((e) => e.namespace === namespace && matchesSelector(np.spec.podSelector, e.labels));
  for (const ep of selected) {
    const pol = out.get(ep.name)!;
    if (types.includes('Ingress')) {
      pol.ingress.enforced = true;
      (np.spec.ingress ?? []).forEach((r, i) => addRules(pol.ingress, npPeers(r.from, namespace, ctx), portsOf(r.ports, [...path, 'spec', 'ingress', i, 'ports']), false, np.metadata.name));
    }
    if (types.includes('Egress')) {
      pol.egress.enforced = true;
      (np.spec.egress ?? []).forEach((r, i) => addRules(pol.egress, npPeers(r.to, namespace, ctx), portsOf(r.ports, [...path, 'spec', 'egress', i, 'ports']), false, np.metadata.name));
    }
  }
}

/** Per-endpoint policy for every endpoint (by pod name). `paths` locate each object for errors. */
export function resolvePolicies(
  objects: { object: CiliumNetworkPolicy | NetworkPolicy; path: (string | number)[] }[],
  ctx: Context,
): Map<string, EndpointPolicy> {
  const out = new Map(ctx.endpoints.map((e) => [e.name, emptyPolicy()]));
  for (const { object, path } of objects) {
    if (object.kind === 'NetworkPolicy') { applyNetworkPolicy(object, path, out, ctx); continue; }
    const cnp = object as CiliumNetworkPolicy;
    const namespace = cnp.kind === 'CiliumClusterwideNetworkPolicy' ? undefined : cnp.metadata.namespace ?? 'default';
    const specs = [...(cnp.spec ? [{ spec: cnp.spec, p: [...path, 'spec'] }] : []), ...(cnp.specs ?? []).map((spec, i) => ({ spec, p: [...path, 'specs', i] }))];
    for (const { spec, p } of specs) applyCnpSpec(spec, cnp.metadata.name, namespace, p, out, ctx);
  }
  return out;
}
