// The spec checked and spelled out: every namespace, device name, MAC and address a run will
// create. Pure (no kernel access), so it can be tested anywhere.
import { cidrContains, isMac, networkOf, parseCidr, type Cidr } from './addr.js';
import {
  lxcName, netnsName, nodePinDir, PLACE_NAME, stableMac, underlayPortName,
} from './names.js';
import { DEFAULT_POD_MTU, type NodeSpec, type PodSpec, type TestbedOptions, type TestbedSpec, type WorldHostSpec } from './spec.js';

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
}

export interface NodeLayout {
  spec: NodeSpec;
  netns: string;
  pinDir: string;
  underlay: Cidr;
  mac: string;
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
  underlayPort: string;
}

export interface Layout {
  runId: string;
  vxlanPort: number;
  options: Required<Omit<TestbedOptions, 'workDir'>>;
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

function podLayout(runId: string, node: NodeSpec, pod: PodSpec): PodLayout {
  const cidr = cidrOf(`pod ${pod.name} ip`, pod.ip, 32);
  const mtu = pod.mtu ?? DEFAULT_POD_MTU;
  if (!Number.isInteger(mtu) || mtu < 576 || mtu > 9000) throw new SpecError(`pod ${pod.name}: mtu ${mtu} out of range 576..9000`);
  if (cidr.prefix !== 32 && !cidrContains(cidr, node.routerIp)) {
    throw new SpecError(`pod ${pod.name}: router ${node.routerIp} is not inside ${pod.ip}`);
  }
  return {
    spec: pod,
    node: node.name,
    netns: netnsName(runId, 'pod', pod.name),
    cidr,
    mac: macOf(`pod ${pod.name}`, pod.mac, stableMac(runId, `pod/${pod.name}`)),
    mtu,
    lxc: lxcName(pod.name),
    lxcMac: macOf(`node ${node.name} routerMac`, node.routerMac, stableMac(runId, `lxc/${pod.name}`)),
  };
}

export function layoutOf(spec: TestbedSpec, runId: string): Layout {
  if (!spec.nodes?.length) throw new SpecError('a testbed needs at least one node');
  const port = spec.vxlan?.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SpecError(`vxlan.port ${port} is not a UDP port`);
  const names = new Set<string>();
  const lxcNames = new Set<string>();
  const nodes = spec.nodes.map((node): NodeLayout => {
    checkName('node', node.name, names);
    cidrOf(`node ${node.name} routerIp`, node.routerIp);
    const pods = (node.pods ?? []).map((pod) => {
      checkName('pod', pod.name, names);
      const layout = podLayout(runId, node, pod);
      if (lxcNames.has(layout.lxc)) throw new SpecError(`pod ${pod.name}: device name ${layout.lxc} collides; rename the pod`);
      lxcNames.add(layout.lxc);
      return layout;
    });
    return {
      spec: node,
      netns: netnsName(runId, 'node', node.name),
      pinDir: nodePinDir(runId, node.name),
      underlay: cidrOf(`node ${node.name} underlayIp`, node.underlayIp, 24),
      mac: stableMac(runId, `node/${node.name}`),
      underlayPort: underlayPortName('node', node.name),
      podCidr: cidrOf(`node ${node.name} podCidr`, node.podCidr),
      pods,
    };
  });
  const world = (spec.world ?? []).map((host): WorldLayout => {
    checkName('world host', host.name, names);
    return {
      spec: host,
      netns: netnsName(runId, 'world', host.name),
      cidr: cidrOf(`world host ${host.name} ip`, host.ip, 32),
      mac: stableMac(runId, `world/${host.name}`),
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
