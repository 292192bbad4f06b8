// Making two captures of the same traffic comparable: fields the kernel fills with random or
// timing-dependent values are rewritten to canonical ones, on both sides alike. Checksums are
// verified first (a wrong checksum is a difference), then cleared along with what they cover.

import { internetChecksum, pseudoHeaderSum } from '../packet/csum.js';

export const PACKET_NORMALISATIONS = {
  'ip-id': 'the IPv4 identification is per-socket/per-destination state in the kernel (and random for some sockets); compared as 0',
  'tcp-isn': 'TCP initial sequence numbers are random in the kernel; sequence and acknowledgement numbers are compared relative to the first seen in each direction at each observation point',
  'tcp-window': 'advertised TCP windows follow the kernel\'s memory accounting; compared as 0',
  'vxlan-source-port': 'the VXLAN outer UDP source port comes from the kernel\'s flow hash, seeded randomly per boot; compared as 0',
  'checksums': 'IPv4/TCP checksums are checked for validity on each side, then compared as 0 since they cover the normalised fields',
} as const;

export type PacketNormalisation = keyof typeof PACKET_NORMALISATIONS;

const VXLAN_PORTS = new Set([8472, 4789]);

/** Per observation point: the first sequence number seen per TCP flow direction. */
export class TcpBases {
  private readonly bases = new Map<string, number>();
  relative(flow: string, seq: number, syn: boolean): number {
    let base = this.bases.get(flow);
    if (base === undefined || syn) { base = seq; this.bases.set(flow, base); }
    return (seq - base) >>> 0;
  }
  peek(flow: string): number | undefined {
    return this.bases.get(flow);
  }
}

export interface NormalisedFrame {
  frame: Uint8Array;
  applied: Set<PacketNormalisation>;
  /** Checksums that were wrong before normalisation ("ip.csum", "tcp.csum", "inner.ip.csum"). */
  badChecksums: string[];
}

export function normaliseFrame(original: Uint8Array, bases: TcpBases): NormalisedFrame {
  const frame = original.slice();
  const applied = new Set<PacketNormalisation>();
  const badChecksums: string[] = [];
  normaliseEthernet(frame, 0, '', bases, applied, badChecksums);
  return { frame, applied, badChecksums };
}

function u16(b: Uint8Array, at: number): number { return (b[at]! << 8) | b[at + 1]!; }
function put16(b: Uint8Array, at: number, v: number): void { b[at] = (v >> 8) & 0xff; b[at + 1] = v & 0xff; }
function u32(b: Uint8Array, at: number): number { return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0; }
function put32(b: Uint8Array, at: number, v: number): void { put16(b, at, v >>> 16); put16(b, at + 2, v & 0xffff); }

function normaliseEthernet(b: Uint8Array, at: number, prefix: string, bases: TcpBases, applied: Set<PacketNormalisation>, bad: string[]): void {
  if (b.length < at + 14 || u16(b, at + 12) !== 0x0800) return;
  const ip = at + 14;
  if (b.length < ip + 20 || b[ip]! >> 4 !== 4) return;
  const ihl = (b[ip]! & 0xf) * 4;
  const total = Math.min(u16(b, ip + 2), b.length - ip);
  if (ihl < 20 || b.length < ip + ihl) return;
  if (internetChecksum(b.subarray(ip, ip + ihl)) !== 0) bad.push(`${prefix}ip.csum`);
  put16(b, ip + 4, 0); applied.add('ip-id');
  put16(b, ip + 10, 0); applied.add('checksums');
  const proto = b[ip + 9]!;
  const l4 = ip + ihl;
  const fragmented = (u16(b, ip + 6) & 0x1fff) !== 0;
  if (fragmented) return;
  const src = b.subarray(ip + 12, ip + 16), dst = b.subarray(ip + 16, ip + 20);
  if (proto === 6 && total >= ihl + 20) {
    const seg = b.subarray(l4, ip + total);
    if (internetChecksum(seg, pseudoHeaderSum(src, dst, 6, seg.length)) !== 0) bad.push(`${prefix}tcp.csum`);
    const sport = u16(b, l4), dport = u16(b, l4 + 2);
    const flow = `${[...src].join('.')}:${sport}>${[...dst].join('.')}:${dport}`;
    const back = `${[...dst].join('.')}:${dport}>${[...src].join('.')}:${sport}`;
    const flags = b[l4 + 13]!;
    put32(b, l4 + 4, bases.relative(flow, u32(b, l4 + 4), (flags & 0x02) !== 0));
    const ackBase = bases.peek(back);
    if (flags & 0x10 && ackBase !== undefined) put32(b, l4 + 8, (u32(b, l4 + 8) - ackBase) >>> 0);
    applied.add('tcp-isn');
    put16(b, l4 + 14, 0); applied.add('tcp-window');
    put16(b, l4 + 16, 0);
  } else if (proto === 17 && total >= ihl + 8) {
    const dport = u16(b, l4 + 2);
    if (VXLAN_PORTS.has(dport) && total >= ihl + 16) {
      put16(b, l4, 0); applied.add('vxlan-source-port');
      normaliseEthernet(b, l4 + 16, `${prefix}inner.`, bases, applied, bad);
    }
  }
}
