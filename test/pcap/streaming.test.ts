// Streaming: any chunking gives the same packets, records larger than a chunk are bridged,
// chunks are pulled only as packets are consumed, stopping early releases the source, and a
// long capture is read in bounded memory.
import { createReadStream, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, test } from 'vitest';
import { udpFrame } from '../../src/packet/build.js';
import { CaptureReader, parsePcap, PcapngWriter, PcapWriter, readPackets } from '../../src/pcap/index.js';
import { multiSectionFile } from './multi-section.js';
import { chunked, readAll, summary } from './streams.js';
import { tempDir } from './tools.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function jumboCapture(): Uint8Array {
  const writer = new PcapngWriter();
  writer.addInterface({ snaplen: 0 });
  const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i * 31);
  for (const [i, data] of [udpFrame(), big, udpFrame({ sport: 7 }), big.subarray(5)].entries()) void writer.write({ timestamp: { seconds: i, nanos: i }, data });
  return writer.toBytes();
}

describe('streaming reader', () => {
  test.each([1, 2, 3, 7, 64, 1000, 1 << 20])('chunks of %i bytes give the same packets as parsePcap', async (size) => {
    const file = multiSectionFile();
    const expected = parsePcap(file).packets.map(summary);
    const { packets, error } = await readAll(chunked(file, size));
    expect(error).toBeUndefined();
    expect(packets.map(summary)).toEqual(expected);
  });

  test.each([1000, 65536, 1 << 20])('records larger than a chunk (%i bytes) are reassembled', async (size) => {
    const file = jumboCapture();
    const expected = parsePcap(file).packets;
    const { packets, error } = await readAll(chunked(file, size));
    expect(error).toBeUndefined();
    expect(packets.map((p) => p.capturedLength)).toEqual(expected.map((p) => p.capturedLength));
    for (const [i, p] of packets.entries()) expect(Buffer.compare(p.data, expected[i]!.data)).toBe(0);
  });

  test('reads a path, a Readable, and an async iterable; the reader shows format and interfaces', async () => {
    const path = tmp.path('multi.pcapng');
    const file = multiSectionFile();
    writeFileSync(path, file);
    const expected = parsePcap(file).packets.map(summary);
    expect((await readAll(path)).packets.map(summary)).toEqual(expected);
    expect((await readAll(createReadStream(path, { highWaterMark: 100 }))).packets.map(summary)).toEqual(expected);
    expect((await readAll(Readable.from([Buffer.from(file)]))).packets.map(summary)).toEqual(expected);
    const reader = new CaptureReader(path);
    for await (const packet of reader) expect(reader.interfaces[packet.interfaceId]!.linkType).toBe(packet.linkType);
    expect(reader.format).toBe('pcapng');
    expect(reader.interfaces).toHaveLength(4);
  });

  test('chunks are pulled only as packets are consumed (back-pressure)', async () => {
    const file = classicCapture(1000, 100);
    let pulled = 0;
    async function* source() {
      for await (const chunk of chunked(file, 4096)) {
        pulled++;
        yield chunk;
      }
    }
    const packets = readPackets(source());
    await packets.next();
    expect(pulled).toBe(1);
    for (let i = 0; i < 100; i++) await packets.next();
    expect(pulled).toBeLessThanOrEqual(Math.ceil((24 + 101 * 116) / 4096) + 1);
    await packets.return();
  });

  test('stopping early destroys the source stream', async () => {
    const path = tmp.path('many.pcap');
    writeFileSync(path, classicCapture(10_000, 60));
    const stream = createReadStream(path, { highWaterMark: 1024 });
    for await (const packet of readPackets(stream)) if (packet.index === 3) break;
    expect(stream.destroyed).toBe(true);
  });

  test('a 512 MiB stream is read in bounded memory', async () => {
    const packetBytes = 1500;
    const perChunk = 699; // 699 * 1516 bytes: about 1 MiB a chunk
    const chunks = Math.ceil((512 * 1024 * 1024) / (perChunk * (16 + packetBytes)));
    async function* hugeCapture() {
      yield classicCapture(0, 0);
      for (let c = 0; c < chunks; c++) yield classicRecords(perChunk, packetBytes, c * perChunk);
    }
    let count = 0;
    let peak = 0;
    for await (const packet of readPackets(hugeCapture())) {
      count++;
      if (packet.index % 50_000 === 0) peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }
    expect(count).toBe(chunks * perChunk);
    expect(peak).toBeLessThan(128 * 1024 * 1024);
  }, 120_000);
});

/** A µs pcap of `count` packets of `size` bytes. */
function classicCapture(count: number, size: number): Uint8Array {
  const writer = new PcapWriter(undefined, { snaplen: 65535 });
  for (let i = 0; i < count; i++) void writer.write({ timestamp: { seconds: i, nanos: 0 }, data: new Uint8Array(size).fill(i & 0xff) });
  return writer.toBytes();
}

/** Record headers and bodies only (no file header), for building a stream on the fly. */
function classicRecords(count: number, size: number, first: number): Uint8Array {
  const out = new Uint8Array(count * (16 + size));
  const v = new DataView(out.buffer);
  for (let i = 0; i < count; i++) {
    const at = i * (16 + size);
    v.setUint32(at, first + i, true);
    v.setUint32(at + 8, size, true);
    v.setUint32(at + 12, size, true);
  }
  return out;
}
