import type { AgreementCase } from '../case.js';
import { concat, ethernet, u32le, u64le, zeros } from '../packets.js';

export const ALU_RESULTS = 24;
export const ALU_RESULTS_OFF = 14 + 24;

export interface AluOperands {
  a: bigint;
  b: bigint;
  c: number;
  d: number;
}

export function aluPacket(o: AluOperands): Uint8Array {
  return ethernet(concat(u64le(o.a), u64le(o.b), u32le(o.c), u32le(o.d), zeros(ALU_RESULTS * 8)));
}

export const ALU_OPERANDS: AluOperands[] = [
  { a: 100n, b: 7n, c: 100, d: 7 },
  { a: 0xdeadbeefcafebaben, b: 0n, c: 0x12345678, d: 0 }, // division and modulo by zero
  { a: -7n, b: 2n, c: -7 >>> 0, d: 2 },
  { a: 7n, b: -2n, c: 7, d: -2 >>> 0 },
  { a: -(1n << 63n), b: -1n, c: 0x80000000, d: 0xffffffff },
  { a: 0x0000000080008080n, b: 3n, c: 63, d: 31 },
  { a: 0x8000000000000001n, b: 0x10n, c: 64, d: 32 }, // shift amounts that the masks wrap
  { a: 0x0123456789abcdefn, b: 0xfedcba9876543210n, c: 65, d: 33 },
];

export const aluCases: AgreementCase[] = [
  { name: 'div, mod, signed div, shifts, swaps, sign extension', example: 'alu_edge_cases', inputs: ALU_OPERANDS.map((o) => ({ data: aluPacket(o) })) },
  { name: 'packet too short for the operands', example: 'alu_edge_cases', inputs: [{ data: ethernet(zeros(10)) }] },
];
