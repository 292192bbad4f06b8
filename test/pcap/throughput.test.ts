// A million packets streamed through the reader: every one arrives, intact. The rate is printed
// for the record only; speed targets live in `npm run bench`, never in tests.
import { afterAll, describe, expect, test } from 'vitest';
import { udpFrame } from '../../src/packet/build.js';
import { PcapngWriter, PcapWriter, readPackets } from '../../src/pcap/index.js';
import { tempDir } from './tools.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const PACKETS = 1_000_000;

describe('throughput', () => {
  test.each(['pcap', 'pcapng'] as const)('reading small packets from a %s file', async (format) => {
    const path = tmp.path(`bulk.${format}`);
    const data = udpFrame(); // 47 bytes
    const writer = format === 'pcap' ? new PcapWriter(path, { resolution: 'ns' }) : new PcapngWriter(path);
    if (writer instanceof PcapngWriter) writer.addInterface({});
    for (let i = 0; i < PACKETS; i++) await writer.write({ timestamp: { seconds: 1_700_000_000 + (i >> 16), nanos: i }, data });
    await writer.close();

    const started = performance.now();
    let count = 0;
    let bytes = 0;
    for await (const packet of readPackets(path)) {
      count++;
      bytes += packet.data.length;
    }
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round(count / seconds);
    console.log(`[dpsim] pcap read throughput (${format}): ${rate.toLocaleString('en')} packets/s (${count} packets in ${seconds.toFixed(2)} s)`);
    expect(count).toBe(PACKETS);
    expect(bytes).toBe(PACKETS * data.length);
  }, 120_000);
});
