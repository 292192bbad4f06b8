// Classic pcap: files written by text2pcap and editcap (µs and ns, both byte orders) read back
// with the same bytes and timestamps as tshark reports.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { formatTimestamp, parsePcap, readPackets, type PcapPacket } from '../../src/pcap/index.js';
import { swapClassicPcap } from './byte-swap.js';
import { text2pcapDump, TEXT2PCAP_TIME_FORMAT } from './hexdump.js';
import { samplePackets, toMicros } from './sample-packets.js';
import { run, tempDir, toolTest, tsharkFrames } from './tools.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const samples = samplePackets();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

async function collect(source: string | Uint8Array): Promise<PcapPacket[]> {
  if (source instanceof Uint8Array) return parsePcap(source).packets;
  const packets: PcapPacket[] = [];
  for await (const packet of readPackets(source)) packets.push(packet);
  return packets;
}

/** Our reading of `file` must match tshark's: count, time_epoch digits, lengths and bytes. */
async function expectSameAsTshark(file: string): Promise<void> {
  const ours = await collect(file);
  const theirs = await tsharkFrames(file);
  expect(ours.map((p) => [formatTimestamp(p.timestamp), p.originalLength, p.capturedLength, hex(p.data)])).toEqual(
    theirs.map((f) => [f.epoch, f.len, f.capLen, f.hex]),
  );
}

async function text2pcap(format: 'pcap' | 'nsecpcap' | 'pcapng', name: string): Promise<string> {
  const dump = tmp.path(`${name}.txt`);
  writeFileSync(dump, text2pcapDump(samples));
  const out = tmp.path(name);
  await run('text2pcap', ['-q', '-F', format, '-t', TEXT2PCAP_TIME_FORMAT, dump, out]);
  return out;
}

describe('classic pcap', () => {
  toolTest(['text2pcap', 'tshark'], 'microsecond files from text2pcap: bytes exact, timestamps cut to µs, as tshark reads them', async () => {
    const file = await text2pcap('pcap', 'us.pcap');
    const packets = await collect(file);
    expect(packets.map((p) => hex(p.data))).toEqual(samples.map((s) => hex(s.data)));
    expect(packets.map((p) => p.timestamp)).toEqual(samples.map((s) => toMicros(s.timestamp)));
    expect(parsePcap(readFileSync(file)).format).toBe('pcap');
    await expectSameAsTshark(file);
  });

  toolTest(['text2pcap', 'tshark'], 'nanosecond files from text2pcap keep every digit', async () => {
    const file = await text2pcap('nsecpcap', 'ns.pcap');
    const parsed = parsePcap(readFileSync(file));
    expect(parsed.format).toBe('pcap-nsec');
    expect(parsed.interfaces[0]).toMatchObject({ linkType: 1, resolution: { base: 10, exponent: 9 } });
    expect(parsed.packets.map((p) => p.timestamp)).toEqual(samples.map((s) => s.timestamp));
    expect(parsed.packets.map((p) => hex(p.data))).toEqual(samples.map((s) => hex(s.data)));
    await expectSameAsTshark(file);
  });

  toolTest(['text2pcap', 'tshark'], 'big-endian files (byte-swapped in the test) read the same, here and in tshark', async () => {
    for (const [format, name] of [['pcap', 'us'], ['nsecpcap', 'ns']] as const) {
      const little = await text2pcap(format, `${name}-le.pcap`);
      const big = tmp.path(`${name}-be.pcap`);
      writeFileSync(big, swapClassicPcap(readFileSync(little)));
      const parsed = parsePcap(readFileSync(big));
      expect(parsed.sections[0]!.byteOrder).toBe('big');
      const strip = (ps: PcapPacket[]) => ps.map((p) => ({ ...p, data: hex(p.data) }));
      expect(strip(parsed.packets)).toEqual(strip(await collect(little)));
      await expectSameAsTshark(big);
    }
  });

  toolTest(['text2pcap', 'editcap', 'tshark'], 'editcap conversions (pcap, nsecpcap, pcapng) read as tshark reads them', async () => {
    const source = await text2pcap('pcapng', 'source.pcapng');
    for (const format of ['pcap', 'nsecpcap', 'pcapng']) {
      const out = tmp.path(`editcap.${format}`);
      await run('editcap', ['-F', format, source, out]);
      const packets = await collect(out);
      expect(packets.map((p) => hex(p.data))).toEqual(samples.map((s) => hex(s.data)));
      const expected = format === 'pcap' ? samples.map((s) => toMicros(s.timestamp)) : samples.map((s) => s.timestamp);
      expect(packets.map((p) => p.timestamp)).toEqual(expected);
      await expectSameAsTshark(out);
    }
  });

  toolTest(['text2pcap', 'editcap'], 'snaplen and original length: a file cut by editcap -s', async () => {
    const source = await text2pcap('nsecpcap', 'full.pcap');
    const cut = tmp.path('cut.pcap');
    await run('editcap', ['-s', '40', '-F', 'nsecpcap', source, cut]);
    const parsed = parsePcap(readFileSync(cut));
    for (const [i, p] of parsed.packets.entries()) {
      expect(p.capturedLength).toBe(Math.min(40, samples[i]!.data.length));
      expect(p.originalLength).toBe(samples[i]!.data.length);
      expect(hex(p.data)).toBe(hex(samples[i]!.data.subarray(0, 40)));
    }
  });

  test('a header-only file has no packets and one interface', () => {
    const header = new Uint8Array(24);
    const v = new DataView(header.buffer);
    v.setUint32(0, 0xa1b2c3d4, true);
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setUint32(16, 65535, true);
    v.setUint32(20, 101, true);
    const parsed = parsePcap(header);
    expect(parsed.packets).toEqual([]);
    expect(parsed.interfaces).toEqual([
      { id: 0, section: 0, sectionInterfaceId: 0, linkType: 101, snaplen: 65535, resolution: { base: 10, exponent: 6 }, tsOffset: 0 },
    ]);
  });
});
