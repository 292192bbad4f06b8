import { describe, expect, it } from 'vitest';
import {
  BPF_F_CURRENT_CPU, BPF_RB_AVAIL_DATA, BPF_RB_CONS_POS, BPF_RB_PROD_POS, BPF_RB_RING_SIZE, createMap, E2BIG, EAGAIN,
  EINVAL, MapType, PerfEventArrayMap, RingbufMap,
} from '../../src/maps/index.js';
import { bytes } from './bytes.js';

function ring(size = 4096): RingbufMap {
  return createMap({ name: 'rb', type: MapType.RINGBUF, keySize: 0, valueSize: 0, maxEntries: size }) as RingbufMap;
}

describe('RINGBUF', () => {
  it('reserve/submit/discard: only submitted records reach the consumer, in reservation order', () => {
    const r = ring();
    const a = r.reserve(3)!;
    const b = r.reserve(5)!;
    const c = r.reserve(1)!;
    a.set([1, 2, 3]);
    b.fill(9);
    c[0] = 7;
    r.submit(c);
    r.discard(b);
    expect(r.records).toEqual([bytes(7)]);
    expect(r.drain()).toEqual([]); // the consumer stops at `a`, still reserved
    r.submit(a);
    expect(r.drain()).toEqual([bytes(1, 2, 3), bytes(7)]);
    expect(r.query(BPF_RB_AVAIL_DATA)).toBe(0);
  });

  it('accounts 8-byte headers and 8-byte rounding; space comes back only when consumed', () => {
    const r = ring(4096);
    // Each 1-byte record takes 16 bytes; the producer may be at most 4095 bytes ahead.
    let n = 0;
    while (r.reserve(1) !== undefined) n++;
    expect(n).toBe(255);
    expect(r.query(BPF_RB_PROD_POS)).toBe(255 * 16);
    expect(r.query(BPF_RB_RING_SIZE)).toBe(4096);
    expect(r.output(bytes(1))).toBe(-EAGAIN);
  });

  it('discarded records hold space until consumed', () => {
    const r = ring(4096);
    const big = r.reserve(4096 - 16)!; // 4088 bytes of ring: leaves 7
    expect(big).toBeDefined();
    expect(r.reserve(0)).toBeUndefined();
    r.discard(big);
    expect(r.reserve(0)).toBeUndefined();
    expect(r.drain()).toEqual([]);
    expect(r.query(BPF_RB_CONS_POS)).toBe(4088);
    expect(r.reserve(100)).toBeDefined();
  });

  it('rejects records larger than the ring and non-zero flags', () => {
    const r = ring();
    expect(r.reserve(4096)).toBeUndefined();
    expect(r.reserve(8, 1)).toBeUndefined();
    expect(r.output(bytes(1), 4)).toBe(-EINVAL);
  });

  it('output copies the data', () => {
    const r = ring();
    const data = bytes(1, 2);
    expect(r.output(data)).toBe(0);
    data[0] = 0;
    expect(r.drain()).toEqual([bytes(1, 2)]);
  });

  it('submitting a record twice is a VM bug', () => {
    const r = ring();
    const a = r.reserve(1)!;
    r.submit(a);
    expect(() => r.submit(a)).toThrow(/map "rb": submit\/discard of a record that is not reserved/);
  });
});

describe('PERF_EVENT_ARRAY', () => {
  it('captures output with cpu and sequence; BPF_F_CURRENT_CPU uses map.cpu', () => {
    const p = createMap({ name: 'events', type: MapType.PERF_EVENT_ARRAY, keySize: 4, valueSize: 4, maxEntries: 0 }, { nCpus: 2 }) as PerfEventArrayMap;
    expect(p.maxEntries).toBe(2); // libbpf: 0 means one per CPU
    p.cpu = 1;
    const data = bytes(5);
    expect(p.output(BPF_F_CURRENT_CPU, data)).toBe(0);
    data[0] = 6;
    expect(p.output(0, data)).toBe(0);
    expect(p.output(2, data)).toBe(-E2BIG);
    expect(p.events).toEqual([
      { cpu: 1, data: bytes(5), seq: 0 },
      { cpu: 0, data: bytes(6), seq: 1 },
    ]);
    expect(p.drain().length).toBe(2);
    expect(p.events).toEqual([]);
    p.output(0, data);
    expect(p.events[0].seq).toBe(2);
  });
});
