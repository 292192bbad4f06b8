// pcapng: sections in both byte orders, interfaces with their own link types and timestamp
// resolutions, every packet block type, options, and blocks we skip; checked against tshark.
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { concat } from '../../src/packet/build.js';
import { formatTimestamp, parsePcap, type ParsedCapture } from '../../src/pcap/index.js';
import { epb, idb, shb, spb } from './blocks.js';
import { frame, multiSectionFile } from './multi-section.js';
import { swapPcapng } from './byte-swap.js';
import { tempDir, toolTest, tsharkFrames } from './tools.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function expectMultiSection(parsed: ParsedCapture): void {
  expect(parsed.format).toBe('pcapng');
  expect(parsed.sections.map((s) => s.userApplication)).toEqual(['dpsim test', undefined]);
  expect(parsed.sections[0]!.comment).toBe('section one');
  expect(parsed.interfaces.map((i) => [i.id, i.section, i.sectionInterfaceId, i.linkType, i.snaplen])).toEqual([
    [0, 0, 0, 1, 0],
    [1, 0, 1, 101, 65535],
    [2, 0, 2, 276, 128],
    [3, 1, 0, 228, 0],
  ]);
  expect(parsed.interfaces[0]).toMatchObject({ name: 'eth0', description: 'uplink', resolution: { base: 10, exponent: 9 } });
  expect(parsed.interfaces[1]!.resolution).toEqual({ base: 2, exponent: 20 });
  expect(parsed.interfaces[2]).toMatchObject({ resolution: { base: 10, exponent: 3 }, tsOffset: 1000 });
  const [p0, p1, p2, p3, p4] = parsed.packets;
  expect(parsed.packets).toHaveLength(5);
  expect(p0).toMatchObject({ interfaceId: 0, linkType: 1, timestamp: { seconds: 1_700_000_000, nanos: 123_456_789 }, comment: 'first' });
  expect(p0!.options).toEqual({ flags: 1, dropCount: 5n, packetId: 77n, queue: 3 });
  // 0x5a5a5 / 2^20 s = 0.352940559387... s, truncated to nanoseconds.
  expect(p1).toMatchObject({ interfaceId: 1, linkType: 101, timestamp: { seconds: 1_700_000_001, nanos: 352_940_559 } });
  expect(p2).toMatchObject({ interfaceId: 2, linkType: 276, timestamp: { seconds: 1_700_001_002, nanos: 345_000_000 }, comment: 'a\nb' });
  expect(p2!.options).toEqual({ comments: ['a', 'b'] });
  expect(p3).toMatchObject({ interfaceId: 0, timestamp: { seconds: 1_700_000_003, nanos: 7 }, options: { flags: 2, obsoleteDrops: 2 } });
  expect(p4).toMatchObject({ interfaceId: 3, linkType: 228, timestamp: { seconds: 1_700_000_004, nanos: 1000 } });
  expect(hex(p4!.data)).toBe(hex(frame.subarray(14)));
}

async function expectSameAsTshark(file: string, parsed: ParsedCapture): Promise<void> {
  // tshark lists a custom block as a record without encapsulation; we skip such blocks.
  const theirs = (await tsharkFrames(file)).filter((f) => f.encapType !== undefined);
  const ours = parsed.packets.map((p) => {
    const iface = parsed.interfaces[p.interfaceId]!;
    return [iface.sectionInterfaceId, formatTimestamp(p.timestamp), p.originalLength, p.capturedLength, hex(p.data), p.comment];
  });
  expect(ours).toEqual(theirs.map((f) => [f.interfaceId, f.epoch, f.len, f.capLen, f.hex, f.comment]));
}

describe('pcapng', () => {
  test('sections, interfaces with their own clocks, EPB/OPB options, skipped blocks', () => {
    expectMultiSection(parsePcap(multiSectionFile()));
  });

  test('a big-endian copy (byte-swapped in the test) reads the same', () => {
    const parsed = parsePcap(swapPcapng(multiSectionFile()));
    expect(parsed.sections.map((s) => s.byteOrder)).toEqual(['big', 'big']);
    expectMultiSection(parsed);
  });

  test('mixed byte orders: a little-endian section followed by a big-endian one', () => {
    const file = multiSectionFile();
    const second = Buffer.from(file).lastIndexOf(Buffer.from([0x0a, 0x0d, 0x0d, 0x0a]));
    const parsed = parsePcap(concat(file.subarray(0, second), swapPcapng(file.subarray(second))));
    expect(parsed.sections.map((s) => s.byteOrder)).toEqual(['little', 'big']);
    expectMultiSection(parsed);
  });

  toolTest(['tshark'], 'tshark reads the same interface ids, nanosecond times, lengths and bytes (both byte orders)', async () => {
    for (const [name, bytes] of [['le', multiSectionFile()], ['be', swapPcapng(multiSectionFile())]] as const) {
      const file = tmp.path(`multi-${name}.pcapng`);
      writeFileSync(file, bytes);
      await expectSameAsTshark(file, parsePcap(bytes));
    }
  });

  test('Simple Packet Blocks take their captured length from the first IDB snaplen', () => {
    const parsed = parsePcap(concat(shb(), idb(1, 20), idb(101, 0), spb(frame.length, frame.subarray(0, 20)), spb(8, frame.subarray(0, 8))));
    expect(parsed.packets.map((p) => [p.interfaceId, p.capturedLength, p.originalLength, hex(p.data)])).toEqual([
      [0, 20, frame.length, hex(frame.subarray(0, 20))],
      [0, 8, 8, hex(frame.subarray(0, 8))],
    ]);
    expect(parsed.packets[0]!.timestamp).toEqual({ seconds: 0, nanos: 0 });
  });

  toolTest(['tshark'], 'Simple Packet Blocks: tshark agrees on lengths and bytes', async () => {
    const bytes = concat(shb(), idb(1, 30), spb(frame.length, frame.subarray(0, 30)), spb(frame.length - 20, frame.subarray(0, 27)));
    const file = tmp.path('spb.pcapng');
    writeFileSync(file, bytes);
    const theirs = await tsharkFrames(file);
    expect(parsePcap(bytes).packets.map((p) => [p.originalLength, p.capturedLength, hex(p.data)])).toEqual(theirs.map((f) => [f.len, f.capLen, f.hex]));
  });

  test('an empty pcapng (just a section header) has no packets', () => {
    expect(parsePcap(shb()).packets).toEqual([]);
  });
});
