// What the control plane ("agent") hands the testbed: nodes with their pods, world hosts
// and a few switches. Plain data, so it can come from JSON. See docs/testbed.md.

/**
 * A device's kernel identity, when the caller fixes it (the scenario contract gives every
 * device an ifindex and a MAC). Unset fields are the kernel's or the testbed's choice.
 */
export interface DeviceSpec {
  /** ifindex inside the device's namespace (`ip link add NAME index N`); 1 is lo. */
  ifindex?: number;
  mac?: string;
  mtu?: number;
}

export interface PodSpec {
  /** Unique in the testbed; [a-z0-9-], at most 24 characters. */
  name: string;
  /** "10.244.1.10" (becomes /32 with an on-link route to the router, as Cilium does) or "10.244.1.10/24". */
  ip: string;
  /** MAC of the pod's eth0; the kernel picks one when absent. */
  mac?: string;
  /** MTU of both ends of the pod's veth; default 1450 (room for the VXLAN header). */
  mtu?: number;
  /** The pod's eth0 (its mac/mtu win over the fields above). */
  eth0?: DeviceSpec;
  /** The node-side end; `name` replaces the default lxc<pod> (at most 15 characters). */
  lxc?: DeviceSpec & { name?: string };
}

export interface NodeSpec {
  /** Unique in the testbed; [a-z0-9-], at most 24 characters. */
  name: string;
  /** The node's eth0 on the underlay, with prefix: "192.168.50.1/24". */
  underlayIp: string;
  /** The node's pod range, e.g. "10.244.1.0/24". */
  podCidr: string;
  /** The pods' gateway, e.g. "10.244.1.1". No device holds it unless kernelRouting is on. */
  routerIp: string;
  /** The MAC pods see for the gateway; default: the node-side lxc device's MAC. */
  routerMac?: string;
  pods: PodSpec[];
  eth0?: DeviceSpec;
  vxlan0?: DeviceSpec;
}

export interface WorldHostSpec {
  /** Unique in the testbed; [a-z0-9-], at most 24 characters. */
  name: string;
  /** "203.0.113.10" (a /32) or with a prefix; on the underlay segment, outside the nodes' subnet. */
  ip: string;
  eth0?: DeviceSpec;
}

export interface TestbedOptions {
  /**
   * A permanent neighbour entry for the gateway in every pod. Off by default: the datapath
   * answers the pods' ARP requests, as Cilium's does.
   */
  staticGatewayNeighbour?: boolean;
  /**
   * Plain kernel routing without any eBPF datapath (the smoke test): the router IP on the
   * node's lo (so the node answers ARP for it), routes to the other nodes' pod ranges via
   * their underlay IPs, and, unless masquerading, routes back to every pod range in the
   * world hosts. Default false: moving packets between nodes is the datapath's job.
   */
  kernelRouting?: boolean;
  /** 'nft': an nftables masquerade for pod traffic leaving eth0 to the world. Default 'none'. */
  masquerade?: 'none' | 'nft';
  /**
   * Permanent neighbour entries between all nodes and world hosts on eth0, so the underlay
   * carries no ARP. Default false (they ARP).
   */
  permanentNeighbours?: boolean;
  /**
   * `tcp_timestamps`, `tcp_sack` and `tcp_window_scaling` off in pods and world hosts: their
   * TCP segments carry only the MSS option. Default false (the kernel's defaults).
   */
  quietTcp?: boolean;
  /** Keep IPv6 enabled in every namespace; default false (no DAD/MLD/RS noise). */
  ipv6?: boolean;
  /** Keep veth offloads (tx checksum, GSO, TSO, GRO); default false: turned off everywhere. */
  keepOffloads?: boolean;
  /** Folder for captures and helper files; default os.tmpdir()/dpsim-RUNID, removed at teardown. */
  workDir?: string;
}

export interface TestbedSpec {
  /** 4 lower-case hex digits; random when absent. Part of every name the testbed creates. */
  runId?: string;
  nodes: NodeSpec[];
  world?: WorldHostSpec[];
  /** The UDP port of every node's vxlan0 (external / collect-metadata mode); 8472 as Cilium. */
  vxlan: { port: number };
  options?: TestbedOptions;
}

export const DEFAULT_POD_MTU = 1450;
