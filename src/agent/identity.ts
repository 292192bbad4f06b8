// Security identities: the same set of identity labels always gets the same number. Reserved
// identities are Cilium's; cluster identities start at 256 and CIDR identities (local scope)
// at (1 << 24) + 1, as in Cilium. Both are numbered in sorted order of their label sets /
// prefixes, so a plan never depends on the order of the scenario — but adding a label set
// that sorts earlier renumbers the ones after it (plans are compared per scenario, never
// across scenarios, so stability under edits is not needed).

import { comparePrefixes, formatPrefix, parseCidr, prefixContains, type Prefix } from './ipv4.js';
import { hubbleLabels, type Labels } from './labels.js';

export const RESERVED_IDENTITY = {
  unknown: 0, host: 1, world: 2, unmanaged: 3, health: 4, init: 5, 'remote-node': 6, 'kube-apiserver': 7, ingress: 8,
} as const;
export type ReservedName = Exclude<keyof typeof RESERVED_IDENTITY, 'unknown'>;
export const FIRST_CLUSTER_IDENTITY = 256;
export const FIRST_CIDR_IDENTITY = 1 << 24;

export type IdentityInfo =
  | { id: number; kind: 'reserved'; name: ReservedName }
  | { id: number; kind: 'cluster'; labels: Labels }
  | { id: number; kind: 'cidr'; cidr: string };

export function labelKey(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

/** Labels as Hubble prints them: "reserved:world", "cidr:10.0.0.0/8", "k8s:app=web". */
export function identityLabels(info: IdentityInfo): string[] {
  if (info.kind === 'reserved') return [`reserved:${info.name}`];
  if (info.kind === 'cidr') return [`cidr:${info.cidr}`];
  return hubbleLabels(info.labels);
}

export class IdentityAllocator {
  readonly byId = new Map<number, IdentityInfo>();
  private readonly byKey = new Map<string, number>();
  private readonly byCidr = new Map<string, { id: number; prefix: Prefix }>();

  constructor() {
    for (const [name, id] of Object.entries(RESERVED_IDENTITY)) {
      if (id !== 0) this.byId.set(id, { id, kind: 'reserved', name: name as ReservedName });
    }
  }

  /** Allocate identities for all label sets at once, in sorted order (stable numbering). */
  allocateAll(labelSets: Labels[]): void {
    const sets = new Map(labelSets.map((l) => [labelKey(l), l]));
    for (const k of [...sets.keys()].sort()) {
      if (this.byKey.has(k)) continue;
      const id = FIRST_CLUSTER_IDENTITY + this.byKey.size;
      this.byKey.set(k, id);
      this.byId.set(id, { id, kind: 'cluster', labels: sets.get(k)! });
    }
  }

  of(labels: Labels): number {
    const id = this.byKey.get(labelKey(labels));
    if (id === undefined) throw new Error(`no identity allocated for labels {${labelKey(labels)}}`);
    return id;
  }

  /**
   * Allocate the local identities of every prefix policies name (cidrs and excepts), in
   * address order. 0.0.0.0/0 is the world identity itself, as in Cilium.
   */
  allocateCidrs(prefixes: string[]): void {
    const fresh = [...new Set(prefixes.map((p) => formatPrefix(parseCidr(p))))]
      .map((text) => ({ text, prefix: parseCidr(text) }))
      .filter(({ text, prefix }) => prefix.len > 0 && !this.byCidr.has(text))
      .sort((a, b) => comparePrefixes(a.prefix, b.prefix));
    for (const { text, prefix } of fresh) {
      const id = FIRST_CIDR_IDENTITY + this.byCidr.size + 1;
      this.byCidr.set(text, { id, prefix });
      this.byId.set(id, { id, kind: 'cidr', cidr: text });
    }
  }

  /**
   * What a CIDR rule selects: every CIDR identity inside `cidr` and outside each `except`
   * (a narrower CIDR identity wins the IP cache lookup, so it must be selected too), and
   * world when the rule is 0.0.0.0/0.
   */
  selectCidr(cidr: string, except: string[] = []): number[] {
    const outer = parseCidr(cidr);
    const excluded = except.map(parseCidr);
    const ids = [...this.byCidr.values()]
      .filter(({ prefix }) => prefixContains(outer, prefix) && !excluded.some((e) => prefixContains(e, prefix)))
      .map(({ id }) => id);
    return outer.len === 0 && !excluded.some((e) => e.len === 0) ? [RESERVED_IDENTITY.world, ...ids] : ids;
  }

  /** Prefix → identity of every CIDR identity, in allocation order (for the IP cache). */
  cidrs(): { prefix: string; identity: number }[] {
    return [...this.byCidr].map(([prefix, { id }]) => ({ prefix, identity: id }));
  }

  cidrIdentities(): number[] {
    return [...this.byCidr.values()].map(({ id }) => id);
  }

  clusterIdentities(): number[] {
    return [...this.byKey.values()];
  }
}
