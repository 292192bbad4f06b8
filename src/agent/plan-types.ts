// The agent's output: one plain description of the cluster that BOTH backends realise
// exactly — same device names, ifindexes and MACs, same map contents and node configuration —
// so the emulator and the kernel can differ only where the datapath behaves differently.

import type { JsonValue, MapsJson } from '../maps/index.js';
import type { EndpointPolicy } from './policy.js';

export interface DevicePlan {
  name: string;
  /** ifindex inside its network namespace (the kernel testbed creates devices with `index N`). */
  ifindex: number;
  mac: string; // "02:00:0a:00:01:01"
  mtu: number;
}

export interface NodePlan {
  name: string;
  /** Underlay (and external) address of eth0, e.g. 192.168.50.1, on `underlay.cidr`. */
  ip: string;
  podCidr: string;
  /** The pods' gateway address and the MAC the datapath answers ARP with. */
  routerIp: string;
  routerMac: string;
  /** Devices of the node namespace: eth0 (underlay + external), vxlan0 (external/collect-metadata), lxc* per pod. */
  eth0: DevicePlan;
  vxlan0: DevicePlan;
  hostEndpointId: number;
  /** Datapath objects loaded on this node, with their configuration and map contents. */
  objects: ObjectPlan[];
  /** Which program runs at which tc hook. */
  attachments: AttachmentPlan[];
}

export interface ObjectPlan {
  /** Object file name under bpf/build (bpf_lxc.o, bpf_overlay.o, bpf_host.o). */
  file: string;
  /** .rodata variables by name (node configuration), set before load on both backends. */
  rodata: Record<string, JsonValue>;
  /** Initial map contents in the map JSON format (docs/map-json.md). */
  maps: MapsJson;
}

export interface AttachmentPlan {
  object: string; // ObjectPlan.file
  program: string; // function name
  device: string; // device name in the node namespace
  direction: 'ingress' | 'egress';
}

export interface PodPlan {
  name: string;
  namespace: string;
  node: string;
  labels: Record<string, string>;
  ip: string;
  /** The pod's own interface (eth0 in the pod namespace). */
  eth0: DevicePlan;
  /** The node-side end of the pod's veth (lxc...). */
  lxc: DevicePlan;
  endpointId: number;
  identity: number;
  listen: { port: number; protocol: 'TCP' | 'UDP' }[];
}

export interface WorldPlan {
  name: string;
  ip: string;
  eth0: DevicePlan;
  listen: { port: number; protocol: 'TCP' | 'UDP' }[];
}

export interface ServicePlan {
  namespace: string;
  name: string;
  vip: string;
  /** One frontend per port; each has its own reverse NAT index (replies need the port back). */
  ports: { name?: string; port: number; targetPort: number; protocol: 'TCP' | 'UDP'; revNatIndex: number }[];
  /** The first port's reverse NAT index. */
  revNatIndex: number;
  backends: { pod: string; ip: string }[];
}

export interface ClusterPlan {
  name: string;
  masquerade: boolean;
  clusterCidr: string;
  serviceCidr: string;
  /** The L2 segment joining nodes and world hosts (a bridge in the kernel testbed). */
  underlay: { cidr: string };
  vxlanPort: number;
  nodes: NodePlan[];
  pods: PodPlan[];
  world: WorldPlan[];
  services: ServicePlan[];
  /** Every identity in use, for flows (labels as "k8s:app=x" / "reserved:world"). */
  identities: { id: number; labels: string[] }[];
  /** Resolved policy per pod, for explanations and reports. */
  policy: Record<string, EndpointPolicy>;
}
