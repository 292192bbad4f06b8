// convert(): pcap <-> pcapng keeping timestamps exact where the target allows, reporting what it
// could not keep, and stopping with the PcapError of a damaged input after writing what it read.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { convert, parsePcap, PcapError, PcapngWriter, PcapWriter, type PcapPacket } from '../../src/pcap/index.js';
import { text2pcapDump, TEXT2PCAP_TIME_FORMAT } from './hexdump.js';
import { multiSectionFile } from './multi-section.js';
import { samplePackets, toMicros } from './sample-packets.js';
import { run, tempDir, toolTest, tsharkFrames } from './tools.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const samples = samplePackets();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const view = (ps: PcapPacket[]) => ps.map((p) => [p.timestamp, p.originalLength, hex(p.data), p.comment]);

async function text2pcapNg(): Promise<string> {
  const dump = tmp.path('samples.txt');
  writeFileSync(dump, text2pcapDump(samples));
  const out = tmp.path('samples.pcapng');
  await run('text2pcap', ['-q', '-F', 'pcapng', '-t', TEXT2PCAP_TIME_FORMAT, dump, out]);
  return out;
}

const tsharkView = async (path: string) => (await tsharkFrames(path)).map((f) => [f.epoch, f.len, f.hex]);

describe('convert', () => {
  toolTest(['text2pcap', 'tshark', 'capinfos'], 'pcapng to nanosecond pcap and back: identical in tshark, nothing lost', async () => {
    const source = await text2pcapNg();
    const pcap = tmp.path('out.pcap');
    expect(await convert(source, pcap, { format: 'pcap' })).toEqual({ packets: samples.length, precisionLoss: 0, droppedComments: 0 });
    expect(await run('capinfos', ['-M', '-t', pcap])).toMatch(/File type: +nsecpcap/);
    expect(await tsharkView(pcap)).toEqual(await tsharkView(source));
    const back = tmp.path('back.pcapng');
    await convert(pcap, back, { format: 'pcapng' });
    expect(await tsharkView(back)).toEqual(await tsharkView(source));
    expect(view(parsePcap(readFileSync(back)).packets)).toEqual(view(parsePcap(readFileSync(source)).packets));
  });

  toolTest(['text2pcap', 'tshark'], 'to microsecond pcap: the lost digits are reported', async () => {
    const source = await text2pcapNg();
    const pcap = tmp.path('out-us.pcap');
    const result = await convert(source, pcap, { format: 'pcap', resolution: 'us' });
    expect(result.precisionLoss).toBe(samples.filter((s) => s.timestamp.nanos % 1000 !== 0).length);
    expect(result.precisionLoss).toBeGreaterThan(0);
    expect((await tsharkFrames(pcap)).map((f) => f.epoch)).toEqual((await tsharkFrames(source)).map((f) => f.epoch.slice(0, -3) + '000'));
    expect(parsePcap(readFileSync(pcap)).packets.map((p) => p.timestamp)).toEqual(samples.map((s) => toMicros(s.timestamp)));
  });

  toolTest(['tshark'], 'a multi-section pcapng with mixed clocks becomes one section with the same interfaces and times', async () => {
    const source = tmp.path('multi.pcapng');
    writeFileSync(source, multiSectionFile());
    const out = tmp.path('multi-out.pcapng');
    const result = await convert(source, out, { format: 'pcapng' });
    expect(result).toEqual({ packets: 5, precisionLoss: 0, droppedComments: 0 });
    const before = parsePcap(readFileSync(source));
    const after = parsePcap(readFileSync(out));
    expect(after.sections).toHaveLength(1);
    expect(after.interfaces.map((i) => [i.linkType, i.snaplen, i.name])).toEqual(before.interfaces.map((i) => [i.linkType, i.snaplen, i.name]));
    expect(after.packets.map((p) => [p.interfaceId, p.options?.flags])).toEqual(before.packets.map((p) => [p.interfaceId, p.options?.flags]));
    expect(view(after.packets)).toEqual(view(before.packets));
    const tsharkOut = await tsharkFrames(out);
    expect(tsharkOut.map((f) => [f.interfaceId, f.epoch, f.comment])).toEqual(
      (await tsharkFrames(source)).filter((f) => f.encapType !== undefined).map((f, i) => [after.packets[i]!.interfaceId, f.epoch, f.comment]),
    );
  });

  test('pcap holds one link type: mixed interfaces are refused', async () => {
    const source = multiSectionFile();
    await expect(convert(source, tmp.path('mixed.pcap'), { format: 'pcap' })).rejects.toThrow(/pcap holds one link type: packet 1 is RAW, the file is ETHERNET/);
  });

  test('pcap holds no comments: they are counted as dropped; pcapng keeps each of several', async () => {
    const writer = new PcapngWriter();
    writer.addInterface({});
    await writer.write({ timestamp: { seconds: 1, nanos: 0 }, data: samples[0]!.data, comment: 'one' });
    await writer.write({ timestamp: { seconds: 2, nanos: 0 }, data: samples[1]!.data, comment: ['two', 'three'] });
    await writer.write({ timestamp: { seconds: 3, nanos: 0 }, data: samples[2]!.data });
    const source = writer.toBytes();
    expect(await convert(source, tmp.path('no-comments.pcap'), { format: 'pcap' })).toMatchObject({ packets: 3, droppedComments: 2 });
    const out = tmp.path('comments.pcapng');
    await convert(source, out, { format: 'pcapng' });
    const packets = parsePcap(readFileSync(out)).packets;
    expect(packets.map((p) => [p.comment, p.options?.comments])).toEqual([['one', undefined], ['two\nthree', ['two', 'three']], [undefined, undefined]]);
  });

  test('a damaged input is converted up to the damage, then its PcapError is thrown', async () => {
    const writer = new PcapWriter(undefined, { resolution: 'ns' });
    for (const s of samples) await writer.write(s);
    const whole = writer.toBytes();
    const out = tmp.path('partial.pcapng');
    const error = await convert(whole.subarray(0, whole.length - 5), out, { format: 'pcapng' }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PcapError);
    expect((error as PcapError).packetsRead).toBe(samples.length - 1);
    const written = parsePcap(readFileSync(out)).packets;
    expect(written.map((p) => p.timestamp)).toEqual(samples.slice(0, -1).map((s) => s.timestamp));
  });

  test('a capture without packets keeps its link type and snaplen', async () => {
    const empty = new PcapWriter(undefined, { linkType: 276, snaplen: 9000 }).toBytes();
    const out = tmp.path('empty.pcap');
    expect(await convert(empty, out, { format: 'pcap' })).toEqual({ packets: 0, precisionLoss: 0, droppedComments: 0 });
    expect(parsePcap(readFileSync(out)).interfaces[0]).toMatchObject({ linkType: 276, snaplen: 9000 });
  });
});
