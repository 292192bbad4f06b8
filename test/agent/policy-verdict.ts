// What the datapath decides for a new flow, computed from a plan's cilium_policy and
// cilium_lxc entries the way policy_can_access does (docs/datapath.md): the longest prefix of
// the exact identity's entries and of the wildcard's; a deny in either wins, then an allow,
// then the endpoint's enforcement flag.

import type { ClusterPlan } from '../../src/agent/index.js';
import { objectOf, podOf } from './helpers.js';

export type Verdict = 'allowed' | 'denied' | 'default-deny';

interface PolicyKey { prefixlen: number; data: { sec_label: number; lxc_id: number; egress: number; protocol: number; dport: number } }

export function verdict(plan: ClusterPlan, podName: string, direction: 'ingress' | 'egress', peer: number, proto: number, port: number): Verdict {
  const pod = podOf(plan, podName);
  const lxc = objectOf(plan, pod.node, 'bpf_lxc.o').maps;
  const entries = lxc.cilium_policy!.map((e) => ({ key: e.key as unknown as PolicyKey, deny: (e.value as { deny: number }).deny === 1 }))
    .filter((e) => e.key.data.lxc_id === pod.endpointId && e.key.data.egress === (direction === 'egress' ? 1 : 0));
  const lookup = (identity: number) => {
    const hits = entries.filter(({ key: { prefixlen, data } }) => {
      if (data.sec_label !== identity) return false;
      if (prefixlen === 56) return true;
      if (data.protocol !== proto) return false;
      const bits = prefixlen - 64;
      return bits === 0 || (port >> (16 - bits)) === (data.dport >> (16 - bits));
    });
    return hits.sort((a, b) => b.key.prefixlen - a.key.prefixlen)[0];
  };
  const found = [lookup(peer), lookup(0)].filter((x) => x !== undefined);
  if (found.some((f) => f.deny)) return 'denied';
  if (found.length) return 'allowed';
  const flags = (lxc.cilium_lxc!.find((e) => (e.value as { lxc_id: number }).lxc_id === pod.endpointId && !((e.value as { flags: number }).flags & 1))!.value as { flags: number }).flags;
  return flags & (direction === 'ingress' ? 0x2 : 0x4) ? 'default-deny' : 'allowed';
}

export const TCP = 6, UDP = 17, ICMP = 1;
