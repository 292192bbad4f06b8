// The decoder prints packets exactly as `tcpdump -n -t` does, and names fields for diffs.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { decodeFrame, tcpdumpLine, diffFrames } from '../../src/packet/decode.js';
import { ethernet, ipv4, udp, tcp, icmpEcho, udpFrame, tcpFrame, concat, parseIpv4, parseMac, ETH_P_ARP, IPPROTO } from '../../src/packet/build.js';

function arp(op: 1 | 2, sha: string, spa: string, tha: string, tpa: string): Uint8Array {
  const a = new Uint8Array(28);
  const v = new DataView(a.buffer);
  v.setUint16(0, 1); v.setUint16(2, 0x0800); a[4] = 6; a[5] = 4; v.setUint16(6, op);
  a.set(parseMac(sha), 8); a.set(parseIpv4(spa), 14); a.set(parseMac(tha), 18); a.set(parseIpv4(tpa), 24);
  return ethernet({ type: ETH_P_ARP, dst: op === 1 ? 'ff:ff:ff:ff:ff:ff' : tha, src: sha }, a);
}

function vxlan(inner: Uint8Array, vni: number): Uint8Array {
  const h = new Uint8Array(8);
  h[0] = 0x08;
  new DataView(h.buffer).setUint32(4, vni << 8);
  const outer = { src: '192.168.1.1', dst: '192.168.1.2' };
  return ethernet({}, ipv4({ ...outer, proto: IPPROTO.UDP }, udp(outer, { sport: 54321, dport: 8472, payload: concat(h, inner), checksum: 0 })));
}

const ip = { src: '10.244.1.10', dst: '10.244.2.10' };
const FRAMES: [string, Uint8Array][] = [
  ['udp', udpFrame({ src: '10.0.0.1', dst: '10.0.0.2', sport: 12345, dport: 9999 })],
  ['tcp syn', tcpFrame({ src: ip.src, dst: ip.dst, sport: 43210, dport: 80, flags: 'S' })],
  ['tcp data', ethernet({}, ipv4({ ...ip, proto: IPPROTO.TCP }, tcp(ip, { sport: 5001, dport: 43210, seq: 1000, ack: 2000, flags: 'PA', payload: new Uint8Array(100) })))],
  ['tcp fin', ethernet({}, ipv4({ ...ip, proto: IPPROTO.TCP }, tcp(ip, { sport: 80, dport: 43210, seq: 5, ack: 7, flags: 'FA' })))],
  ['icmp request', ethernet({}, ipv4({ ...ip, proto: IPPROTO.ICMP }, icmpEcho({ id: 7, seq: 3, payload: new Uint8Array(56) })))],
  ['icmp reply', ethernet({}, ipv4({ ...ip, proto: IPPROTO.ICMP }, icmpEcho({ type: 0, id: 7, seq: 3 })))],
  ['arp request', arp(1, '02:00:00:00:00:01', '10.244.1.10', '00:00:00:00:00:00', '10.244.1.1')],
  ['arp reply', arp(2, '02:00:00:00:00:fe', '10.244.1.1', '02:00:00:00:00:01', '10.244.1.10')],
];

function pcap(frames: Uint8Array[]): Uint8Array {
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0); hdr.writeUInt16LE(2, 4); hdr.writeUInt16LE(4, 6); hdr.writeUInt32LE(65535, 16); hdr.writeUInt32LE(1, 20);
  const recs = frames.map((f, i) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(1_700_000_000 + i, 0); r.writeUInt32LE(f.length, 8); r.writeUInt32LE(f.length, 12);
    return Buffer.concat([r, Buffer.from(f)]);
  });
  return Buffer.concat([hdr, ...recs]);
}

describe('tcpdump-style summaries', () => {
  const tcpdump = spawnSync('tcpdump', ['--version'], { encoding: 'utf8' });
  it.skipIf(tcpdump.error !== undefined)('match `tcpdump -n -t` line for line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpsim-decode-'));
    const file = join(dir, 'frames.pcap');
    writeFileSync(file, pcap(FRAMES.map(([, f]) => f)));
    const r = spawnSync('tcpdump', ['-n', '-t', '-r', file], { encoding: 'utf8' });
    const theirs = r.stdout.trim().split('\n');
    expect(theirs).toHaveLength(FRAMES.length);
    FRAMES.forEach(([name, f], i) => expect(`${name}: ${tcpdumpLine(f)}`).toBe(`${name}: ${theirs[i]}`));
  });

  it('decodes VXLAN with the inner frame', () => {
    const inner = tcpFrame({ src: ip.src, dst: ip.dst, flags: 'S' });
    const d = decodeFrame(vxlan(inner, 42));
    expect(d.summary).toMatch(/^IP 192\.168\.1\.1\.54321 > 192\.168\.1\.2\.8472: VXLAN, flags \[I\] \(0x08\), vni 42: IP 10\.244\.1\.10\.43210 > 10\.244\.2\.10\.80: Flags \[S\]/);
    expect(d.layers).toEqual(['eth', 'ip', 'udp', 'vxlan', 'inner.eth', 'inner.ip', 'inner.tcp']);
    expect(d.fields.find((f) => f.name === 'inner.ip.src')?.offset).toBe(14 + 20 + 8 + 8 + 14 + 12);
  });

  it('reports truncation instead of throwing', () => {
    const f = udpFrame();
    for (let n = 0; n < f.length; n++) {
      const d = decodeFrame(f.subarray(0, n));
      expect(typeof d.summary).toBe('string');
      if (n < f.length) expect(d.truncated).toBe(true);
    }
  });
});

describe('field-level differences', () => {
  it('names the fields that differ', () => {
    const a = udpFrame({ ttl: 64 });
    const b = udpFrame({ ttl: 63 });
    const diffs = diffFrames(a, b);
    expect(diffs).toContain('ip.ttl: 64 ≠ 63');
    expect(diffs.some((d) => d.startsWith('ip.csum:'))).toBe(true);
    expect(diffFrames(a, a)).toEqual([]);
    expect(diffFrames(a, a.subarray(0, 40))).toContain(`length: ${a.length} ≠ 40`);
  });
});
