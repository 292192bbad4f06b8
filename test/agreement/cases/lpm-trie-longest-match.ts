import type { AgreementCase } from '../case.js';
import { udpPacket } from '../packets.js';

export const LPM_OP = { LOOKUP: 0, INSERT: 1, DELETE: 2 } as const;
/** Where the program writes the value found: over the IPv4 id and fragment fields. */
export const LPM_RESULT_OFF = 14 + 4;

export const lpmPacket = (daddr: string, op: number = LPM_OP.LOOKUP, ttl = 64): Uint8Array =>
  udpPacket({ daddr, ip: { tos: op, ttl } });

export const ROUTES = {
  routes: [
    { key: '10.0.0.0/8', value: 1 },
    { key: '10.1.0.0/16', value: 2 },
    { key: '10.1.2.0/24', value: 3 },
    { key: '192.168.0.0/16', value: 4 },
  ],
};

export const lpmCases: AgreementCase[] = [
  {
    name: 'longest prefix wins; no match without a default route',
    example: 'lpm_trie_longest_match',
    maps: ROUTES,
    inputs: ['10.1.2.3', '10.1.9.9', '10.9.9.9', '192.168.1.1', '172.16.0.1', '11.0.0.1'].map((d) => ({ data: lpmPacket(d) })),
  },
  {
    name: 'a default route catches the rest',
    example: 'lpm_trie_longest_match',
    maps: { routes: [...ROUTES.routes, { key: '0.0.0.0/0', value: 99 }] },
    inputs: ['172.16.0.1', '10.1.2.3'].map((d) => ({ data: lpmPacket(d) })),
  },
  {
    name: 'program inserts (host bits unmasked), replaces and deletes /24 prefixes',
    example: 'lpm_trie_longest_match',
    maps: ROUTES,
    inputs: [
      { data: lpmPacket('10.5.5.5', LPM_OP.INSERT, 50) },
      { data: lpmPacket('10.5.5.77') },
      { data: lpmPacket('10.1.2.200', LPM_OP.INSERT, 60) }, // replaces 10.1.2.0/24
      { data: lpmPacket('10.1.2.3') },
      { data: lpmPacket('10.1.2.9', LPM_OP.DELETE) },
      { data: lpmPacket('10.1.2.3') },
      { data: lpmPacket('10.1.2.3', LPM_OP.DELETE) }, // already gone: -ENOENT
    ],
  },
  {
    name: 'a full trie refuses a new prefix',
    example: 'lpm_trie_longest_match',
    maps: { routes: Array.from({ length: 8 }, (_, i) => ({ key: `10.${i}.0.0/16`, value: i })) },
    inputs: [{ data: lpmPacket('10.9.9.9', LPM_OP.INSERT) }, { data: lpmPacket('10.3.3.3', LPM_OP.INSERT) }],
  },
];
