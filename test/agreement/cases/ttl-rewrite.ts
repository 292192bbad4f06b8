import type { AgreementCase } from '../case.js';
import { ETH_P, ethernet, u8, udpPacket, zeros } from '../packets.js';

export const ttlRewriteCases: AgreementCase[] = [
  {
    name: 'decrements TTL 64, 2 and drops TTL 1',
    example: 'ttl_rewrite',
    inputs: [64, 2, 1, 0, 255].map((ttl) => ({ data: udpPacket({ ip: { ttl } }) })),
  },
  {
    name: 'leaves non-IPv4 and headerless frames alone; refuses a frame under 14 bytes',
    example: 'ttl_rewrite',
    inputs: [
      { data: ethernet(zeros(28), { type: ETH_P.ARP }) },
      { data: ethernet(u8()) },
      { data: ethernet(zeros(10)) },
      { data: zeros(13) },
    ],
  },
  {
    name: 'repeat 3 runs on the same packet',
    example: 'ttl_rewrite',
    inputs: [{ data: udpPacket({ ip: { ttl: 64 } }) }],
    repeat: 3,
  },
];
