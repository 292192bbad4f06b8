// pcapInfo against capinfos (counts, sizes, times, snaplen, link types) and against tshark's
// per-packet protocol lists; a damaged file gives the summary of what was read plus the error.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { formatCaptureInfo, formatTimestamp, LinkType, pcapInfo, PcapError, PcapngWriter, PcapWriter, type CaptureInfo } from '../../src/pcap/index.js';
import { text2pcapDump, TEXT2PCAP_TIME_FORMAT } from './hexdump.js';
import { samplePackets } from './sample-packets.js';
import { run, tempDir, toolTest } from './tools.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const samples = samplePackets();

/** capinfos -M -S as "Key: value" pairs (top-level lines only). */
async function capinfos(path: string): Promise<Record<string, string>> {
  const out = await run('capinfos', ['-M', '-S', path]).catch((err: { stdout?: string }) => err.stdout ?? '');
  return Object.fromEntries(out.split('\n').filter((l) => /^\S[^:]*:/.test(l)).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

function expectAgreesWithCapinfos(info: CaptureInfo, theirs: Record<string, string>): void {
  expect(info.packetCount).toBe(Number(theirs['Number of packets']));
  expect(`${info.dataBytes} bytes`).toBe(theirs['Data size']);
  expect(`${info.averagePacketSize.toFixed(2)} bytes`).toBe(theirs['Average packet size']);
  expect(formatTimestamp(info.firstTimestamp!)).toBe(theirs['First packet time']);
  expect(formatTimestamp(info.lastTimestamp!)).toBe(theirs['Last packet time']);
  const duration = `${info.durationNanos / 1_000_000_000n}.${String(info.durationNanos % 1_000_000_000n).padStart(9, '0')}`;
  expect(theirs['Capture duration']).toMatch(new RegExp(`^${duration.replace('.', '\\.')}\\d* seconds?$`));
  expect(String(info.strictTimeOrder)).toBe(theirs['Strict time order']!.toLowerCase());
}

/** Classes from tshark's frame.protocols, the same partition pcapInfo counts. */
function tsharkClasses(protocols: string): { network: string; transport?: string } {
  const layers = protocols.split(':');
  const l3 = layers.findIndex((p) => p === 'arp' || p === 'ip' || p === 'ipv6');
  if (l3 < 0) return { network: 'other' };
  if (layers[l3] === 'arp') return { network: 'arp' };
  const network = layers[l3] === 'ip' ? 'ipv4' : 'ipv6';
  const l4 = layers.slice(l3 + 1).find((p) => ['tcp', 'udp', 'icmp', 'icmpv6'].includes(p));
  if (l4 === 'udp' && layers.includes('vxlan')) return { network, transport: 'vxlan' };
  return { network, transport: l4 ?? 'other' };
}

async function tsharkProtocolCounts(path: string): Promise<CaptureInfo['protocols']> {
  const out = await run('tshark', ['-r', path, '-d', 'udp.port==8472,vxlan', '-T', 'fields', '-e', 'frame.protocols']);
  const counts: CaptureInfo['protocols'] = { network: { arp: 0, ipv4: 0, ipv6: 0, other: 0 }, transport: { tcp: 0, udp: 0, icmp: 0, icmpv6: 0, vxlan: 0, other: 0 } };
  for (const line of out.trim().split('\n')) {
    const { network, transport } = tsharkClasses(line);
    counts.network[network as keyof typeof counts.network]++;
    if (transport) counts.transport[transport as keyof typeof counts.transport]++;
  }
  return counts;
}

describe('pcapInfo', () => {
  toolTest(['text2pcap', 'capinfos', 'tshark'], 'a text2pcap capture: capinfos numbers and tshark protocol counts', async () => {
    const dump = tmp.path('samples.txt');
    writeFileSync(dump, text2pcapDump(samples));
    const path = tmp.path('samples.pcapng');
    await run('text2pcap', ['-q', '-F', 'pcapng', '-t', TEXT2PCAP_TIME_FORMAT, dump, path]);
    const info = await pcapInfo(path);
    expect(info).toMatchObject({ fileType: 'pcapng', byteOrder: 'little', linkTypes: [1], snaplen: 262144, packetCount: samples.length });
    expect(info.error).toBeUndefined();
    expectAgreesWithCapinfos(info, await capinfos(path));
    expect(info.protocols).toEqual(await tsharkProtocolCounts(path));
    // And the classes the samples were built to have.
    const expected: CaptureInfo['protocols'] = { network: { arp: 0, ipv4: 0, ipv6: 0, other: 0 }, transport: { tcp: 0, udp: 0, icmp: 0, icmpv6: 0, vxlan: 0, other: 0 } };
    for (const s of samples) {
      expected.network[s.network]++;
      if (s.transport) expected.transport[s.transport]++;
    }
    expect(info.protocols).toEqual(expected);
    expect(formatCaptureInfo(info, 'samples.pcapng')).toMatch(/Number of packets: +12\n/);
  });

  toolTest(['capinfos', 'tshark'], 'cut packets, out-of-order times and several interfaces', async () => {
    const path = tmp.path('multi.pcapng');
    const writer = new PcapngWriter(path);
    writer.addInterface({ linkType: LinkType.ETHERNET, snaplen: 50 });
    writer.addInterface({ linkType: LinkType.RAW, resolution: 'us' });
    for (const s of [...samples].reverse()) {
      await writer.write({ interfaceId: 0, timestamp: s.timestamp, data: s.data });
      if (s.network === 'ipv4' && s.data[12] === 8) await writer.write({ interfaceId: 1, timestamp: s.timestamp, data: s.data.subarray(14) });
    }
    await writer.close();
    const info = await pcapInfo(path);
    expect(info.strictTimeOrder).toBe(false);
    expect(info.interfaces.map((i) => [i.linkTypeName, i.snaplen, i.packets])).toEqual([['ETHERNET', 50, 12], ['RAW', 262144, 6]]);
    expect(info.linkTypes).toEqual([1, 101]);
    expect(info.capturedBytes).toBeLessThan(info.dataBytes);
    expectAgreesWithCapinfos(info, await capinfos(path));
    expect(info.protocols).toEqual(await tsharkProtocolCounts(path));
  });

  toolTest(['capinfos'], 'a damaged file: the summary of the packets before the damage, and the error', async () => {
    const writer = new PcapWriter(undefined, { resolution: 'ns' });
    for (const s of samples) await writer.write(s);
    const whole = writer.toBytes();
    const path = tmp.path('cut.pcap');
    writeFileSync(path, whole.subarray(0, whole.length - 10));
    const info = await pcapInfo(path);
    expect(info.packetCount).toBe(samples.length - 1);
    expect(info.error).toBeInstanceOf(PcapError);
    expect(info.error!.message).toMatch(/truncated record body/);
    expect(info.packetCount).toBe(Number((await capinfos(path))['Number of packets']));
    expect(formatCaptureInfo(info)).toMatch(/Error: +truncated record body/);
    expect(readFileSync(path).length).toBe(whole.length - 10);
  });

  test('an unreadable file: no type, no packets, the error', async () => {
    const info = await pcapInfo(new Uint8Array([1, 2, 3, 4]));
    expect(info).toMatchObject({ fileType: undefined, packetCount: 0, interfaces: [], durationNanos: 0n });
    expect(info.error!.reason).toMatch(/unknown magic/);
  });
});
