// The L3 part of a rule: which peer identities it selects. Endpoint selectors become the
// identities of the pods they match, entities reserved identities (world also every CIDR
// identity), CIDR rules the CIDR identities inside them. `null` means any peer (identity 0).

import type { CnpEgressRule, CnpIngressRule, LabelSelector, NetworkPolicy } from '../scenario/k8s.js';
import { AgentError, type ScenarioPath } from './errors.js';
import { RESERVED_IDENTITY, type IdentityAllocator } from './identity.js';
import { matchesSelector, NAMESPACE_NAME_LABEL, reservedKeys, selectsNamespace, type Labels } from './labels.js';
import { canonicalCidrRule } from './policy-cidrs.js';

export interface PolicyEndpoint {
  name: string;
  namespace: string;
  /** Identity labels (pod labels + namespace label). */
  labels: Labels;
  identity: number;
}

export interface PeerContext {
  endpoints: PolicyEndpoint[];
  /** Namespace → its labels (with kubernetes.io/metadata.name). */
  namespaces: Record<string, Labels>;
  ids: IdentityAllocator;
}

const R = RESERVED_IDENTITY;
const CLUSTER_RESERVED = [R.host, R['remote-node'], R.health, R.init, R.unmanaged, R['kube-apiserver'], R.ingress];

export function entityIdentities(entity: string, ctx: PeerContext): number[] {
  switch (entity) {
    case 'all': return [0];
    case 'world': return [R.world, ...ctx.ids.cidrIdentities()];
    case 'cluster': return [...ctx.ids.clusterIdentities(), ...CLUSTER_RESERVED];
    default: return [R[entity as keyof typeof R]];
  }
}

/** Identities of the endpoints a selector picks (confined to `namespace` unless it names one). */
export function selectorIdentities(sel: LabelSelector, namespace: string | undefined, ctx: PeerContext, path: ScenarioPath): number[] {
  const reserved = reservedKeys(sel);
  if (reserved.length) throw new AgentError(path, `${reserved[0]}: select reserved identities with fromEntities/toEntities, not labels`);
  const confined = namespace !== undefined && !selectsNamespace(sel);
  return ctx.endpoints.filter((e) => (!confined || e.namespace === namespace) && matchesSelector(sel, e.labels)).map((e) => e.identity);
}

/**
 * A CNP rule's peers. No L3 field: with toPorts any peer (null), without ({}) no peer at all
 * (the rule only turns on default deny), as in Cilium.
 */
export function cnpPeers(
  rule: CnpIngressRule | CnpEgressRule, direction: 'ingress' | 'egress', namespace: string | undefined, ctx: PeerContext, path: ScenarioPath,
): number[] | null {
  const r = rule as Record<string, unknown>;
  const pre = direction === 'ingress' ? 'from' : 'to';
  const eps = (r[`${pre}Endpoints`] as LabelSelector[] | undefined) ?? [];
  const ents = (r[`${pre}Entities`] as string[] | undefined) ?? [];
  const cidrs = (r[`${pre}CIDR`] as string[] | undefined) ?? [];
  const cidrSets = (r[`${pre}CIDRSet`] as { cidr: string; except?: string[] }[] | undefined) ?? [];
  if (!eps.length && !ents.length && !cidrs.length && !cidrSets.length) return rule.toPorts?.length ? null : [];
  const toCidr = (c: { cidr: string; except?: string[] }, p: ScenarioPath) => {
    const canon = canonicalCidrRule(c, p, true);
    return ctx.ids.selectCidr(canon.cidr, canon.except);
  };
  return [
    ...eps.flatMap((s, i) => selectorIdentities(s, namespace, ctx, [...path, `${pre}Endpoints`, i])),
    ...ents.flatMap((e) => entityIdentities(e, ctx)),
    ...cidrs.flatMap((c, i) => toCidr({ cidr: c }, [...path, `${pre}CIDR`, i])),
    ...cidrSets.flatMap((c, i) => toCidr(c, [...path, `${pre}CIDRSet`, i])),
  ];
}

type NpPeer = NonNullable<NonNullable<NetworkPolicy['spec']['ingress']>[number]['from']>[number];

/** NetworkPolicy `from`/`to`: absent or empty means any peer, inside or outside the cluster. */
export function npPeers(peers: NpPeer[] | undefined, namespace: string, ctx: PeerContext, path: ScenarioPath): number[] | null {
  if (!peers?.length) return null;
  return peers.flatMap((peer, i) => {
    const at = [...path, i];
    if (peer.ipBlock) {
      if (peer.podSelector || peer.namespaceSelector) throw new AgentError(at, 'ipBlock cannot be combined with podSelector or namespaceSelector');
      const canon = canonicalCidrRule(peer.ipBlock, [...at, 'ipBlock'], false);
      return ctx.ids.selectCidr(canon.cidr, canon.except);
    }
    if (!peer.podSelector && !peer.namespaceSelector) throw new AgentError(at, 'a NetworkPolicy peer needs podSelector, namespaceSelector or ipBlock');
    const nsMatches = (ns: string) => (peer.namespaceSelector ? matchesSelector(peer.namespaceSelector, ctx.namespaces[ns] ?? { [NAMESPACE_NAME_LABEL]: ns }) : ns === namespace);
    return ctx.endpoints.filter((e) => nsMatches(e.namespace) && matchesSelector(peer.podSelector, e.labels)).map((e) => e.identity);
  });
}
