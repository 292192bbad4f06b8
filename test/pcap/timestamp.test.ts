// Exact tick arithmetic: the double-only fast paths agree with BigInt on random 64-bit values,
// and resolutions finer than a nanosecond are truncated like Wireshark does.
import { describe, expect, test } from 'vitest';
import { concat, udpFrame } from '../../src/packet/build.js';
import { formatTimestamp, parsePcap } from '../../src/pcap/index.js';
import { splitDecimalTicks, splitTicks, toDecimalTicks } from '../../src/pcap/timestamp.js';
import { byteOption, epb, idb, shb } from './blocks.js';

function random64(i: number): bigint {
  let x = BigInt(i) * 0x9e3779b97f4a7c15n;
  x ^= x >> 29n;
  return (x * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
}

describe('timestamps', () => {
  test('splitDecimalTicks matches BigInt division for every decimal unit up to 1e9', () => {
    for (let exponent = 0; exponent <= 9; exponent++) {
      const units = 10 ** exponent;
      for (let i = 0; i < 2000; i++) {
        const ticks = random64(i) >> BigInt(i % 64);
        const seconds = ticks / BigInt(units);
        const got = splitDecimalTicks(Number(ticks >> 32n), Number(ticks & 0xffffffffn), units);
        if (seconds > BigInt(Number.MAX_SAFE_INTEGER)) expect(got).toBeUndefined();
        else expect(got).toEqual({ seconds: Number(seconds), nanos: Number((ticks % BigInt(units)) * BigInt(1e9 / units)) });
      }
    }
  });

  test('toDecimalTicks is the inverse for every timestamp that fits', () => {
    for (let exponent = 0; exponent <= 9; exponent++) {
      const units = 10 ** exponent;
      for (let i = 0; i < 1000; i++) {
        const seconds = Number(random64(i) % BigInt(Math.min(Math.floor(2 ** 64 / units / 2), Number.MAX_SAFE_INTEGER)));
        const nanos = Number(random64(i + 7) % 1_000_000_000n);
        const { hi, lo } = toDecimalTicks({ seconds, nanos }, units);
        const expected = BigInt(seconds) * BigInt(units) + BigInt(Math.floor(nanos / (1e9 / units)));
        expect((BigInt(hi) << 32n) | BigInt(lo)).toBe(expected);
      }
    }
    expect(() => toDecimalTicks({ seconds: 2 ** 40, nanos: 0 }, 1e9)).toThrow(RangeError);
  });

  test('power-of-two and sub-nanosecond units are truncated to the nanosecond', () => {
    expect(splitTicks((5n << 30n) + (1n << 29n) + 1n, 1n << 30n)).toEqual({ seconds: 5, nanos: 500_000_000 });
    expect(splitTicks(1_700_000_000_123_456_789_999n, 10n ** 12n)).toEqual({ seconds: 1_700_000_000, nanos: 123_456_789 });
    const frame = udpFrame();
    // Picoseconds: a 64-bit count reaches only 1.8e7 s past the epoch.
    const file = concat(shb(), idb(1, 0, [byteOption(9, 12)]), epb({ interfaceId: 0, ticks: 1_000_000_123_456_789_999n, data: frame }));
    expect(parsePcap(file).packets[0]!.timestamp).toEqual({ seconds: 1_000_000, nanos: 123_456_789 });
  });

  test('formatTimestamp prints nine digits, and negative times (from if_tsoffset) correctly', () => {
    expect(formatTimestamp({ seconds: 1, nanos: 5 })).toBe('1.000000005');
    expect(formatTimestamp({ seconds: -2, nanos: 250_000_000 })).toBe('-1.750000000');
    expect(formatTimestamp({ seconds: -2, nanos: 0 })).toBe('-2.000000000');
  });
});
