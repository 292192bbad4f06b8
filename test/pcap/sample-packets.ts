// A mix of frames covering the protocol classes (ARP, IPv4/IPv6 with TCP, UDP, ICMP, ICMPv6,
// VXLAN on both ports, VLAN tags, IPv6 extension headers, other ethertypes), with timestamps
// that use every nanosecond digit.
import { concat, ethernet, icmpEcho, ipv4, IPPROTO, tcp, tcpFrame, udp, udpFrame } from '../../src/packet/build.js';
import type { PcapTimestamp } from '../../src/pcap/index.js';

export interface SamplePacket {
  timestamp: PcapTimestamp;
  data: Uint8Array;
  /** Expected classes (see src/pcap/protocols.ts). */
  network: 'arp' | 'ipv4' | 'ipv6' | 'other';
  transport?: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'vxlan' | 'other';
}

const ETH_P_IPV6 = 0x86dd;

export function ipv6(next: number, payload: Uint8Array): Uint8Array {
  const h = new Uint8Array(40);
  const v = new DataView(h.buffer);
  h[0] = 0x60;
  v.setUint16(4, payload.length);
  h[6] = next;
  h[7] = 64;
  h[8] = 0xfd;
  h[23] = 1;
  h[24] = 0xfd;
  h[39] = 2;
  return concat(h, payload);
}

function arp(): Uint8Array {
  const body = new Uint8Array(28);
  body.set([0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2]);
  return ethernet({ type: 0x0806, dst: 'ff:ff:ff:ff:ff:ff' }, body);
}

function vxlan(port: number): Uint8Array {
  const inner = tcpFrame({ src: '192.168.0.1', dst: '192.168.0.2' });
  const header = new Uint8Array([0x08, 0, 0, 0, 0, 0, 42, 0]);
  const ip = { src: '10.0.0.1', dst: '10.0.0.2' };
  return ethernet({}, ipv4({ ...ip, proto: IPPROTO.UDP }, udp(ip, { sport: 40000, dport: port, payload: concat(header, inner) })));
}

function vlanTagged(): Uint8Array {
  const plain = udpFrame({ dport: 53 });
  return concat(plain.subarray(0, 12), new Uint8Array([0x81, 0, 0, 7]), plain.subarray(12));
}

function icmpv6Echo(): Uint8Array {
  return ethernet({ type: ETH_P_IPV6 }, ipv6(58, new Uint8Array([128, 0, 0, 0, 0, 1, 0, 1])));
}

function ipv6HopByHopTcp(): Uint8Array {
  const hopByHop = new Uint8Array([6, 0, 1, 4, 0, 0, 0, 0]);
  const ip = { src: '10.0.0.1', dst: '10.0.0.2' };
  return ethernet({ type: ETH_P_IPV6 }, ipv6(0, concat(hopByHop, tcp(ip, { sport: 1, dport: 2 }))));
}

function ipv6Udp(): Uint8Array {
  const udpHeader = new Uint8Array([0x30, 0x39, 0, 53, 0, 8, 0, 0]);
  return ethernet({ type: ETH_P_IPV6 }, ipv6(17, udpHeader));
}

export function samplePackets(): SamplePacket[] {
  const ip = { src: '10.0.0.1', dst: '10.0.0.2' };
  const frames: Omit<SamplePacket, 'timestamp'>[] = [
    { data: arp(), network: 'arp' },
    { data: tcpFrame(), network: 'ipv4', transport: 'tcp' },
    { data: udpFrame(), network: 'ipv4', transport: 'udp' },
    { data: ethernet({}, ipv4({ ...ip, proto: IPPROTO.ICMP }, icmpEcho({ payload: new Uint8Array(16) }))), network: 'ipv4', transport: 'icmp' },
    { data: icmpv6Echo(), network: 'ipv6', transport: 'icmpv6' },
    { data: ipv6Udp(), network: 'ipv6', transport: 'udp' },
    { data: ipv6HopByHopTcp(), network: 'ipv6', transport: 'tcp' },
    { data: vxlan(4789), network: 'ipv4', transport: 'vxlan' },
    { data: vxlan(8472), network: 'ipv4', transport: 'vxlan' },
    { data: vlanTagged(), network: 'ipv4', transport: 'udp' },
    { data: ethernet({}, ipv4({ ...ip, proto: 47 }, new Uint8Array(8))), network: 'ipv4', transport: 'other' },
    { data: ethernet({ type: 0x88cc }, new Uint8Array(46)), network: 'other' },
  ];
  // Timestamps rise by a little over a second with sub-microsecond digits.
  return frames.map((frame, i) => ({ ...frame, timestamp: { seconds: 1_700_000_000 + i, nanos: (123_456_789 * (i + 1)) % 1_000_000_000 } }));
}

/** The timestamp cut to microseconds, as a µs pcap stores it. */
export const toMicros = (ts: PcapTimestamp): PcapTimestamp => ({ seconds: ts.seconds, nanos: ts.nanos - (ts.nanos % 1000) });
