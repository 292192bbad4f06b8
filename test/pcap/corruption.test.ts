// Damaged input: every readable packet comes out, then a PcapError naming the offset and the
// problem; never another exception, never a hang. Truncation at every offset, random byte flips,
// and the specific failures by name.
import { describe, expect, test } from 'vitest';
import { concat, udpFrame } from '../../src/packet/build.js';
import { parsePcap, PcapError, PcapWriter, PartialCaptureError, type PcapPacket } from '../../src/pcap/index.js';
import { block, epb, idb, shb } from './blocks.js';
import { multiSectionFile } from './multi-section.js';
import { chunked, readAll, summary } from './streams.js';

function smallClassic(): Uint8Array {
  const writer = new PcapWriter(undefined, { resolution: 'ns' });
  for (let i = 0; i < 4; i++) void writer.write({ timestamp: { seconds: 1_700_000_000 + i, nanos: i * 7 }, data: udpFrame({ sport: i }).subarray(0, 20 + i * 9) });
  return writer.toBytes();
}

/** Where each record/block ends: a file cut there is shorter, not damaged. */
function recordEnds(bytes: Uint8Array): Set<number> {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const ends = new Set<number>();
  if (v.getUint32(0, true) === 0x0a0d0d0a) {
    for (let at = 0; at + 8 <= bytes.length; ) ends.add((at += v.getUint32(at + 4, true)));
  } else {
    ends.add(24);
    for (let at = 24; at + 16 <= bytes.length; ) ends.add((at += 16 + v.getUint32(at + 8, true)));
  }
  return ends;
}

