// A ClusterPlan built by hand (the agent is written elsewhere): 2 nodes, 3 pods, 1 world
// host, one ClusterIP service with a backend on each node, ingress policy on both servers.
// Map contents and .rodata come from test/datapath/cluster.ts's encoders; names, ifindexes
// and MACs follow docs/scenario-runtime.md.

import type { ClusterPlan, DevicePlan, NodePlan, PodPlan } from '../../src/agent/plan-types.js';
import { loadObjectSpec } from '../../src/elf/index.js';
import { mapsOf, nodeConfig, nodeMaps, type ClusterSpec, type PodSpec as DpPod } from '../datapath/cluster.js';
import { objectPath } from '../datapath/sides.js';

const OBJECTS = ['bpf_lxc.o', 'bpf_overlay.o', 'bpf_host.o'] as const;
const hex = (n: number) => n.toString(16).padStart(2, '0');
const ipBytes = (ip: string) => ip.split('.').map((x) => hex(Number(x))).join(':');
const dev = (name: string, ifindex: number, mac: string, mtu = 1500): DevicePlan => ({ name, ifindex, mac, mtu });

export const CLUSTER: ClusterSpec = {
  clusterCidr: '10.0.0.0/16',
  masquerade: true,
  snatPorts: [32768, 60999],
  hashSeed: 42,
  nodes: [1, 2].map((n) => ({
    name: `node${n}`, ip: `192.168.50.${n}`, mac: `52:54:00:00:0${n}:01`,
    routerIp: `10.0.${n}.1`, routerMac: `02:00:0a:00:0${n}:01`, podCidr: `10.0.${n}.0/24`,
    nativeIfindex: 2, vxlanIfindex: 3, hostEndpointId: 1,
  })),
  pods: ([
    ['client', 'node1', '10.0.1.10', 11, 101, 20001, false],
    ['web', 'node1', '10.0.1.20', 12, 102, 20002, true],
    ['db', 'node2', '10.0.2.30', 11, 201, 20003, true],
  ] as const).map(([name, node, ip, ifindex, endpointId, identity, enforce]): DpPod => ({
    name, node, ip, ifindex, endpointId, identity,
    mac: `0a:58:${ipBytes(ip)}`, lxcMac: `fe:54:${ipBytes(ip)}`,
    ...(enforce ? { enforce: { ingress: true } } : {}),
  })),
  services: [{ name: 'echo', vip: '10.96.0.10', port: 80, proto: 'TCP', revNatIndex: 1, backends: [{ id: 1, ip: '10.0.1.20', port: 8080 }, { id: 2, ip: '10.0.2.30', port: 8080 }] }],
  rules: [
    { pod: 'web', direction: 'ingress', peer: 'client', proto: 'TCP', port: 8080 },
    { pod: 'web', direction: 'ingress', peer: 'any', proto: 'ICMP', port: 8 },
    { pod: 'web', direction: 'ingress', peer: 'db', deny: true },
    { pod: 'db', direction: 'ingress', peer: 'client', proto: 'TCP', port: 8080 },
    { pod: 'db', direction: 'ingress', peer: 'any', proto: 'ICMP', port: 8 },
  ],
};

export const WORLD = { name: 'internet', ip: '203.0.113.10', mac: '52:54:00:ff:01:01' };

const LISTEN: Record<string, PodPlan['listen']> = {
  client: [],
  web: [{ port: 8080, protocol: 'TCP' }, { port: 5000, protocol: 'UDP' }],
  db: [{ port: 8080, protocol: 'TCP' }],
};

function nodePlan(n: ClusterSpec['nodes'][number], objects: NodePlan['objects']): NodePlan {
  const lxcs = CLUSTER.pods.filter((p) => p.node === n.name).map((p) => `lxc${p.name.slice(0, 11)}`);
  return {
    name: n.name, ip: n.ip, podCidr: n.podCidr, routerIp: n.routerIp, routerMac: n.routerMac,
    eth0: dev('eth0', n.nativeIfindex, n.mac),
    vxlan0: dev('vxlan0', n.vxlanIfindex, `52:54:00:01:0${n.name.slice(-1)}:01`),
    hostEndpointId: n.hostEndpointId,
    objects,
    attachments: [
      ...lxcs.flatMap((d) => [
        { object: 'bpf_lxc.o', program: 'cil_from_container', device: d, direction: 'ingress' as const },
        { object: 'bpf_lxc.o', program: 'cil_to_container', device: d, direction: 'egress' as const },
      ]),
      { object: 'bpf_overlay.o', program: 'cil_from_overlay', device: 'vxlan0', direction: 'ingress' },
      { object: 'bpf_overlay.o', program: 'cil_to_overlay', device: 'vxlan0', direction: 'egress' },
      { object: 'bpf_host.o', program: 'cil_from_netdev', device: 'eth0', direction: 'ingress' },
      { object: 'bpf_host.o', program: 'cil_to_netdev', device: 'eth0', direction: 'egress' },
    ],
  };
}

/**
 * The plan. `lxcMacIsRouterMac`: every lxc of a node takes the node's router MAC (as Cilium's
 * ARP responder answers with the host-side veth's MAC), so frames the datapath passes up the
 * node's stack are addressed to the device they arrive on.
 */
export async function testPlan(opts: { lxcMacIsRouterMac?: boolean } = {}): Promise<ClusterPlan> {
  const specs = await Promise.all(OBJECTS.map((f) => loadObjectSpec(objectPath(f.replace(/\.o$/, '') as 'bpf_lxc'))));
  const routerMacOf = (node: string) => CLUSTER.nodes.find((n) => n.name === node)!.routerMac;
  const cluster: ClusterSpec = opts.lxcMacIsRouterMac ? { ...CLUSTER, pods: CLUSTER.pods.map((p) => ({ ...p, lxcMac: routerMacOf(p.node) })) } : CLUSTER;
  return {
    name: 'backends-kernel',
    masquerade: CLUSTER.masquerade,
    clusterCidr: CLUSTER.clusterCidr,
    serviceCidr: '10.96.0.0/16',
    underlay: { cidr: '192.168.50.0/24' },
    vxlanPort: 8472,
    nodes: CLUSTER.nodes.map((n) => nodePlan(n, OBJECTS.map((file, i) => ({
      file, rodata: nodeConfig(cluster, n.name), maps: mapsOf(specs[i]!, nodeMaps(cluster, n.name)),
    })))),
    pods: cluster.pods.map((p) => ({
      name: p.name, namespace: 'default', node: p.node, labels: { app: p.name }, ip: p.ip,
      eth0: dev('eth0', 2, p.mac, 1450), lxc: dev(`lxc${p.name.slice(0, 11)}`, p.ifindex, p.lxcMac),
      endpointId: p.endpointId, identity: p.identity, listen: LISTEN[p.name]!,
    })),
    world: [{ name: WORLD.name, ip: WORLD.ip, eth0: dev('eth0', 2, WORLD.mac), listen: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }],
    services: [{
      namespace: 'default', name: 'echo', vip: '10.96.0.10', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP', revNatIndex: 1 }], revNatIndex: 1,
      backends: [{ pod: 'web', ip: '10.0.1.20' }, { pod: 'db', ip: '10.0.2.30' }],
    }],
    identities: [
      { id: 2, labels: ['reserved:world'] },
      ...CLUSTER.pods.map((p) => ({ id: p.identity, labels: [`k8s:app=${p.name}`] })),
    ],
    policy: {},
  };
}
