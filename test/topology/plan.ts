// ClusterPlans for topology tests, built by hand the way the agent will: the contract's
// names, ifindexes and MACs (docs/scenario-runtime.md), map contents and node
// configuration from the datapath tests' encoders (test/datapath/cluster.ts).

import type { ClusterPlan, NodePlan, PodPlan, ServicePlan, WorldPlan } from '../../src/agent/plan-types.js';
import type { ObjectSpec } from '../../src/elf/index.js';
import { mapsOf, nodeConfig, nodeMaps, type ClusterSpec, type PolicyRule } from '../datapath/cluster.js';
import { objectSpec, type ObjectName } from '../datapath/sides.js';

export interface PodDef {
  name: string;
  node: 'node1' | 'node2';
  ip: string;
  identity: number;
  listen?: { port: number; protocol: 'TCP' | 'UDP' }[];
  enforce?: { ingress?: boolean; egress?: boolean };
}

export interface ServiceDef {
  name: string;
  vip: string;
  port: number;
  targetPort: number;
  proto: 'TCP' | 'UDP';
  backends: string[]; // pod names
}

export interface PlanOptions {
  pods?: PodDef[];
  services?: ServiceDef[];
  rules?: PolicyRule[];
  masquerade?: boolean;
  /**
   * The lxc MAC: the contract's fe:54:<ip> (default) or the node's router MAC, which is what
   * lets pod traffic routed by the node's stack (world, node) past ip_rcv (PACKET_OTHERHOST).
   */
  lxcMac?: 'contract' | 'router';
}

export const NODES = [
  { name: 'node1', ip: '192.168.50.1', podCidr: '10.0.1.0/24', routerIp: '10.0.1.1' },
  { name: 'node2', ip: '192.168.50.2', podCidr: '10.0.2.0/24', routerIp: '10.0.2.1' },
] as const;

export const WORLD = { name: 'internet', ip: '203.0.113.10', listen: [{ port: 53, protocol: 'UDP' as const }, { port: 443, protocol: 'TCP' as const }] };

export const DEFAULT_PODS: PodDef[] = [
  { name: 'client', node: 'node1', ip: '10.0.1.10', identity: 20001 },
  { name: 'web', node: 'node1', ip: '10.0.1.20', identity: 20002, listen: [{ port: 80, protocol: 'TCP' }, { port: 5000, protocol: 'UDP' }] },
  { name: 'db', node: 'node2', ip: '10.0.2.30', identity: 20003, listen: [{ port: 5432, protocol: 'TCP' }, { port: 5000, protocol: 'UDP' }] },
  { name: 'web2', node: 'node2', ip: '10.0.2.20', identity: 20005, listen: [{ port: 80, protocol: 'TCP' }] },
];

const hex2 = (n: number) => n.toString(16).padStart(2, '0');
const ipMac = (prefix: string, ip: string) => `${prefix}:${ip.split('.').map((x) => hex2(Number(x))).join(':')}`;
const OBJECTS: ObjectName[] = ['bpf_lxc', 'bpf_overlay', 'bpf_host'];

