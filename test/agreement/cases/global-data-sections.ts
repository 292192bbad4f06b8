import type { AgreementCase } from '../case.js';
import { ethernet, u32le, zeros } from '../packets.js';

export const frame = (len: number): Uint8Array => ethernet(zeros(len - 14));
export const FRAME_LENGTHS = [60, 61, 100, 42, 75];

export const globalDataCases: AgreementCase[] = [
  { name: 'initial .data, .bss and .rodata', example: 'global_data_sections', inputs: FRAME_LENGTHS.map((n) => ({ data: frame(n) })) },
  {
    name: '.rodata constant set before load',
    example: 'global_data_sections',
    globals: [{ section: '.rodata', variable: 'scale', bytes: u32le(3) }],
    inputs: FRAME_LENGTHS.map((n) => ({ data: frame(n) })),
  },
  {
    name: '.data and .bss loaded from JSON',
    example: 'global_data_sections',
    maps: {
      '.data': [{ key: 0, value: { packets_seen: 5000, tag: '6162636465666768' } }],
      '.bss': [{ key: 0, value: { last_len: 1, max_len: 80 } }],
    },
    inputs: FRAME_LENGTHS.map((n) => ({ data: frame(n) })),
  },
];
