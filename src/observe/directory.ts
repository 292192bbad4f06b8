// Who is who in a plan, for flows: pods by IP, labels by identity, device names by ifindex.
import type { ClusterPlan } from '../agent/plan-types.js';
import type { EndpointDirectory } from './flows.js';

export function planDirectory(plan: ClusterPlan): EndpointDirectory {
  const pods = new Map(plan.pods.map((p) => [p.ip, p]));
  const ids = new Map(plan.identities.map((i) => [i.id, i.labels]));
  return {
    byIp: (ip) => {
      const p = pods.get(ip);
      return p ? { id: p.endpointId, namespace: p.namespace, podName: p.name } : undefined;
    },
    labels: (identity) => ids.get(identity) ?? [],
    interfaceName: (node, ifindex) => {
      const n = plan.nodes.find((x) => x.name === node);
      if (!n) return undefined;
      if (n.eth0.ifindex === ifindex) return n.eth0.name;
      if (n.vxlan0.ifindex === ifindex) return n.vxlan0.name;
      return plan.pods.find((p) => p.node === node && p.lxc.ifindex === ifindex)?.lxc.name;
    },
  };
}
