// The commands that build a layout, grouped in stages; within a stage every namespace's
// batch runs in parallel. Pure: topology.ts executes it.
//   1 namespaces      one `ip -batch` in the host: netns add ...
//   2 sysctls         per namespace, before any device exists (new devices copy `default`)
//   3 links           nodes and world hosts create their veths with the far end directly in
//                     the pod / underlay namespace; the underlay creates its bridge
//   4 config          addresses, routes, bridge ports, neighbours, static FDB; nft masquerade
//   5 offloads        ethtool on every device, then the devices are read back
//   6 bridge          wait until every underlay bridge port forwards
import { networkOf } from './addr.js';
import { underlaySubnets, type Layout, type NodeLayout, type PodLayout, type WorldLayout } from './layout.js';

export interface NetnsBatch {
  netns: string;
  lines: string[];
}

export interface Plan {
  namespaces: string[];
  /** Where the bridge is: set-up ends once all its ports forward. */
  underlayNetns: string;
  sysctls: NetnsBatch[];
  links: NetnsBatch[];
  config: NetnsBatch[];
  /** `bridge -batch` lines (static FDB entries), run with the config stage. */
  bridge: NetnsBatch[];
  nft: { netns: string; ruleset: string }[];
  /** Devices whose offloads are turned off (empty lists when options.keepOffloads). */
  offloads: NetnsBatch[];
}

const UNDERLAY_BRIDGE = 'br0';

/** `index N address MAC mtu M` for the fields a device has fixed. */
function identity(d: { ifindex?: number; mac?: string; mtu?: number }): string {
  return [d.ifindex !== undefined ? ` index ${d.ifindex}` : '', d.mac ? ` address ${d.mac}` : '', d.mtu !== undefined ? ` mtu ${d.mtu}` : ''].join('');
}

function sysctls(layout: Layout, kind: 'underlay' | 'node' | 'pod' | 'world'): string[] {
  const s = ['net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0'];
  // Segments with only the MSS option: what an emulated TCP can reproduce byte for byte.
  if (layout.quiet.quietTcp && (kind === 'pod' || kind === 'world')) s.push('net.ipv4.tcp_timestamps=0', 'net.ipv4.tcp_sack=0', 'net.ipv4.tcp_window_scaling=0');
  if (!layout.options.ipv6) s.push('net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1');
  // Nodes forward between pods, the overlay and eth0, and may see their own addresses as
  // sources on packets the datapath redirects back in.
  if (kind === 'node') s.push('net.ipv4.ip_forward=1', 'net.ipv4.conf.all.accept_local=1', 'net.ipv4.conf.default.accept_local=1');
  return s;
}

function nodeLinks(layout: Layout, node: NodeLayout): string[] {
  const lines = [
    'link set lo up',
    `link add eth0${identity({ ifindex: node.ifindex, mac: node.mac, mtu: node.mtu })} type veth peer name ${node.underlayPort}${identity({ mtu: node.mtu })} netns ${layout.underlayNetns}`,
    `link add vxlan0${identity(node.vxlan)} type vxlan external dstport ${layout.vxlanPort}`,
    `addr add ${node.underlay.ip}/${node.underlay.prefix} dev eth0`,
    'link set eth0 up',
    'link set vxlan0 up',
  ];
  for (const pod of node.pods) {
    lines.push(
      `link add ${pod.lxc}${identity({ ifindex: pod.lxcIfindex, mac: pod.lxcMac, mtu: pod.lxcMtu })} type veth peer name eth0${identity({ ifindex: pod.ifindex, mac: pod.mac, mtu: pod.mtu })} netns ${pod.netns}`,
      `link set ${pod.lxc} up`,
      // Replies from the world and anything else crossing the node's stack (pitfall 7).
      `route add ${pod.cidr.ip}/32 dev ${pod.lxc}`,
    );
  }
  // World hosts share the underlay segment: reached on-link (skip one inside eth0's subnet).
  for (const world of new Set(layout.world.map((w) => networkOf(w.cidr)))) {
    if (world !== networkOf(node.underlay)) lines.push(`route add ${world} dev eth0`);
  }
  if (layout.options.kernelRouting) {
    lines.push(`addr add ${node.spec.routerIp}/32 dev lo`);
    for (const other of layout.nodes) {
      if (other !== node) lines.push(`route add ${networkOf(other.podCidr)} via ${other.underlay.ip} dev eth0`);
    }
  }
  return lines;
}

function worldLinks(layout: Layout, world: WorldLayout): string[] {
  return [
    'link set lo up',
    `link add eth0${identity({ ifindex: world.ifindex, mac: world.mac, mtu: world.mtu })} type veth peer name ${world.underlayPort}${identity({ mtu: world.mtu })} netns ${layout.underlayNetns}`,
    `addr add ${world.cidr.ip}/${world.cidr.prefix} dev eth0`,
    'link set eth0 up',
  ];
}

function worldRoutes(layout: Layout, world: WorldLayout): string[] {
  const own = networkOf(world.cidr);
  const lines = underlaySubnets(layout).filter((subnet) => subnet !== own).map((subnet) => `route add ${subnet} dev eth0`);
  if (layout.options.kernelRouting && layout.options.masquerade === 'none') {
    for (const node of layout.nodes) lines.push(`route add ${networkOf(node.podCidr)} via ${node.underlay.ip} dev eth0`);
  }
  return lines;
}

