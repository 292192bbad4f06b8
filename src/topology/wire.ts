// Header layouts the emulated kernel writes and reads: Ethernet, ARP, IPv4, ICMP, UDP, TCP
// (MSS option only), each with correct checksums.

import { internetChecksum, pseudoHeaderSum } from '../packet/csum.js';
import { rd16, rd32, wr16, wr32, type Ip4 } from './addr.js';

export const ETH_HLEN = 14;
export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;
export const PROTO = { ICMP: 1, TCP: 6, UDP: 17 } as const;
export const IP_DF = 0x4000;

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export function ethHeader(dst: Uint8Array, src: Uint8Array, type: number): Uint8Array {
  const h = new Uint8Array(ETH_HLEN);
  h.set(dst.subarray(0, 6), 0);
  h.set(src.subarray(0, 6), 6);
  wr16(h, 12, type);
  return h;
}

/** ARP for IPv4 over Ethernet (28 bytes). */
export function arpBody(op: 1 | 2, sha: Uint8Array, spa: Ip4, tha: Uint8Array, tpa: Ip4): Uint8Array {
  const b = new Uint8Array(28);
  wr16(b, 0, 1);
  wr16(b, 2, ETH_P_IP);
  b[4] = 6;
  b[5] = 4;
  wr16(b, 6, op);
  b.set(sha.subarray(0, 6), 8);
  wr32(b, 14, spa);
  b.set(tha.subarray(0, 6), 18);
  wr32(b, 24, tpa);
  return b;
}

export interface ArpView { op: number; sha: Uint8Array; spa: Ip4; tha: Uint8Array; tpa: Ip4 }

/** An ARP body for IPv4 over Ethernet, or null when it is something else or short. */
export function readArp(b: Uint8Array): ArpView | null {
  if (b.length < 28 || rd16(b, 0) !== 1 || rd16(b, 2) !== ETH_P_IP || b[4] !== 6 || b[5] !== 4) return null;
  return { op: rd16(b, 6), sha: b.slice(8, 14), spa: rd32(b, 14), tha: b.slice(18, 24), tpa: rd32(b, 24) };
}

export interface Ipv4Fields {
  src: Ip4;
  dst: Ip4;
  proto: number;
  ttl: number;
  tos: number;
  id: number;
  df: boolean;
}

export function ipv4Header(f: Ipv4Fields, payloadLen: number): Uint8Array {
  const h = new Uint8Array(20);
  h[0] = 0x45;
  h[1] = f.tos;
  wr16(h, 2, 20 + payloadLen);
  wr16(h, 4, f.id);
  wr16(h, 6, f.df ? IP_DF : 0);
  h[8] = f.ttl;
  h[9] = f.proto;
  wr32(h, 12, f.src);
  wr32(h, 16, f.dst);
  wr16(h, 10, internetChecksum(h));
  return h;
}

export interface Ipv4View {
  ihl: number; // bytes
  tos: number;
  totalLength: number;
  id: number;
  fragField: number;
  ttl: number;
  proto: number;
  src: Ip4;
  dst: Ip4;
}

/** The IPv4 header at `at`, without any validation beyond having 20 bytes. */
export function readIpv4(b: Uint8Array, at: number): Ipv4View | null {
  if (b.length - at < 20) return null;
  return {
    ihl: (b[at]! & 0xf) * 4, tos: b[at + 1]!, totalLength: rd16(b, at + 2), id: rd16(b, at + 4), fragField: rd16(b, at + 6),
    ttl: b[at + 8]!, proto: b[at + 9]!, src: rd32(b, at + 12), dst: rd32(b, at + 16),
  };
}

export function ipv4HeaderValid(b: Uint8Array, at: number): boolean {
  if (b.length - at < 20 || b[at]! >> 4 !== 4) return false;
  const ihl = (b[at]! & 0xf) * 4;
  const total = rd16(b, at + 2);
  return ihl >= 20 && b.length - at >= ihl && total >= ihl && total <= b.length - at && internetChecksum(b.subarray(at, at + ihl)) === 0;
}

