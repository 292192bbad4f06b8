import type { AgreementCase } from '../case.js';
import { concat, ethernet, u8, zeros } from '../packets.js';

export const REDIRECT = { EGRESS: 0, INGRESS: 1, BAD_FLAGS: 2, NO_REDIRECT: 3 } as const;
export const redirectPacket = (mode: number): Uint8Array => ethernet(concat(u8(mode), zeros(29)), { type: 0x88b5 });

export const redirectCases: AgreementCase[] = [
  { name: 'redirect return values and the CPU id', example: 'redirect_smp_cpu', inputs: Object.values(REDIRECT).map((m) => ({ data: redirectPacket(m) })) },
];
