// Security identities: the same set of identity labels always gets the same number. Reserved
// identities are Cilium's; cluster identities start at 256 and CIDR identities (local scope)
// at 1 << 24, as in Cilium. Allocation is deterministic (sorted label sets), so both backends
// and every run agree.

import type { Labels } from './labels.js';

export const RESERVED_IDENTITY = {
  unknown: 0, host: 1, world: 2, unmanaged: 3, health: 4, init: 5, 'remote-node': 6, 'kube-apiserver': 7, ingress: 8,
} as const;
export const FIRST_CLUSTER_IDENTITY = 256;
export const FIRST_CIDR_IDENTITY = 1 << 24;

export interface IdentityInfo {
  id: number;
  labels: Labels;
  /** "reserved:world", "cidr:10.0.0.0/8" or the k8s labels. */
  kind: 'reserved' | 'cluster' | 'cidr';
  cidr?: string;
}

export function labelKey(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

export class IdentityAllocator {
  readonly byId = new Map<number, IdentityInfo>();
  private readonly byKey = new Map<string, number>();
  private readonly byCidr = new Map<string, number>();

  constructor() {
    for (const [name, id] of Object.entries(RESERVED_IDENTITY)) {
      if (id !== 0) this.byId.set(id, { id, labels: { [`reserved:${name}`]: '' }, kind: 'reserved' });
    }
  }

  /** Allocate identities for all label sets at once, in sorted order (stable numbering). */
  allocateAll(labelSets: Labels[]): void {
    const keys = [...new Set(labelSets.map(labelKey))].sort();
    const sets = new Map(labelSets.map((l) => [labelKey(l), l]));
    for (const k of keys) {
      if (this.byKey.has(k)) continue;
      const id = FIRST_CLUSTER_IDENTITY + this.byKey.size;
      this.byKey.set(k, id);
      this.byId.set(id, { id, labels: sets.get(k)!, kind: 'cluster' });
    }
  }

  of(labels: Labels): number {
    const id = this.byKey.get(labelKey(labels));
    if (id === undefined) throw new Error(`no identity allocated for labels {${labelKey(labels)}}`);
    return id;
  }

  /** The local-scope identity of a CIDR used in policy (allocated on first use). */
  cidr(prefix: string): number {
    let id = this.byCidr.get(prefix);
    if (id === undefined) {
      id = FIRST_CIDR_IDENTITY + this.byCidr.size + 1;
      this.byCidr.set(prefix, id);
      this.byId.set(id, { id, labels: { [`cidr:${prefix}`]: '' }, kind: 'cidr', cidr: prefix });
    }
    return id;
  }

  get cidrs(): ReadonlyMap<string, number> {
    return this.byCidr;
  }

  clusterIdentities(): number[] {
    return [...this.byId.values()].filter((i) => i.kind === 'cluster').map((i) => i.id);
  }
}
