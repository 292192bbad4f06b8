// The agent: one scenario → one ClusterPlan, plain data that both backends realise. Every
// choice (addresses, identities, ids, MACs, map contents) is a function of the scenario
// alone, so the same scenario always gives a byte-identical plan.

import type { ParsedScenario } from '../scenario/parse.js';
import { HASH_SEED, IDENTITY, SNAT_PORTS, VXLAN_PORT } from './datapath-constants.js';
import { nodeMaps, type DatapathCluster } from './datapath-maps.js';
import { attachments, datapathSpecs, objectPlans } from './datapath-objects.js';
import { IdentityAllocator, identityLabels } from './identity.js';
import { allocatePodIps, clusterCidrOf, planNodeAddresses, underlayCidrOf } from './ipam.js';
import { cidrAt, formatPrefix } from './ipv4.js';
import { podIdentityLabels } from './labels.js';
import { namespaceLabels } from './namespaces.js';
import { nodeConfig } from './node-config.js';
import type { ClusterPlan, NodePlan, PodPlan } from './plan-types.js';
import { resolvePolicies } from './policy.js';
import { policyPrefixes } from './policy-cidrs.js';
import { policyEntrySpecs } from './policy-map.js';
import { policyObjects } from './policy-objects.js';
import { planServices } from './services.js';
import { HOST_ENDPOINT_ID, nodeDevices, podDevices, podEndpointId, routerMac } from './topology.js';
import { planWorld } from './world.js';

export { AgentError, formatAgentError } from './errors.js';
export type * from './plan-types.js';

export interface BuildPlanOptions {
  /** Where bpf_{lxc,overlay,host}.o are (default: the repository's bpf/build). */
  datapathDir?: string;
}

export function buildPlan(parsed: ParsedScenario, opts: BuildPlanOptions = {}): ClusterPlan {
  const s = parsed.scenario;
  const nodeAddrs = planNodeAddresses(s);
  const clusterCidr = clusterCidrOf(nodeAddrs);
  const world = planWorld(s, clusterCidr);
  const podAddrs = allocatePodIps(s, nodeAddrs);

  // Identities: pods' label sets first (sorted), then every CIDR the policies name.
  const ids = new IdentityAllocator();
  const podLabels = s.pods.map(podIdentityLabels);
  ids.allocateAll(podLabels);
  const policies = policyObjects(parsed.objects);
  ids.allocateCidrs(policyPrefixes(policies));

  const pods: PodPlan[] = s.pods.map((p, i) => {
    const { ip, node, slot } = podAddrs[i]!;
    return {
      name: p.name, namespace: p.namespace, node: node.name, labels: p.labels, ip, ...podDevices(p.name, ip, slot, routerMac(node.number)),
      endpointId: podEndpointId(slot), identity: ids.of(podLabels[i]!), listen: p.listen ?? [],
    };
  });

  const endpoints = pods.map((p, i) => ({ name: p.name, namespace: p.namespace, labels: podLabels[i]!, identity: p.identity }));
  const policy = resolvePolicies(policies, { endpoints, namespaces: namespaceLabels(s, parsed.objects), ids });
  const { services, datapath: frontends } = planServices(s, parsed.objects, pods);

  const nodes = nodeAddrs.map((n) => ({ ...n, ...nodeDevices(n.number), routerMac: routerMac(n.number) }));
  const cluster: DatapathCluster = {
    clusterCidr: formatPrefix(clusterCidr),
    masquerade: s.cluster.masquerade,
    snatPorts: SNAT_PORTS,
    hashSeed: HASH_SEED,
    nodes: nodes.map((n) => ({
      name: n.name, ip: n.ip, mac: n.eth0.mac, routerIp: n.routerIp, routerMac: n.routerMac, podCidr: formatPrefix(n.podCidr),
      nativeIfindex: n.eth0.ifindex, vxlanIfindex: n.vxlan0.ifindex, hostEndpointId: HOST_ENDPOINT_ID,
    })),
    pods: pods.map((p) => ({
      name: p.name, node: p.node, ip: p.ip, mac: p.eth0.mac, lxcMac: p.lxc.mac, ifindex: p.lxc.ifindex, endpointId: p.endpointId,
      identity: p.identity, enforce: { ingress: policy.get(p.name)!.ingress.enforced, egress: policy.get(p.name)!.egress.enforced },
    })),
    services: frontends,
    policy: pods.flatMap((p) => policyEntrySpecs(p.name, policy.get(p.name)!)),
    cidrs: ids.cidrs(),
  };

  const specs = datapathSpecs(opts.datapathDir);
  const nodePlans: NodePlan[] = nodes.map((n) => ({
    name: n.name, ip: n.ip, podCidr: formatPrefix(n.podCidr), routerIp: n.routerIp, routerMac: n.routerMac,
    eth0: n.eth0, vxlan0: n.vxlan0, hostEndpointId: HOST_ENDPOINT_ID,
    objects: objectPlans(n.name, specs, nodeConfig(cluster, n.name), nodeMaps(cluster, n.name)),
    attachments: attachments(pods.filter((p) => p.node === n.name).map((p) => p.lxc.name)),
  }));

  return {
    name: s.name,
    masquerade: s.cluster.masquerade,
    clusterCidr: cluster.clusterCidr,
    serviceCidr: formatPrefix(cidrAt(s.cluster.serviceCIDR, ['cluster', 'serviceCIDR'])),
    underlay: { cidr: formatPrefix(underlayCidrOf(nodeAddrs)) },
    vxlanPort: VXLAN_PORT,
    nodes: nodePlans,
    pods,
    world,
    services,
    identities: usedIdentities(ids, cluster),
    policy: Object.fromEntries(pods.map((p) => [p.name, policy.get(p.name)!])),
  };
}

/** Every pod and CIDR identity, and the reserved ones the maps refer to (the IP cache always has host, world, remote-node), by number. */
function usedIdentities(ids: IdentityAllocator, c: DatapathCluster): ClusterPlan['identities'] {
  const used = new Set<number>([IDENTITY.host, IDENTITY.world, IDENTITY['remote-node'], ...c.policy.map((e) => e.identity)]);
  return [...ids.byId.values()]
    .filter((i) => i.kind !== 'reserved' || used.has(i.id))
    .sort((a, b) => a.id - b.id)
    .map((i) => ({ id: i.id, labels: identityLabels(i) }));
}
