// Pacing in virtual time: the capture's gaps (default, --topspeed, --multiplier), --pps and
// --mbps, and output timestamps from the first packet's time plus the virtual offset.
import { describe, it, expect } from 'vitest';
import { VirtualPacer, outputTimestamp, describePacing } from '../../src/replay/pacing.js';

const ts = (seconds: number, nanos = 0) => ({ seconds, nanos });

describe('VirtualPacer', () => {
  it("follows the capture's gaps, exactly, across second boundaries of epoch-sized times", () => {
    const p = new VirtualPacer({ kind: 'capture', multiplier: 1 });
    expect(p.next(ts(1_700_000_000, 999_999_999), 60, false)).toBe(0);
    expect(p.next(ts(1_700_000_001, 1), 60, false)).toBe(2);
    expect(p.next(ts(1_700_000_003, 1), 60, false)).toBe(2_000_000_002);
  });

  it('a backwards gap counts as 0 and a loop restart adds no gap', () => {
    const p = new VirtualPacer({ kind: 'capture', multiplier: 1 });
    p.next(ts(10), 60, false);
    expect(p.next(ts(12), 60, false)).toBe(2e9);
    expect(p.next(ts(11), 60, false)).toBe(2e9); // out of order
    expect(p.next(ts(13), 60, false)).toBe(4e9); // 13 - 11
    expect(p.next(ts(10), 60, true)).toBe(4e9); // the capture again from its start
    expect(p.next(ts(11), 60, false)).toBe(5e9);
  });

  it('--multiplier divides the gaps', () => {
    const p = new VirtualPacer({ kind: 'capture', multiplier: 4 });
    p.next(ts(0), 60, false);
    expect(p.next(ts(1), 60, false)).toBe(250_000_000);
    expect(p.next(ts(3), 60, false)).toBe(750_000_000);
  });

  it('--pps N puts packet k at k/N s, without drift', () => {
    const p = new VirtualPacer({ kind: 'pps', pps: 3 });
    const offsets = Array.from({ length: 301 }, () => p.next(ts(5), 60, false));
    expect(offsets.slice(0, 4)).toEqual([0, 333_333_333, 666_666_667, 1_000_000_000]);
    expect(offsets[300]).toBe(100e9);
  });

  it('--mbps N spaces packets by the time their bits take', () => {
    const p = new VirtualPacer({ kind: 'mbps', mbps: 1 });
    expect(p.next(ts(0), 125, false)).toBe(0); // 1000 bits at 1 Mbit/s = 1 ms
    expect(p.next(ts(0), 1250, false)).toBe(1_000_000);
    expect(p.next(ts(0), 60, false)).toBe(11_000_000);
  });

  it('describes itself for the summary', () => {
    expect(describePacing({ kind: 'capture', multiplier: 1 })).toBe("the capture's timestamps");
    expect(describePacing({ kind: 'pps', pps: 1000 })).toBe('1000 packets/s');
    expect(describePacing({ kind: 'mbps', mbps: 10 })).toBe('10 Mbit/s');
  });
});

describe('outputTimestamp', () => {
  it('is the first packet time plus the offset, carried into seconds', () => {
    expect(outputTimestamp(ts(100, 900_000_000), 0)).toEqual(ts(100, 900_000_000));
    expect(outputTimestamp(ts(100, 900_000_000), 200_000_000)).toEqual(ts(101, 100_000_000));
    expect(outputTimestamp(ts(100, 0), 3_000_000_007)).toEqual(ts(103, 7));
  });
});