/** Reads `bytes` both ways; both must agree and end in packets then done or PcapError. */
async function outcome(bytes: Uint8Array, chunkSize: number): Promise<{ packets: PcapPacket[]; error?: PcapError }> {
  let syncPackets: PcapPacket[];
  let syncError: PcapError | undefined;
  try {
    syncPackets = parsePcap(bytes).packets;
  } catch (err) {
    if (!(err instanceof PartialCaptureError)) throw err;
    syncPackets = err.partial.packets;
    syncError = err;
  }
  const streamed = await readAll(chunked(bytes, chunkSize));
  if (streamed.error !== undefined && !(streamed.error instanceof PcapError)) throw streamed.error;
  expect(streamed.packets.map(summary)).toEqual(syncPackets.map(summary));
  expect((streamed.error as PcapError | undefined)?.message).toEqual(syncError?.message);
  if (syncError) {
    expect(syncError.packetsRead).toBe(syncPackets.length);
    expect(syncError.offset).toBeGreaterThanOrEqual(0);
    expect(syncError.offset).toBeLessThanOrEqual(bytes.length);
  }
  return { packets: syncPackets, ...(syncError ? { error: syncError } : {}) };
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each([
  ['pcap', smallClassic()],
  ['pcapng', multiSectionFile()],
])('%s damage', (_name, file) => {
  const full = parsePcap(file).packets.map(summary);
  const ends = recordEnds(file);

  test('truncated at every offset: a prefix of the packets, then an error unless cut between records', async () => {
    for (let cut = 0; cut < file.length; cut++) {
      const { packets, error } = await outcome(file.subarray(0, cut), 5);
      expect(full.slice(0, packets.length)).toEqual(packets.map(summary));
      if (ends.has(cut)) expect(error).toBeUndefined();
      else {
        expect(error, `cut at ${cut}`).toBeInstanceOf(PcapError);
        expect(error!.message).toMatch(/truncated|empty file/);
      }
    }
  });

  test('random byte flips end in packets then done or PcapError, the same in both readers', async () => {
    const random = mulberry32(0x5eed);
    for (let round = 0; round < 1500; round++) {
      const damaged = file.slice();
      const flips = 1 + Math.floor(random() * 4);
      for (let i = 0; i < flips; i++) damaged[Math.floor(random() * damaged.length)] ^= 1 + Math.floor(random() * 255);
      await outcome(damaged, 1 + Math.floor(random() * 64));
    }
  });
});

describe('named failures', () => {
  const classic = smallClassic();

  function errorOf(bytes: Uint8Array): PartialCaptureError {
    try {
      parsePcap(bytes);
    } catch (err) {
      if (err instanceof PartialCaptureError) return err;
      throw err;
    }
    throw new Error('expected a PcapError');
  }

  test('an absurd captured length is an error, not an allocation', () => {
    const bad = classic.slice();
    new DataView(bad.buffer).setUint32(24 + 8, 0x7fffffff, true);
    const err = errorOf(bad);
    expect(err.reason).toMatch(/captured length 2147483647 exceeds the 268435456-byte limit/);
    expect(err.offset).toBe(24);
    expect(err.packetsRead).toBe(0);
  });

  test('a truncated record body names what it needs', () => {
    const err = errorOf(classic.subarray(0, 24 + 16 + 5));
    expect(err.message).toBe('truncated record body (20 captured bytes): need 36 bytes, have 21 (at byte offset 24, after 0 packets)');
  });

  test('a truncated record header after two packets', () => {
    const secondEnd = 24 + 16 + 20 + 16 + 29;
    const err = errorOf(classic.subarray(0, secondEnd + 3));
    expect(err.reason).toBe('truncated record header: need 16 bytes, have 3');
    expect(err.offset).toBe(secondEnd);
    expect(err.partial.packets).toHaveLength(2);
  });

  test('unknown magic, gzip, empty file, bad pcap version', () => {
    expect(errorOf(new Uint8Array([1, 2, 3, 4, 5])).reason).toMatch(/^unknown magic 01020304: not a pcap/);
    expect(errorOf(new Uint8Array([0x1f, 0x8b, 8, 0])).reason).toMatch(/gzip-compressed/);
    expect(errorOf(new Uint8Array(0)).reason).toBe('empty file: no pcap or pcapng header');
    const v3 = classic.slice();
    v3[4] = 3;
    expect(errorOf(v3).reason).toBe('unsupported pcap version 3.4 (expected 2.4)');
  });

  const frame = udpFrame();
  const good = concat(shb(), idb(1, 0), epb({ interfaceId: 0, ticks: 1n, data: frame }));
  const epbAt = shb().length + idb(1, 0).length;

  test('bad block lengths: not a multiple of 4, too small, too large', () => {
    for (const [length, why] of [[63, 'is not a multiple of 4'], [8, 'is below the minimum 32'], [0x7ffffffc, 'exceeds the']] as const) {
      const bad = good.slice();
      new DataView(bad.buffer).setUint32(epbAt + 4, length, true);
      const err = errorOf(bad);
      expect(err.reason).toContain(`bad block length ${length} for block type 0x6: ${why}`);
      expect(err.offset).toBe(epbAt + 4);
    }
  });

  test('trailing length mismatch', () => {
    const bad = good.slice();
    new DataView(bad.buffer).setUint32(bad.length - 4, 12, true);
    const err = errorOf(bad);
    expect(err.reason).toBe(`block trailing length 12 does not match its leading length ${bad.length - epbAt}`);
    expect(err.offset).toBe(bad.length - 4);
  });

  test('a packet for an interface the section does not have, and a captured length overrunning its block', () => {
    expect(errorOf(concat(shb(), epb({ interfaceId: 0, ticks: 1n, data: frame }))).reason).toBe(
      'packet refers to interface 0 but the section has 0 interface description block(s)',
    );
    const bad = good.slice();
    new DataView(bad.buffer).setUint32(epbAt + 20, 1000, true);
    expect(errorOf(bad).reason).toMatch(/captured length 1000 overruns its block/);
  });

  test('an option running past its block, and a bad byte-order magic', () => {
    const withOption = concat(shb(), block(1, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 200, 0])));
    expect(errorOf(withOption).reason).toMatch(/^option 2 of 200 bytes overruns its block/);
    const bad = good.slice();
    bad[8] = 0;
    expect(errorOf(bad).reason).toMatch(/^bad pcapng byte-order magic/);
  });

  test('packets before the damage are still returned by parsePcap (on the error) and the stream', async () => {
    const damaged = concat(good, block(6, new Uint8Array(3)).subarray(0, 10));
    const err = errorOf(damaged);
    expect(err.partial.packets).toHaveLength(1);
    const streamed = await readAll(chunked(damaged, 4));
    expect(streamed.packets).toHaveLength(1);
    expect(streamed.error).toBeInstanceOf(PcapError);
  });
});