/** Permanent entries for every other node and world host: the underlay carries no ARP. */
function underlayNeighbours(layout: Layout, self: NodeLayout | WorldLayout): string[] {
  if (!layout.quiet.permanentNeighbours) return [];
  const peers = [...layout.nodes.map((n) => ({ ip: n.underlay.ip, mac: n.mac, it: n as NodeLayout | WorldLayout })), ...layout.world.map((w) => ({ ip: w.cidr.ip, mac: w.mac, it: w as NodeLayout | WorldLayout }))];
  return peers.filter((p) => p.it !== self).map((p) => `neigh replace ${p.ip} lladdr ${p.mac} dev eth0 nud permanent`);
}

/**
 * With permanent neighbours the bridge would never learn where a MAC is (no ARP crosses it)
 * and flood the first frames to every port, world hosts included: static entries instead.
 */
function underlayFdb(layout: Layout): string[] {
  if (!layout.quiet.permanentNeighbours) return [];
  return [...layout.nodes, ...layout.world].map((x) => `fdb replace ${x.mac} dev ${x.underlayPort} master static`);
}

function podConfig(pod: PodLayout, node: NodeLayout, staticNeighbour: boolean): string[] {
  const router = node.spec.routerIp;
  const lines = ['link set lo up', 'link set eth0 up', `addr add ${pod.cidr.ip}/${pod.cidr.prefix} dev eth0`];
  if (pod.cidr.prefix === 32) lines.push(`route add ${router}/32 dev eth0 scope link`);
  lines.push(`route add default via ${router} dev eth0`);
  if (staticNeighbour) lines.push(`neigh replace ${router} lladdr ${pod.lxcMac} dev eth0 nud permanent`);
  return lines;
}

function masqueradeRuleset(layout: Layout, node: NodeLayout): string {
  const inside = [...new Set([...layout.nodes.map((n) => networkOf(n.podCidr)), ...underlaySubnets(layout)])];
  return [
    'table ip dpsim_nat {',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    oifname "eth0" ip saddr ${networkOf(node.podCidr)} ip daddr != { ${inside.join(', ')} } masquerade`,
    '  }',
    '}',
  ].join('\n');
}

export function planOf(layout: Layout): Plan {
  const pods = layout.nodes.flatMap((node) => node.pods.map((pod) => ({ pod, node })));
  const offloads = (netns: string, devices: string[]): NetnsBatch => ({ netns, lines: layout.options.keepOffloads ? [] : devices });
  return {
    underlayNetns: layout.underlayNetns,
    namespaces: [layout.underlayNetns, ...layout.nodes.map((n) => n.netns), ...pods.map(({ pod }) => pod.netns), ...layout.world.map((w) => w.netns)],
    sysctls: [
      { netns: layout.underlayNetns, lines: sysctls(layout, 'underlay') },
      ...layout.nodes.map((n) => ({ netns: n.netns, lines: sysctls(layout, 'node') })),
      ...pods.map(({ pod }) => ({ netns: pod.netns, lines: sysctls(layout, 'pod') })),
      ...layout.world.map((w) => ({ netns: w.netns, lines: sysctls(layout, 'world') })),
    ],
    links: [
      // STP off (the default) lets ports forward at once; no snooping: every frame floods.
      { netns: layout.underlayNetns, lines: ['link set lo up', `link add ${UNDERLAY_BRIDGE} type bridge mcast_snooping 0`, `link set ${UNDERLAY_BRIDGE} up`] },
      ...layout.nodes.map((n) => ({ netns: n.netns, lines: nodeLinks(layout, n) })),
      ...layout.world.map((w) => ({ netns: w.netns, lines: worldLinks(layout, w) })),
    ],
    config: [
      {
        netns: layout.underlayNetns,
        lines: [...layout.nodes, ...layout.world].map((x) => `link set ${x.underlayPort} master ${UNDERLAY_BRIDGE} up`),
      },
      ...pods.map(({ pod, node }) => ({ netns: pod.netns, lines: podConfig(pod, node, layout.options.staticGatewayNeighbour) })),
      ...layout.world.map((w) => ({ netns: w.netns, lines: [...worldRoutes(layout, w), ...underlayNeighbours(layout, w)] })),
      ...layout.nodes.map((n) => ({ netns: n.netns, lines: underlayNeighbours(layout, n) })).filter((b) => b.lines.length),
    ],
    bridge: [{ netns: layout.underlayNetns, lines: underlayFdb(layout) }].filter((b) => b.lines.length),
    nft: layout.options.masquerade === 'nft' ? layout.nodes.map((n) => ({ netns: n.netns, ruleset: masqueradeRuleset(layout, n) })) : [],
    offloads: [
      offloads(layout.underlayNetns, [UNDERLAY_BRIDGE, ...layout.nodes.map((n) => n.underlayPort), ...layout.world.map((w) => w.underlayPort)]),
      ...layout.nodes.map((n) => offloads(n.netns, ['eth0', 'vxlan0', ...n.pods.map((p) => p.lxc)])),
      ...pods.map(({ pod }) => offloads(pod.netns, ['eth0'])),
      ...layout.world.map((w) => offloads(w.netns, ['eth0'])),
    ],
  };
}
