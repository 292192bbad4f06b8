// The spec checked and spelled out: every namespace, device name, MAC and address a run will
// create. Pure (no kernel access), so it can be tested anywhere.
import { cidrContains, isMac, networkOf, parseCidr, type Cidr } from './addr.js';
import {
  lxcName, netnsName, nodePinDir, PLACE_NAME, stableMac, underlayPortName,
} from './names.js';
import { DEFAULT_POD_MTU, type DeviceSpec, type NodeSpec, type PodSpec, type TestbedOptions, type TestbedSpec, type WorldHostSpec } from './spec.js';

export class SpecError extends Error {
  override name = 'SpecError';
}

export interface PodLayout {
  spec: PodSpec;
  node: string;
  netns: string;
  cidr: Cidr;
  mac: string;
  mtu: number;
  /** The node-side veth, in the node's namespace. */
  lxc: string;
  lxcMac: string;
  lxcMtu: number;
  /** Fixed ifindexes (pod namespace / node namespace), when the spec gives them. */
  ifindex?: number;
  lxcIfindex?: number;
}

export interface NodeLayout {
  spec: NodeSpec;
  netns: string;
  pinDir: string;
  underlay: Cidr;
  mac: string;
  /** eth0's fixed ifindex and MTU, when the spec gives them. */
  ifindex?: number;
  mtu?: number;
  vxlan: DeviceSpec;
  /** The bridge port in the underlay namespace that eth0 is paired with. */
  underlayPort: string;
  podCidr: Cidr;
  pods: PodLayout[];
}

export interface WorldLayout {
  spec: WorldHostSpec;
  netns: string;
  cidr: Cidr;
  mac: string;
  ifindex?: number;
  mtu?: number;
  underlayPort: string;
}

type QuietOption = 'permanentNeighbours' | 'quietTcp';

export interface Layout {
  runId: string;
  vxlanPort: number;
  options: Required<Omit<TestbedOptions, 'workDir' | QuietOption>>;
  /** The options that silence the kernel for byte-exact comparisons (off by default). */
  quiet: Required<Pick<TestbedOptions, QuietOption>>;
  underlayNetns: string;
  nodes: NodeLayout[];
  world: WorldLayout[];
}

/** Names are unique across nodes, pods and world hosts, so a name alone says where to run. */
function checkName(kind: string, name: string, seen: Set<string>): void {
  if (!PLACE_NAME.test(name) || name === 'underlay') {
    throw new SpecError(`${kind} name ${JSON.stringify(name)}: use [a-z0-9-], at most 24 characters (not "underlay")`);
  }
  if (seen.has(name)) throw new SpecError(`${kind} name ${name} is already used by another node, pod or world host`);
  seen.add(name);
}

function cidrOf(what: string, text: string, defaultPrefix?: number): Cidr {
  try {
    return parseCidr(text, defaultPrefix);
  } catch (err) {
    throw new SpecError(`${what}: ${(err as Error).message}`);
  }
}

function macOf(what: string, mac: string | undefined, fallback: string): string {
  if (mac !== undefined && !isMac(mac)) throw new SpecError(`${what}: not a MAC address: ${JSON.stringify(mac)}`);
  return (mac ?? fallback).toLowerCase();
}

function mtuOf(what: string, mtu: number): number {
  if (!Number.isInteger(mtu) || mtu < 576 || mtu > 9000) throw new SpecError(`${what}: mtu ${mtu} out of range 576..9000`);
  return mtu;
}

/** An ifindex the spec fixes: 1 is lo, and no two devices of one namespace may share one. */
function ifindexOf(what: string, ifindex: number | undefined, taken: Set<number>): number | undefined {
  if (ifindex === undefined) return undefined;
  if (!Number.isInteger(ifindex) || ifindex < 2 || ifindex > 0x7fffffff) throw new SpecError(`${what}: ifindex ${ifindex} out of range 2..2^31-1 (1 is lo)`);
  if (taken.has(ifindex)) throw new SpecError(`${what}: ifindex ${ifindex} is already used in the same namespace`);
  taken.add(ifindex);
  return ifindex;
}

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;

function podLayout(runId: string, node: NodeSpec, pod: PodSpec, nodeIfindexes: Set<number>): PodLayout {
  const cidr = cidrOf(`pod ${pod.name} ip`, pod.ip, 32);
  const mtu = mtuOf(`pod ${pod.name}`, pod.eth0?.mtu ?? pod.mtu ?? DEFAULT_POD_MTU);
  if (cidr.prefix !== 32 && !cidrContains(cidr, node.routerIp)) {
    throw new SpecError(`pod ${pod.name}: router ${node.routerIp} is not inside ${pod.ip}`);
  }
  const lxc = pod.lxc?.name ?? lxcName(pod.name);
  if (!IFNAME.test(lxc) || ['lo', 'eth0', 'vxlan0'].includes(lxc)) throw new SpecError(`pod ${pod.name}: bad lxc device name ${JSON.stringify(lxc)}`);
  const ifindex = ifindexOf(`pod ${pod.name} eth0`, pod.eth0?.ifindex, new Set());
  const lxcIfindex = ifindexOf(`pod ${pod.name} ${lxc}`, pod.lxc?.ifindex, nodeIfindexes);
  return {
    spec: pod,
    node: node.name,
    netns: netnsName(runId, 'pod', pod.name),
    cidr,
    mac: macOf(`pod ${pod.name}`, pod.eth0?.mac ?? pod.mac, stableMac(runId, `pod/${pod.name}`)),
    mtu,
    lxc,
    lxcMac: macOf(`pod ${pod.name} lxc`, pod.lxc?.mac ?? node.routerMac, stableMac(runId, `lxc/${pod.name}`)),
    lxcMtu: mtuOf(`pod ${pod.name} ${lxc}`, pod.lxc?.mtu ?? mtu),
    ...(ifindex !== undefined ? { ifindex } : {}),
    ...(lxcIfindex !== undefined ? { lxcIfindex } : {}),
  };
}

