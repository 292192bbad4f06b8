import type { AgreementCase } from '../case.js';
import { ethernet, zeros } from '../packets.js';

/** Offsets in skb_load_store_bytes.c. */
export const LOAD_STORE = { rcOff: 14, rcCount: 8, clearedOff: 14 + 32, markerOff: 14 + 40, minLen: 14 + 44 } as const;

export function loadStorePacket(len: number): Uint8Array {
  const p = ethernet(zeros(len - 14));
  for (let i = LOAD_STORE.minLen; i < len; i++) p[i] = i & 0xff; // recognisable tail bytes
  return p;
}

export const skbLoadStoreCases: AgreementCase[] = [
  {
    name: 'loads and stores at and past the end',
    example: 'skb_load_store_bytes',
    inputs: [LOAD_STORE.minLen, 64, 100, 1500].map((len) => ({ data: loadStorePacket(len) })),
  },
  { name: 'packet shorter than the results', example: 'skb_load_store_bytes', inputs: [{ data: ethernet(zeros(20)) }] },
];
