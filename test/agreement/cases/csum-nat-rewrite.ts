import type { AgreementCase } from '../case.js';
import { concat, ETH_P, ethernet, internetChecksum, IPPROTO, ipv4, onesSum, tcpPacket, u16be, u8, udp, udpPacket } from '../packets.js';

export const NAT_TOS = { BY_VALUE: 0, BY_DIFF: 1, ERRORS: 2 } as const;

/**
 * A UDP packet whose checksum after the NAT rewrite (daddr 10.0.0.99, dport 8080) comes out
 * as zero, so BPF_F_MARK_MANGLED_0 must write 0xffff: the last payload word is chosen so
 * that the rewritten datagram's ones' complement sum is 0xffff.
 */
export function udpMangledZeroPacket(tos: number): Uint8Array {
  const rewritten = udp({ daddr: '10.0.0.99', dport: 8080, payload: u8(1, 2, 3, 4, 5, 6, 0, 0), zeroChecksum: true });
  const pseudo = onesSum(concat([10, 0, 0, 1], [10, 0, 0, 99], u8(0, IPPROTO.UDP), u16be(rewritten.length)));
  const word = 0xffff - onesSum(rewritten, pseudo);
  const payload = u8(1, 2, 3, 4, 5, 6, word >> 8, word & 0xff);
  // Sanity of the construction itself: the rewritten datagram now sums to zero.
  if (internetChecksum(udp({ daddr: '10.0.0.99', dport: 8080, payload, zeroChecksum: true }), pseudo) !== 0) {
    throw new Error('udpMangledZeroPacket: construction failed');
  }
  return udpPacket({ payload, ip: { tos } });
}

export const csumNatCases: AgreementCase[] = [
  {
    name: 'UDP and TCP, by value and by csum_diff',
    example: 'csum_nat_rewrite',
    inputs: [NAT_TOS.BY_VALUE, NAT_TOS.BY_DIFF].flatMap((tos) => [
      { data: udpPacket({ ip: { tos } }) },
      { data: tcpPacket({ ip: { tos } }) },
      { data: udpPacket({ ip: { tos }, daddr: '192.168.200.17', dport: 12345, sport: 65535 }) },
      { data: tcpPacket({ ip: { tos }, daddr: '172.16.0.1', dport: 443 }) },
    ]),
  },
  {
    name: 'UDP without checksum stays without; a zero result becomes 0xffff',
    example: 'csum_nat_rewrite',
    inputs: [
      { data: udpPacket({ zeroChecksum: true, ip: { tos: NAT_TOS.BY_VALUE } }) },
      { data: udpPacket({ zeroChecksum: true, ip: { tos: NAT_TOS.BY_DIFF } }) },
      { data: udpMangledZeroPacket(NAT_TOS.BY_VALUE) },
      { data: udpMangledZeroPacket(NAT_TOS.BY_DIFF) },
    ],
  },
  {
    name: 'helper errors, other protocols, non-IP',
    example: 'csum_nat_rewrite',
    inputs: [
      { data: udpPacket({ ip: { tos: NAT_TOS.ERRORS } }) },
      { data: ethernet(ipv4(u8(8, 0, 0, 0, 0, 0, 0, 0), { protocol: IPPROTO.ICMP })) },
      { data: ethernet(u8(...new Array(40).fill(0)), { type: ETH_P.IPV6 }) },
    ],
  },
];
