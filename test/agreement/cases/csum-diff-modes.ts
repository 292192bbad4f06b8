import type { AgreementCase } from '../case.js';
import { concat, ethernet, u32le, u8, zeros } from '../packets.js';

export const CSUM_DIFF_RESULTS_OFF = 14 + 20;

export interface CsumDiffInput {
  from: Uint8Array; // 8 bytes
  to: Uint8Array; // 8 bytes
  seed: number;
}

export function csumDiffPacket(i: CsumDiffInput): Uint8Array {
  return ethernet(concat(i.from, i.to, u32le(i.seed), zeros(5 * 8)));
}

export const CSUM_DIFF_INPUTS: CsumDiffInput[] = [
  { from: u8(10, 0, 0, 1, 0, 53, 0, 0), to: u8(10, 0, 0, 99, 0x1f, 0x90, 0, 0), seed: 0 },
  { from: u8(1, 2, 3, 4, 5, 6, 7, 8), to: u8(1, 2, 3, 4, 5, 6, 7, 8), seed: 0x1234 },
  { from: u8(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), to: u8(0, 0, 0, 0, 0, 0, 0, 0), seed: 0xffffffff },
  { from: u8(0, 0, 0, 0, 0, 0, 0, 0), to: u8(0xff, 0xff, 0xff, 0xff, 0xfe, 0xdc, 0xba, 0x98), seed: 0xfffeffff },
];

export const csumDiffCases: AgreementCase[] = [
  { name: 'from/to/both/neither and a bad size', example: 'csum_diff_modes', inputs: CSUM_DIFF_INPUTS.map((i) => ({ data: csumDiffPacket(i) })) },
];
