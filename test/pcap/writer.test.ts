// The writers: what PcapWriter and PcapngWriter produce must read back identically in tshark and
// tcpdump (counts, nanosecond times, lengths, bytes, interfaces, comments) and in our reader.
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, test } from 'vitest';
import { concat } from '../../src/packet/build.js';
import { formatTimestamp, LinkType, parsePcap, PcapngWriter, PcapWriter } from '../../src/pcap/index.js';
import { sll2Header } from './multi-section.js';
import { samplePackets, toMicros } from './sample-packets.js';
import { run, tempDir, toolTest, tsharkFrames } from './tools.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const samples = samplePackets();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

async function writeClassic(path: string, resolution: 'us' | 'ns', snaplen?: number): Promise<void> {
  const writer = new PcapWriter(path, { resolution, ...(snaplen ? { snaplen } : {}) });
  for (const s of samples) await writer.write(s);
  await writer.close();
}

/** tcpdump's epoch times, printed at nanosecond precision. */
async function tcpdumpTimes(path: string): Promise<string[]> {
  const out = await run('tcpdump', ['-r', path, '-nn', '-tt', '--time-stamp-precision=nano']);
  // Encapsulated packets (VXLAN) continue on lines of their own, without a time.
  return out.split('\n').filter((line) => /^\d+\.\d{9} /.test(line)).map((line) => line.split(' ')[0]!);
}

describe('PcapWriter', () => {
  toolTest(['tshark', 'tcpdump', 'capinfos'], 'nanosecond pcap reads back exactly in tshark and tcpdump', async () => {
    const path = tmp.path('ns.pcap');
    await writeClassic(path, 'ns');
    const frames = await tsharkFrames(path);
    expect(frames.map((f) => [f.epoch, f.len, f.capLen, f.hex])).toEqual(samples.map((s) => [formatTimestamp(s.timestamp), s.data.length, s.data.length, hex(s.data)]));
    expect(await tcpdumpTimes(path)).toEqual(samples.map((s) => formatTimestamp(s.timestamp)));
    expect(await run('capinfos', ['-M', '-t', path])).toMatch(/File type: +nsecpcap/);
  });

  toolTest(['tshark', 'tcpdump'], 'microsecond pcap: tools see µs times; the writer counts the lost digits', async () => {
    const path = tmp.path('us.pcap');
    const writer = new PcapWriter(path, { resolution: 'us' });
    for (const s of samples) await writer.write(s);
    await writer.close();
    expect(writer.stats).toEqual({ packets: samples.length, precisionLoss: samples.filter((s) => s.timestamp.nanos % 1000 !== 0).length });
    const expected = samples.map((s) => formatTimestamp(toMicros(s.timestamp)));
    expect((await tsharkFrames(path)).map((f) => f.epoch)).toEqual(expected);
    expect(await tcpdumpTimes(path)).toEqual(expected);
    expect(parsePcap(readFileSync(path)).packets.map((p) => hex(p.data))).toEqual(samples.map((s) => hex(s.data)));
  });

  toolTest(['tshark'], 'snaplen cuts packets; the original length is kept', async () => {
    const path = tmp.path('snap.pcap');
    await writeClassic(path, 'ns', 40);
    const frames = await tsharkFrames(path);
    expect(frames.map((f) => [f.len, f.capLen, f.hex])).toEqual(samples.map((s) => [s.data.length, Math.min(40, s.data.length), hex(s.data.subarray(0, 40))]));
  });

  test('a link type other than Ethernet goes into the header', () => {
    const writer = new PcapWriter(undefined, { linkType: LinkType.RAW, snaplen: 1500 });
    void writer.write({ timestamp: { seconds: 1, nanos: 0 }, data: samples[1]!.data.subarray(14) });
    const parsed = parsePcap(writer.toBytes());
    expect(parsed.interfaces[0]).toMatchObject({ linkType: 101, snaplen: 1500 });
    expect(parsed.packets[0]!.linkType).toBe(101);
  });
});