/** Recompute the header checksum of the IPv4 header at `at`. */
export function refreshIpv4Checksum(b: Uint8Array, at: number): void {
  wr16(b, at + 10, 0);
  wr16(b, at + 10, internetChecksum(b.subarray(at, at + (b[at]! & 0xf) * 4)));
}

const l4Seed = (src: Ip4, dst: Ip4, proto: number, len: number): number => {
  const s = new Uint8Array(8);
  wr32(s, 0, src);
  wr32(s, 4, dst);
  return pseudoHeaderSum(s.subarray(0, 4), s.subarray(4, 8), proto, len);
};

/** The checksum over an L4 segment with its pseudo-header: 0 when the stored one is right. */
export function l4ChecksumOf(src: Ip4, dst: Ip4, proto: number, seg: Uint8Array): number {
  return internetChecksum(seg, l4Seed(src, dst, proto, seg.length));
}

export function udpDatagram(src: Ip4, dst: Ip4, sport: number, dport: number, payload: Uint8Array, checksum = true): Uint8Array {
  const d = new Uint8Array(8 + payload.length);
  wr16(d, 0, sport);
  wr16(d, 2, dport);
  wr16(d, 4, d.length);
  d.set(payload, 8);
  if (checksum) wr16(d, 6, l4ChecksumOf(src, dst, PROTO.UDP, d) || 0xffff);
  return d;
}

export function icmpMessage(type: number, code: number, rest: number, body: Uint8Array): Uint8Array {
  const m = new Uint8Array(8 + body.length);
  m[0] = type;
  m[1] = code;
  wr32(m, 4, rest);
  m.set(body, 8);
  wr16(m, 2, internetChecksum(m));
  return m;
}

export const TCP_FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const;

export interface TcpFields {
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  /** The MSS option (SYN, SYN/ACK): the only option a stack without timestamps/SACK/wscale sends. */
  mss?: number;
  payload?: Uint8Array;
}

export function tcpSegment(src: Ip4, dst: Ip4, f: TcpFields): Uint8Array {
  const opt = f.mss !== undefined ? 4 : 0;
  const payload = f.payload ?? new Uint8Array(0);
  const s = new Uint8Array(20 + opt + payload.length);
  wr16(s, 0, f.sport);
  wr16(s, 2, f.dport);
  wr32(s, 4, f.seq >>> 0);
  wr32(s, 8, f.ack >>> 0);
  s[12] = ((20 + opt) / 4) << 4;
  s[13] = f.flags;
  wr16(s, 14, f.window);
  if (f.mss !== undefined) {
    s[20] = 2;
    s[21] = 4;
    wr16(s, 22, f.mss);
  }
  s.set(payload, 20 + opt);
  wr16(s, 16, l4ChecksumOf(src, dst, PROTO.TCP, s));
  return s;
}

export interface TcpView {
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  mss?: number;
  payload: Uint8Array;
}

/** A TCP segment (its IP payload), or null when the header is truncated or inconsistent. */
export function readTcp(seg: Uint8Array): TcpView | null {
  if (seg.length < 20) return null;
  const off = (seg[12]! >> 4) * 4;
  if (off < 20 || off > seg.length) return null;
  let mss: number | undefined;
  for (let i = 20; i < off;) {
    const kind = seg[i]!;
    if (kind === 0) break;
    if (kind === 1) { i++; continue; }
    const len = seg[i + 1] ?? 0;
    if (len < 2 || i + len > off) break;
    if (kind === 2 && len === 4) mss = rd16(seg, i + 2);
    i += len;
  }
  return {
    sport: rd16(seg, 0), dport: rd16(seg, 2), seq: rd32(seg, 4), ack: rd32(seg, 8), flags: seg[13]!, window: rd16(seg, 14),
    ...(mss !== undefined ? { mss } : {}), payload: seg.subarray(off),
  };
}
