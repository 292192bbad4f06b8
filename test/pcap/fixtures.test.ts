// Files made by text2pcap and editcap, kept in test/fixtures/pcap with what tshark read from them
// (regenerate with `npx tsx test/pcap/make-fixtures.ts`): checked here without any tool installed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatTimestamp, parsePcap, readPackets } from '../../src/pcap/index.js';
import { samplePackets } from './sample-packets.js';
import type { TsharkFrame } from './tools.js';

const dir = join(import.meta.dirname, '../fixtures/pcap');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('fixtures written by the Wireshark tools', () => {
  test.each([
    ['samples.pcapng', 'pcapng', 9],
    ['samples-nsec.pcap', 'pcap-nsec', 9],
    ['samples-usec.pcap', 'pcap', 6],
  ] as const)('%s reads as tshark read it', async (file, format, exponent) => {
    const path = join(dir, file);
    const tshark = JSON.parse(readFileSync(`${path}.tshark.json`, 'utf8')) as TsharkFrame[];
    const parsed = parsePcap(readFileSync(path));
    expect(parsed.format).toBe(format);
    expect(parsed.interfaces[0]!.resolution.exponent).toBe(exponent);
    const ours = parsed.packets.map((p) => [p.interfaceId, formatTimestamp(p.timestamp), p.originalLength, p.capturedLength, hex(p.data)]);
    expect(ours).toEqual(tshark.map((f) => [f.interfaceId, f.epoch, f.len, f.capLen, f.hex]));
    const streamed: string[] = [];
    for await (const p of readPackets(path)) streamed.push(hex(p.data));
    expect(streamed).toEqual(samplePackets().map((s) => hex(s.data)));
  });

  test('the pcapng fixture carries text2pcap interface name and section options', () => {
    const parsed = parsePcap(readFileSync(join(dir, 'samples.pcapng')));
    expect(parsed.interfaces[0]!.name).toBe('fixture0');
    expect(parsed.sections[0]!.userApplication).toMatch(/^Text2pcap/);
  });
});
