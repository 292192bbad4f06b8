// Per-packet protocol classes for capture summaries: the network layer from the link header,
// the transport from the IP header (after IPv6 extension headers), VXLAN by its UDP ports.
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, networkLayer } from './link-layer.js';

export type NetworkClass = 'arp' | 'ipv4' | 'ipv6' | 'other';
/** Transport classes partition the IP packets: `udp` excludes VXLAN. */
export type TransportClass = 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'vxlan' | 'other';

export interface ProtocolCounts {
  network: Record<NetworkClass, number>;
  /** Counts IPv4 and IPv6 packets only. */
  transport: Record<TransportClass, number>;
}

/** The UDP ports VXLAN uses: IANA's 4789 and Linux's historical default 8472. */
export const VXLAN_PORTS: ReadonlySet<number> = new Set([4789, 8472]);

const PROTO_ICMP = 1;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const PROTO_ICMPV6 = 58;
const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_AUTH = 51;
const IPV6_DEST_OPTS = 60;

export function emptyProtocolCounts(): ProtocolCounts {
  return {
    network: { arp: 0, ipv4: 0, ipv6: 0, other: 0 },
    transport: { tcp: 0, udp: 0, icmp: 0, icmpv6: 0, vxlan: 0, other: 0 },
  };
}

export function countProtocols(counts: ProtocolCounts, packet: { linkType: number; data: Uint8Array }): void {
  const { network, transport } = classifyPacket(packet);
  counts.network[network]++;
  if (transport) counts.transport[transport]++;
}

export function classifyPacket(packet: { linkType: number; data: Uint8Array }): { network: NetworkClass; transport?: TransportClass } {
  const l3 = networkLayer(packet.linkType, packet.data);
  if (!l3) return { network: 'other' };
  const ip = packet.data.subarray(l3.offset);
  if (l3.protocol === ETHERTYPE_ARP) return { network: 'arp' };
  if (l3.protocol === ETHERTYPE_IPV4) return { network: 'ipv4', transport: ipv4Transport(ip) };
  if (l3.protocol === ETHERTYPE_IPV6) return { network: 'ipv6', transport: ipv6Transport(ip) };
  return { network: 'other' };
}

function ipv4Transport(ip: Uint8Array): TransportClass {
  if (ip.length < 20) return 'other';
  const fragmentOffset = ((ip[6]! & 0x1f) << 8) | ip[7]!;
  // Later fragments carry no transport header.
  if (fragmentOffset !== 0) return 'other';
  return transportAt(ip[9]!, ip, (ip[0]! & 0x0f) * 4);
}

function ipv6Transport(ip: Uint8Array): TransportClass {
  if (ip.length < 40) return 'other';
  let next = ip[6]!;
  let at = 40;
  for (;;) {
    if (next === IPV6_HOP_BY_HOP || next === IPV6_ROUTING || next === IPV6_DEST_OPTS) {
      if (at + 2 > ip.length) return 'other';
      [next, at] = [ip[at]!, at + (ip[at + 1]! + 1) * 8];
    } else if (next === IPV6_AUTH) {
      if (at + 2 > ip.length) return 'other';
      [next, at] = [ip[at]!, at + (ip[at + 1]! + 2) * 4];
    } else if (next === IPV6_FRAGMENT) {
      if (at + 8 > ip.length) return 'other';
      if ((((ip[at + 2]! << 8) | ip[at + 3]!) & 0xfff8) !== 0) return 'other';
      [next, at] = [ip[at]!, at + 8];
    } else return transportAt(next, ip, at);
  }
}

function transportAt(protocol: number, ip: Uint8Array, at: number): TransportClass {
  if (protocol === PROTO_TCP) return 'tcp';
  if (protocol === PROTO_ICMP) return 'icmp';
  if (protocol === PROTO_ICMPV6) return 'icmpv6';
  if (protocol !== PROTO_UDP) return 'other';
  if (at + 4 <= ip.length) {
    const source = (ip[at]! << 8) | ip[at + 1]!;
    const dest = (ip[at + 2]! << 8) | ip[at + 3]!;
    if (VXLAN_PORTS.has(dest) || VXLAN_PORTS.has(source)) return 'vxlan';
  }
  return 'udp';
}
