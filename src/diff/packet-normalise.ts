// Making two captures of the same traffic comparable: fields the kernel fills with random or
// timing-dependent values are rewritten to canonical ones, on both sides alike. Checksums are
// verified first (a wrong checksum is a difference), then cleared along with what they cover.

import { internetChecksum, pseudoHeaderSum } from '../packet/csum.js';

export const PACKET_NORMALISATIONS = {
  'ip-id': 'the IPv4 identification is per-socket/per-destination state in the kernel (and random for some sockets); compared as 0',
  'tcp-isn': 'TCP initial sequence numbers are random in the kernel; sequence and acknowledgement numbers are compared relative to the ISN they belong to (ISNs numbered in the order their SYNs were captured)',
  'tcp-segmentation': 'how the kernel cuts a transfer into segments, when it acknowledges and whether a FIN rides on data depend on when processes and timers run; TCP is compared per flow as streams: control segments (SYN/FIN/RST) in order, payload bytes each way, and the headers of each direction\'s first segment',
  'ping-timestamp': 'ping puts the sending time in the first 16 bytes of the echo data; those bytes and the ICMP checksum are compared as 0 (after checking the checksum)',
  'tcp-window': 'advertised TCP windows follow the kernel\'s memory accounting; compared as 0',
  'vxlan-source-port': 'the VXLAN outer UDP source port comes from the kernel\'s flow hash, seeded randomly per boot; compared as 0',
  'checksums': 'IPv4/TCP checksums are checked for validity on each side, then compared as 0 since they cover the normalised fields',
} as const;

export type PacketNormalisation = keyof typeof PACKET_NORMALISATIONS;

const VXLAN_PORTS = new Set([8472, 4789]);

/**
 * The TCP initial sequence numbers of one side's run, numbered in the order their SYNs were
 * captured; a sequence or acknowledgement number is rewritten as (ISN number, distance).
 */
export class TcpIsns {
  private readonly isns: number[] = [];

  /** Learn every SYN's sequence number from a capture (in time order). */
  static from(frames: Iterable<Uint8Array>): TcpIsns {
    const t = new TcpIsns();
    for (const f of frames) {
      const tcp = tcpOffset(f);
      if (tcp < 0 || !(f[tcp + 13]! & 0x02)) continue;
      const seq = u32(f, tcp + 4);
      if (!t.isns.includes(seq)) t.isns.push(seq);
    }
    return t;
  }

  relative(x: number): number {
    let best = -1, bestDist = 0;
    this.isns.forEach((isn, k) => {
      const dist = (x - isn) >>> 0;
      if (dist < 1 << 24 && (best < 0 || dist < bestDist)) { best = k; bestDist = dist; }
    });
    return best < 0 ? x : ((best << 24) | bestDist) >>> 0;
  }
}

/** Offset of the TCP header of an (unencapsulated) IPv4 frame, or -1. */
function tcpOffset(b: Uint8Array): number {
  if (b.length < 34 || u16(b, 12) !== 0x0800 || b[14]! >> 4 !== 4 || b[23] !== 6) return -1;
  const at = 14 + (b[14]! & 0xf) * 4;
  return b.length >= at + 20 ? at : -1;
}

/** A TCP segment that only acknowledges (no data, no SYN/FIN/RST). */
export function isPureAck(b: Uint8Array): boolean {
  const tcp = tcpOffset(b);
  if (tcp < 0) return false;
  const ipLen = u16(b, 16), ihl = (b[14]! & 0xf) * 4, doff = (b[tcp + 12]! >> 4) * 4;
  return b[tcp + 13] === 0x10 && ipLen - ihl - doff === 0;
}

export interface NormalisedFrame {
  frame: Uint8Array;
  applied: Set<PacketNormalisation>;
  /** Checksums that were wrong before normalisation ("ip.csum", "tcp.csum", "inner.ip.csum"). */
  badChecksums: string[];
}

export function normaliseFrame(original: Uint8Array, isns: TcpIsns): NormalisedFrame {
  const frame = original.slice();
  const applied = new Set<PacketNormalisation>();
  const badChecksums: string[] = [];
  normaliseEthernet(frame, 0, '', isns, applied, badChecksums);
  return { frame, applied, badChecksums };
}

function u16(b: Uint8Array, at: number): number { return (b[at]! << 8) | b[at + 1]!; }
function put16(b: Uint8Array, at: number, v: number): void { b[at] = (v >> 8) & 0xff; b[at + 1] = v & 0xff; }
function u32(b: Uint8Array, at: number): number { return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0; }
function put32(b: Uint8Array, at: number, v: number): void { put16(b, at, v >>> 16); put16(b, at + 2, v & 0xffff); }

function normaliseEthernet(b: Uint8Array, at: number, prefix: string, isns: TcpIsns, applied: Set<PacketNormalisation>, bad: string[]): void {
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
    const flags = b[l4 + 13]!;
    put32(b, l4 + 4, isns.relative(u32(b, l4 + 4)));
    if (flags & 0x10) put32(b, l4 + 8, isns.relative(u32(b, l4 + 8)));
    applied.add('tcp-isn');
    put16(b, l4 + 14, 0); applied.add('tcp-window');
    put16(b, l4 + 16, 0);
  } else if (proto === 1 && total >= ihl + 24 && (b[l4] === 8 || b[l4] === 0)) {
    const msg = b.subarray(l4, ip + total);
    if (internetChecksum(msg) !== 0) bad.push(`${prefix}icmp.csum`);
    b.fill(0, l4 + 8, l4 + 24);
    put16(b, l4 + 2, 0);
    applied.add('ping-timestamp');
  } else if (proto === 17 && total >= ihl + 8) {
    const dport = u16(b, l4 + 2);
    if (VXLAN_PORTS.has(dport) && total >= ihl + 16) {
      put16(b, l4, 0); applied.add('vxlan-source-port');
      normaliseEthernet(b, l4 + 16, `${prefix}inner.`, isns, applied, bad);
    }
  }
}