export function layoutOf(spec: TestbedSpec, runId: string): Layout {
  if (!spec.nodes?.length) throw new SpecError('a testbed needs at least one node');
  const port = spec.vxlan?.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SpecError(`vxlan.port ${port} is not a UDP port`);
  const names = new Set<string>();
  const nodes = spec.nodes.map((node): NodeLayout => {
    checkName('node', node.name, names);
    cidrOf(`node ${node.name} routerIp`, node.routerIp);
    // Devices of the node namespace: fixed ifindexes and lxc names must not collide there.
    const ifindexes = new Set<number>();
    const ifindex = ifindexOf(`node ${node.name} eth0`, node.eth0?.ifindex, ifindexes);
    const vxlanIfindex = ifindexOf(`node ${node.name} vxlan0`, node.vxlan0?.ifindex, ifindexes);
    const lxcNames = new Set<string>();
    const pods = (node.pods ?? []).map((pod) => {
      checkName('pod', pod.name, names);
      const layout = podLayout(runId, node, pod, ifindexes);
      if (lxcNames.has(layout.lxc)) throw new SpecError(`pod ${pod.name}: device name ${layout.lxc} collides; rename the pod`);
      lxcNames.add(layout.lxc);
      return layout;
    });
    if (node.vxlan0?.mac !== undefined) macOf(`node ${node.name} vxlan0`, node.vxlan0.mac, '');
    return {
      spec: node,
      netns: netnsName(runId, 'node', node.name),
      pinDir: nodePinDir(runId, node.name),
      underlay: cidrOf(`node ${node.name} underlayIp`, node.underlayIp, 24),
      mac: macOf(`node ${node.name} eth0`, node.eth0?.mac, stableMac(runId, `node/${node.name}`)),
      ...(ifindex !== undefined ? { ifindex } : {}),
      ...(node.eth0?.mtu !== undefined ? { mtu: mtuOf(`node ${node.name} eth0`, node.eth0.mtu) } : {}),
      vxlan: {
        ...(vxlanIfindex !== undefined ? { ifindex: vxlanIfindex } : {}),
        ...(node.vxlan0?.mac !== undefined ? { mac: node.vxlan0.mac.toLowerCase() } : {}),
        ...(node.vxlan0?.mtu !== undefined ? { mtu: mtuOf(`node ${node.name} vxlan0`, node.vxlan0.mtu) } : {}),
      },
      underlayPort: underlayPortName('node', node.name),
      podCidr: cidrOf(`node ${node.name} podCidr`, node.podCidr),
      pods,
    };
  });
  const world = (spec.world ?? []).map((host): WorldLayout => {
    checkName('world host', host.name, names);
    const ifindex = ifindexOf(`world host ${host.name} eth0`, host.eth0?.ifindex, new Set());
    return {
      spec: host,
      netns: netnsName(runId, 'world', host.name),
      cidr: cidrOf(`world host ${host.name} ip`, host.ip, 32),
      mac: macOf(`world host ${host.name} eth0`, host.eth0?.mac, stableMac(runId, `world/${host.name}`)),
      ...(ifindex !== undefined ? { ifindex } : {}),
      ...(host.eth0?.mtu !== undefined ? { mtu: mtuOf(`world host ${host.name} eth0`, host.eth0.mtu) } : {}),
      underlayPort: underlayPortName('world', host.name),
    };
  });
  const o = spec.options ?? {};
  return {
    runId,
    vxlanPort: port,
    options: {
      staticGatewayNeighbour: o.staticGatewayNeighbour ?? false,
      kernelRouting: o.kernelRouting ?? false,
      masquerade: o.masquerade ?? 'none',
      ipv6: o.ipv6 ?? false,
      keepOffloads: o.keepOffloads ?? false,
    },
    quiet: { permanentNeighbours: o.permanentNeighbours ?? false, quietTcp: o.quietTcp ?? false },
    underlayNetns: netnsName(runId, 'underlay'),
    nodes,
    world,
  };
}

/** Every namespace of the layout, underlay first. */
export function allNetns(layout: Layout): string[] {
  return [layout.underlayNetns, ...layout.nodes.map((n) => n.netns), ...layout.nodes.flatMap((n) => n.pods.map((p) => p.netns)), ...layout.world.map((w) => w.netns)];
}

/** The underlay subnets of all nodes ("192.168.50.0/24"), without repeats. */
export function underlaySubnets(layout: Layout): string[] {
  return [...new Set(layout.nodes.map((n) => networkOf(n.underlay)))];
}
