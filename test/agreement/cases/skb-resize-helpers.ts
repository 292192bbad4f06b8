import type { AgreementCase } from '../case.js';
import { ETH_P, ethernet, tcpPacket, udpPacket, zeros } from '../packets.js';

/** enum mode of skb_resize_helpers.c, carried in the IPv4 TOS byte. */
export const RESIZE = {
  ROOM_NET_GROW: 0, ROOM_NET_SHRINK: 1, ROOM_MAC_GROW: 2, ROOM_MAC_SHRINK: 3, ROOM_ENCAP_UDP: 4,
  ROOM_BAD_FLAGS: 5, ROOM_BAD_MODE: 6, ROOM_TOO_BIG: 7, ROOM_SHRINK_TOO_MUCH: 8,
  HEAD_PUSH: 9, HEAD_BAD_FLAGS: 10, TAIL_GROW: 11, TAIL_TRIM: 12, TAIL_BELOW_MIN: 13, TAIL_TOO_BIG: 14,
  PULL_ALL: 15, PULL_PAST_END: 16, PULL_ZERO: 17,
} as const;

export const resizePacket = (mode: number, payload = 32): Uint8Array => udpPacket({ ip: { tos: mode }, payload: zeros(payload).map((_, i) => i + 1) });

const allModes = Object.values(RESIZE);

export const resizeCases: AgreementCase[] = [
  { name: 'every mode on a UDP packet', example: 'skb_resize_helpers', inputs: allModes.map((m) => ({ data: resizePacket(m) })) },
  { name: 'every mode on a TCP packet', example: 'skb_resize_helpers', inputs: allModes.map((m) => ({ data: tcpPacket({ ip: { tos: m } }) })) },
  { name: 'every mode on a minimal IPv4 frame', example: 'skb_resize_helpers', inputs: allModes.map((m) => ({ data: udpPacket({ ip: { tos: m }, payload: zeros(0) }) })) },
  {
    // bpf_skb_adjust_room works on IPv4/IPv6 only; byte 15 (mode) is 0 = ROOM_NET_GROW here.
    name: 'adjust_room on a non-IP frame',
    example: 'skb_resize_helpers',
    inputs: [{ data: ethernet(zeros(46), { type: ETH_P.ARP }) }],
  },
];
