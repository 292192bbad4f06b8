import type { AgreementCase } from '../case.js';
import { concat, ethernet, u8 } from '../packets.js';

export interface EventRequest {
  perfSize: number;
  ringSize: number;
  appendLen?: number;
  otherCpu?: boolean;
}

export const EVENT_PAYLOAD = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);

export function eventPacket(r: EventRequest): Uint8Array {
  return ethernet(concat(u8(r.perfSize, r.ringSize, r.appendLen ?? 0, r.otherCpu ? 1 : 0), EVENT_PAYLOAD, u8(1, 2, 3, 4)));
}

export const eventCases: AgreementCase[] = [
  {
    name: 'perf samples of every padding class, ring buffer records',
    example: 'perf_ringbuf_events',
    inputs: [1, 2, 3, 4, 5, 8, 12, 13, 16, 20, 31].map((n, i) => ({ data: eventPacket({ perfSize: n, ringSize: i % 9 }) })),
  },
  {
    name: 'perf samples with packet bytes appended',
    example: 'perf_ringbuf_events',
    inputs: [[4, 10], [12, 14], [1, 54], [8, 63]].map(([perfSize, appendLen]) => ({ data: eventPacket({ perfSize: perfSize!, ringSize: 0, appendLen: appendLen! }) })),
  },
  {
    name: "another CPU's perf slot is refused",
    example: 'perf_ringbuf_events',
    inputs: [{ data: eventPacket({ perfSize: 8, ringSize: 3, otherCpu: true }) }],
  },
  {
    // 650 runs of 48-byte samples nearly fill the 8-page perf ring; the 16-byte samples
    // after them wrap, so their pad bytes hold stale sample bytes in the kernel. The 4 KiB
    // ring buffer fills up too, and later reservations fail.
    name: 'perf ring wrap-around (stale pad bytes) and a full ring buffer',
    example: 'perf_ringbuf_events',
    repeat: 650,
    inputs: [{ data: eventPacket({ perfSize: 31, ringSize: 0 }) }, { data: eventPacket({ perfSize: 1, ringSize: 0 }) }],
  },
  { name: 'no perf or ring output asked for', example: 'perf_ringbuf_events', inputs: [{ data: eventPacket({ perfSize: 0, ringSize: 0 }) }] },
];
