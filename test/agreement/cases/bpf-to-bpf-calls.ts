import type { AgreementCase } from '../case.js';
import { concat, ethernet, u32le, zeros } from '../packets.js';

export const callsPacket = (a: number, b: number, extra = 0): Uint8Array => ethernet(concat(u32le(a), u32le(b), zeros(16 + extra)));

export const CALL_INPUTS: [number, number][] = [[1, 2], [0xffffffff, 0x80000000], [0x12345678, 0x9abcdef0], [0, 0]];

export const callsCases: AgreementCase[] = [
  { name: 'static and global subprograms', example: 'bpf_to_bpf_calls', inputs: CALL_INPUTS.map(([a, b], i) => ({ data: callsPacket(a, b, i * 7) })) },
];