describe('PcapngWriter', () => {
  /** Ethernet in ns, raw IP in µs, SLL2 in 2^-24 s, and IPv4 in ms. */
  async function writeMultiInterface(path: string): Promise<void> {
    const writer = new PcapngWriter(path, { comment: 'dpsim writer test' });
    const eth = writer.addInterface({ linkType: LinkType.ETHERNET, name: 'veth0', description: 'the pod side' });
    const raw = writer.addInterface({ linkType: LinkType.RAW, resolution: 'us', snaplen: 1500 });
    const sll2 = writer.addInterface({ linkType: LinkType.LINUX_SLL2, resolution: { base: 2, exponent: 24 } });
    const ipv4 = writer.addInterface({ linkType: LinkType.IPV4, resolution: { base: 10, exponent: 3 } });
    for (const [i, s] of samples.entries()) {
      const l3 = s.data.subarray(14);
      const ts = s.timestamp;
      await writer.write({ interfaceId: eth, timestamp: ts, data: s.data, comment: `packet ${i}` });
      if (s.network === 'ipv4' && !s.data.subarray(12, 14).every((b, j) => b === [0x81, 0][j])) {
        await writer.write({ interfaceId: raw, timestamp: ts, data: l3 });
        await writer.write({ interfaceId: sll2, timestamp: ts, data: concat(sll2Header(0x0800), l3), flags: 1 });
        await writer.write({ interfaceId: ipv4, timestamp: ts, data: l3 });
      }
    }
    await writer.close();
  }

  toolTest(['tshark'], 'several interfaces with different link types and resolutions: tshark agrees with our reader', async () => {
    const path = tmp.path('multi.pcapng');
    await writeMultiInterface(path);
    const ours = parsePcap(readFileSync(path));
    expect(ours.interfaces.map((i) => [i.linkType, i.resolution])).toEqual([
      [1, { base: 10, exponent: 9 }],
      [101, { base: 10, exponent: 6 }],
      [276, { base: 2, exponent: 24 }],
      [228, { base: 10, exponent: 3 }],
    ]);
    expect(ours.interfaces[0]).toMatchObject({ name: 'veth0', description: 'the pod side' });
    const frames = await tsharkFrames(path);
    expect(frames.map((f) => [f.interfaceId, f.epoch, f.len, f.hex, f.comment])).toEqual(
      ours.packets.map((p) => [p.interfaceId, formatTimestamp(p.timestamp), p.originalLength, hex(p.data), p.comment]),
    );
    const fields = await run('tshark', ['-r', path, '-T', 'fields', '-e', 'frame.interface_id', '-e', 'frame.time_epoch']);
    expect(fields.trim().split('\n')).toEqual(ours.packets.map((p) => `${p.interfaceId}\t${formatTimestamp(p.timestamp)}`));
    // Ethernet packets are exact to the nanosecond; the others are cut to their interface's unit.
    const ethernet = ours.packets.filter((p) => p.interfaceId === 0);
    expect(ethernet.map((p) => p.timestamp)).toEqual(samples.map((s) => s.timestamp));
    for (const p of ours.packets.filter((p) => p.interfaceId === 3)) expect(p.timestamp.nanos % 1_000_000).toBe(0);
    expect(ours.packets.filter((p) => p.interfaceId === 2).every((p) => p.options?.flags === 1)).toBe(true);
  });

  test('writing to a slow Writable honours back-pressure and gives the same bytes as writing to memory', async () => {
    const received: Buffer[] = [];
    let pending = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        pending++;
        received.push(chunk);
        setTimeout(() => {
          pending--;
          done();
        }, 1);
      },
    });
    const streamed = new PcapngWriter(slow);
    const memory = new PcapngWriter();
    for (const w of [streamed, memory]) w.addInterface({});
    const big = new Uint8Array(9000).fill(0xab);
    for (let i = 0; i < 200; i++) {
      const packet = { timestamp: { seconds: i, nanos: i }, data: big };
      await streamed.write(packet);
      expect(pending).toBeLessThanOrEqual(1);
      await memory.write(packet);
    }
    await streamed.close();
    expect(slow.writableFinished).toBe(true);
    expect(Buffer.compare(Buffer.concat(received), memory.toBytes())).toBe(0);
  });

  test('a packet for an interface that was never added is refused', async () => {
    await expect(new PcapngWriter().write({ timestamp: { seconds: 0, nanos: 0 }, data: new Uint8Array(1) })).rejects.toThrow(/no interface 0/);
  });
});
