// `dpsim pcap info|convert`: capinfos-style text and -j JSON, conversion both ways, and the exit
// codes: 0 whole file read, 1 damaged part-way (what was read still printed / written), 3 bad
// input or usage (missing file, not a capture, unknown output format).
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { udpFrame, tcpFrame } from '../../src/packet/build.js';
import { LinkType, parsePcap } from '../../src/pcap/index.js';
import { tmp, truncateLastRecord, writePcap, writePcapng } from '../replay/helpers.js';
import { dpsim, REPO } from './run-cli.js';

const dir = tmp('pcap-cli');
const p = (name: string) => join(dir, name);
const read = (path: string) => parsePcap(readFileSync(path));

beforeAll(async () => {
  await writePcap(p('five.pcap'), [udpFrame(), tcpFrame(), udpFrame({ dport: 4789 }), udpFrame(), tcpFrame({ flags: 'SA' })], 250_000_000);
  truncateLastRecord(p('five.pcap'), p('damaged.pcap'));
  writeFileSync(p('text.pcap'), 'not a capture at all\n');
  await writePcapng(p('two-links.pcapng'), [
    { linkType: LinkType.ETHERNET, timestamp: { seconds: 5, nanos: 1 }, data: udpFrame(), comment: 'first' },
    { linkType: LinkType.RAW, timestamp: { seconds: 6, nanos: 2 }, data: udpFrame().subarray(14) },
  ]);
});

describe('dpsim pcap info', () => {
  it('prints a capinfos-like summary: count, link types, time span, snaplen, protocols; exit 0', () => {
    const r = dpsim(['pcap', 'info', p('five.pcap')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Number of packets:\s+5/);
    expect(r.stdout).toContain('ETHERNET (1), snaplen 262144');
    expect(r.stdout).toMatch(/Capture duration:\s+1\.000000000 seconds/);
    expect(r.stdout).toMatch(/Transport protocols:\s+tcp 2, udp 2, icmp 0, icmpv6 0, vxlan 1, other 0/);
  });

  it('-j: one JSON object with packets, link types, times, snaplen and protocol counts', () => {
    const r = dpsim(['pcap', 'info', p('two-links.pcapng'), '-j']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      packets: 2, file_type: 'pcapng', snaplen: 262144, first_time: '5.000000001', last_time: '6.000000002', duration_seconds: '1.000000001',
      link_types: [{ type: 1, name: 'ETHERNET' }, { type: 101, name: 'RAW' }],
      protocols: { network: { ipv4: 2 }, transport: { udp: 2 } },
    });
    expect(j.error).toBeUndefined();
  });

  it('a capture recorded on the kernel testbed: the VXLAN underlay, every packet VXLAN', () => {
    const j = JSON.parse(dpsim(['pcap', 'info', resolve(REPO, 'pcaps/vxlan-underlay.pcap'), '-j']).stdout);
    expect(j.packets).toBeGreaterThan(0);
    expect(j.protocols.transport.vxlan).toBe(j.packets);
  });

  it('a capture truncated mid-record: exit 1, still printing what was read (packets = N)', () => {
    const j = dpsim(['pcap', 'info', p('damaged.pcap'), '-j']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ packets: 4, error: { packets_read: 4 } });
    expect(j.stderr).toMatch(/damaged: truncated record body/);
    const text = dpsim(['pcap', 'info', p('damaged.pcap')]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/Number of packets:\s+4/);
    expect(text.stdout).toMatch(/Error:\s+truncated record body/);
  });

  it('exit 3: a missing file, a file that is not a capture, no file given', () => {
    for (const args of [['info', p('nope.pcap')], ['info', p('text.pcap')], ['info'], []]) {
      const r = dpsim(['pcap', ...args]);
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.stdout).toBe('');
    }
    expect(dpsim(['pcap', 'info', p('nope.pcap')]).stderr).toContain('no such file');
    expect(dpsim(['pcap', 'info', p('text.pcap')]).stderr).toContain('not a pcap or pcapng file');
  });
});

describe('dpsim pcap convert', () => {
  it("pcap → pcapng by OUT's extension and back: the same packets, timestamps exact", () => {
    expect(dpsim(['pcap', 'convert', p('five.pcap'), p('five.pcapng')]).code).toBe(0);
    expect(dpsim(['pcap', 'convert', p('five.pcapng'), p('again.pcap')]).code).toBe(0);
    const a = read(p('five.pcap')), b = read(p('five.pcapng')), c = read(p('again.pcap'));
    expect(b.format).toBe('pcapng');
    expect(c.format).toBe('pcap-nsec');
    for (const x of [b, c]) {
      expect(x.packets.map((q) => [q.timestamp, Buffer.from(q.data).toString('hex')])).toEqual(a.packets.map((q) => [q.timestamp, Buffer.from(q.data).toString('hex')]));
    }
  });

  it('--format overrides the extension; --resolution us writes the microsecond magic', () => {
    const r = dpsim(['pcap', 'convert', p('five.pcap'), p('as-ng.bin'), '--format', 'pcapng']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('5 packets written as pcapng');
    expect(read(p('as-ng.bin')).format).toBe('pcapng');
    expect(dpsim(['pcap', 'convert', p('five.pcap'), p('us.pcap'), '--resolution', 'us']).code).toBe(0);
    expect(read(p('us.pcap')).format).toBe('pcap');
  });

  it('a damaged input: the packets before the damage are written, exit 1', () => {
    const r = dpsim(['pcap', 'convert', p('damaged.pcap'), p('damaged.pcapng')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('damaged');
    expect(read(p('damaged.pcapng')).packets).toHaveLength(4);
  });

  it('exit 3: unknown output extension, output = input, missing input, not a capture, an unwritable output, two link types into pcap', () => {
    const cases: [string[], RegExp][] = [
      [[p('five.pcap'), p('five.out')], /cannot tell the format/],
      [[p('five.pcap'), p('five.pcap')], /overwrite the input/],
      [[p('nope.pcap'), p('x.pcapng')], /no such file/],
      [[p('text.pcap'), p('x2.pcapng')], /not a pcap or pcapng file/],
      [[p('five.pcap'), join(dir, 'no-dir', 'x.pcap')], /cannot write output .*ENOENT/],
      [[p('two-links.pcapng'), p('two.pcap')], /pcap holds one link type/],
    ];
    for (const [args, message] of cases) {
      const r = dpsim(['pcap', 'convert', ...args]);
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(p('x2.pcapng'))).toBe(false);
    expect(existsSync(p('two.pcap'))).toBe(false);
  });
});