export async function buildPlan(o: PlanOptions = {}): Promise<{ plan: ClusterPlan; cluster: ClusterSpec; specs: Record<string, ObjectSpec> }> {
  const pods = o.pods ?? DEFAULT_PODS;
  const routerMac = (i: number) => `02:00:0a:00:${hex2(i + 1)}:01`;
  const nodeIndex = (name: string) => NODES.findIndex((n) => n.name === name);
  const lxcMac = (p: PodDef) => (o.lxcMac === 'router' ? routerMac(nodeIndex(p.node)) : ipMac('fe:54', p.ip));
  const ifindexOf = (p: PodDef) => 10 + 1 + pods.filter((q) => q.node === p.node).indexOf(p);

  const cluster: ClusterSpec = {
    clusterCidr: '10.0.0.0/16',
    masquerade: o.masquerade ?? true,
    snatPorts: [32768, 60999],
    hashSeed: 42,
    nodes: NODES.map((n, i) => ({
      name: n.name, ip: n.ip, mac: `52:54:00:00:${hex2(i + 1)}:01`, routerIp: n.routerIp, routerMac: routerMac(i),
      podCidr: n.podCidr, nativeIfindex: 2, vxlanIfindex: 3, hostEndpointId: 1,
    })),
    pods: pods.map((p, i) => ({
      name: p.name, node: p.node, ip: p.ip, mac: ipMac('0a:58', p.ip), lxcMac: lxcMac(p), ifindex: ifindexOf(p),
      endpointId: 100 + i, identity: p.identity, ...(p.enforce ? { enforce: p.enforce } : {}),
    })),
    services: (o.services ?? []).map((s, i) => ({
      name: s.name, vip: s.vip, port: s.port, proto: s.proto, revNatIndex: i + 1,
      backends: s.backends.map((b, j) => ({ id: (i + 1) * 100 + j, ip: pods.find((p) => p.name === b)!.ip, port: s.targetPort })),
    })),
    rules: o.rules ?? [],
  };

  const specs = Object.fromEntries(await Promise.all(OBJECTS.map(async (n) => [`${n}.o`, await objectSpec(n)] as const)));
  const dev = (name: string, ifindex: number, mac: string, mtu: number) => ({ name, ifindex, mac, mtu });

  const nodes: NodePlan[] = cluster.nodes.map((n, i) => ({
    name: n.name, ip: n.ip, podCidr: n.podCidr, routerIp: n.routerIp, routerMac: n.routerMac,
    eth0: dev('eth0', 2, n.mac, 1500),
    vxlan0: dev('vxlan0', 3, `52:54:00:01:${hex2(i + 1)}:01`, 1500),
    hostEndpointId: n.hostEndpointId,
    objects: OBJECTS.map((obj) => ({ file: `${obj}.o`, rodata: nodeConfig(cluster, n.name), maps: mapsOf(specs[`${obj}.o`]!, nodeMaps(cluster, n.name)) })),
    attachments: [
      ...cluster.pods.filter((p) => p.node === n.name).flatMap((p) => [
        { object: 'bpf_lxc.o', program: 'cil_from_container', device: lxcName(p.name), direction: 'ingress' as const },
        { object: 'bpf_lxc.o', program: 'cil_to_container', device: lxcName(p.name), direction: 'egress' as const },
      ]),
      { object: 'bpf_overlay.o', program: 'cil_from_overlay', device: 'vxlan0', direction: 'ingress' },
      { object: 'bpf_overlay.o', program: 'cil_to_overlay', device: 'vxlan0', direction: 'egress' },
      { object: 'bpf_host.o', program: 'cil_from_netdev', device: 'eth0', direction: 'ingress' },
      { object: 'bpf_host.o', program: 'cil_to_netdev', device: 'eth0', direction: 'egress' },
    ],
  }));

  const podPlans: PodPlan[] = cluster.pods.map((p, i) => ({
    name: p.name, namespace: 'default', node: p.node, labels: { app: p.name }, ip: p.ip,
    eth0: dev('eth0', 2, p.mac, 1450), lxc: dev(lxcName(p.name), p.ifindex, p.lxcMac, 1500),
    endpointId: p.endpointId, identity: p.identity, listen: pods[i]!.listen ?? [],
  }));

  const world: WorldPlan[] = [{ name: WORLD.name, ip: WORLD.ip, eth0: dev('eth0', 2, '52:54:00:ff:01:01', 1500), listen: WORLD.listen }];

  const services: ServicePlan[] = (o.services ?? []).map((s, i) => ({
    namespace: 'default', name: s.name, vip: s.vip, ports: [{ port: s.port, targetPort: s.targetPort, protocol: s.proto, revNatIndex: i + 1 }],
    revNatIndex: i + 1, backends: s.backends.map((b) => ({ pod: b, ip: pods.find((p) => p.name === b)!.ip })),
  }));

  const plan: ClusterPlan = {
    name: 'topology-test', masquerade: cluster.masquerade, clusterCidr: cluster.clusterCidr, serviceCidr: '10.96.0.0/12',
    underlay: { cidr: '192.168.50.0/24' }, vxlanPort: 8472, nodes, pods: podPlans, world, services,
    identities: pods.map((p) => ({ id: p.identity, labels: [`k8s:app=${p.name}`] })), policy: {},
  };
  return { plan, cluster, specs };
}

export const lxcName = (pod: string) => `lxc${pod.slice(0, 11)}`;
