// Link-layer decoding and Ethernet frames for dpsim: Ethernet passes through, raw IP and Linux
// cooked captures get a zero-MAC header with the right ethertype. tshark must decode the
// synthesised frames to the same network and transport layers as the originals.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { concat } from '../../src/packet/build.js';
import { decodeLinkLayer, LinkType, parsePcap, PcapngWriter, PcapWriter, toEthernetFrame } from '../../src/pcap/index.js';
import { sll2Header } from './multi-section.js';
import { samplePackets } from './sample-packets.js';
import { run, tempDir, toolTest } from './tools.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const samples = samplePackets();
const ipv4Frame = samples.find((s) => s.transport === 'udp' && s.network === 'ipv4')!.data;
const ipv6Frame = samples.find((s) => s.transport === 'icmpv6')!.data;
const hex = (b: Uint8Array | undefined): string | undefined => b && Buffer.from(b).toString('hex');

function sllHeader(protocol: number, arphrd = 1): Uint8Array {
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  v.setUint16(0, 4);
  v.setUint16(2, arphrd);
  v.setUint16(4, 6);
  h.set([2, 0, 0, 0, 0, 1], 6);
  v.setUint16(14, protocol);
  return h;
}

/** Zero MACs, the ethertype, then the network-layer bytes. */
const zeroMacFrame = (ethertype: number, l3: Uint8Array): Uint8Array => concat(new Uint8Array(12), new Uint8Array([ethertype >> 8, ethertype & 0xff]), l3);

describe('link layers', () => {
  const ip4 = ipv4Frame.subarray(14);
  const ip6 = ipv6Frame.subarray(14);

  test('Ethernet records are their own frame; VLAN tags are looked through for the ethertype', () => {
    const decoded = decodeLinkLayer({ linkType: LinkType.ETHERNET, data: ipv4Frame });
    expect(decoded).toEqual({ linkType: 1, l3Protocol: 0x0800, l3Offset: 14, ethernetFrame: ipv4Frame });
    expect(decoded.ethernetFrame).toBe(ipv4Frame);
    const tagged = samples.find((s) => s.data[12] === 0x81)!.data;
    expect(decodeLinkLayer({ linkType: 1, data: tagged })).toMatchObject({ l3Protocol: 0x0800, l3Offset: 18 });
    expect(decodeLinkLayer({ linkType: 1, data: concat(new Uint8Array(12), new Uint8Array([0, 46])) })).toEqual({ linkType: 1, ethernetFrame: expect.any(Uint8Array) });
  });

  test.each([
    ['RAW with IPv4', LinkType.RAW, () => ip4, 0x0800, () => ip4],
    ['RAW with IPv6', LinkType.RAW, () => ip6, 0x86dd, () => ip6],
    ['IPV4', LinkType.IPV4, () => ip4, 0x0800, () => ip4],
    ['IPV6', LinkType.IPV6, () => ip6, 0x86dd, () => ip6],
    ['LINUX_SLL', LinkType.LINUX_SLL, () => concat(sllHeader(0x86dd), ip6), 0x86dd, () => ip6],
    ['LINUX_SLL2', LinkType.LINUX_SLL2, () => concat(sll2Header(0x0800), ip4), 0x0800, () => ip4],
  ])('%s becomes a zero-MAC Ethernet frame', (_name, linkType, data, ethertype, l3) => {
    const decoded = decodeLinkLayer({ linkType, data: data() });
    expect(decoded.l3Protocol).toBe(ethertype);
    expect(hex(decoded.ethernetFrame)).toBe(hex(zeroMacFrame(ethertype, l3())));
  });

  test('records that carry no Ethernet-convertible packet give no frame', () => {
    expect(toEthernetFrame({ linkType: LinkType.RAW, data: new Uint8Array([0x50, 0]) })).toBeUndefined();
    expect(toEthernetFrame({ linkType: LinkType.LINUX_SLL, data: concat(sllHeader(0x0004), new Uint8Array(4)) })).toBeUndefined(); // 802.2 LLC
    expect(toEthernetFrame({ linkType: LinkType.LINUX_SLL, data: concat(sllHeader(0x0800, 824), ip4) })).toBeUndefined(); // netlink
    expect(toEthernetFrame({ linkType: LinkType.LINUX_SLL2, data: new Uint8Array(10) })).toBeUndefined(); // too short
    expect(decodeLinkLayer({ linkType: 105, data: ip4 })).toEqual({ linkType: 105 });
  });

  toolTest(['tshark'], 'tshark decodes the synthesised frames to the same layers as the originals', async () => {
    const originals = tmp.path('cooked.pcapng');
    const writer = new PcapngWriter(originals);
    const records: { linkType: number; data: Uint8Array }[] = [];
    for (const s of samples.filter((x) => (x.network === 'ipv4' || x.network === 'ipv6') && x.data[12] !== 0x81)) {
      const l3 = s.data.subarray(14);
      const ethertype = s.network === 'ipv4' ? 0x0800 : 0x86dd;
      records.push(
        { linkType: LinkType.RAW, data: l3 },
        { linkType: s.network === 'ipv4' ? LinkType.IPV4 : LinkType.IPV6, data: l3 },
        { linkType: LinkType.LINUX_SLL, data: concat(sllHeader(ethertype), l3) },
        { linkType: LinkType.LINUX_SLL2, data: concat(sll2Header(ethertype), l3) },
      );
    }
    const ids = new Map<number, number>();
    for (const record of records) {
      if (!ids.has(record.linkType)) ids.set(record.linkType, writer.addInterface({ linkType: record.linkType }));
      await writer.write({ interfaceId: ids.get(record.linkType)!, timestamp: { seconds: 1, nanos: 0 }, data: record.data });
    }
    await writer.close();
    const ethernet = tmp.path('ethernet.pcap');
    const out = new PcapWriter(ethernet);
    for (const packet of parsePcap(readFileSync(originals)).packets) await out.write({ ...packet, data: toEthernetFrame(packet)! });
    await out.close();
    // frame.protocols from the network layer on: "ip:udp" etc.
    const layers = async (path: string) =>
      (await run('tshark', ['-r', path, '-d', 'udp.port==8472,vxlan', '-T', 'fields', '-e', 'frame.protocols'])).trim().split('\n').map((p) => p.replace(/^.*?(?=\b(ip|ipv6):)/, ''));
    const before = await layers(originals);
    expect(before).toHaveLength(records.length);
    expect(before.every((p) => /^ipv?6?:/.test(p))).toBe(true);
    expect(await layers(ethernet)).toEqual(before);
  });
});
