// Building test packets: Ethernet / IPv4 / UDP, TCP, ICMP echo, with correct checksums and
// every field overridable (for malformed cases). Addresses are written the way people do:
// "10.0.0.1", "aa:bb:cc:00:00:01".

import { internetChecksum, pseudoHeaderSum } from './csum.js';

export interface EthOptions { src?: string; dst?: string; type?: number }
export interface Ipv4Options {
  src: string; dst: string; ttl?: number; tos?: number; id?: number; flags?: number; fragOffset?: number;
  proto?: number; checksum?: number; ihl?: number; totalLength?: number;
}
export interface UdpOptions { sport: number; dport: number; checksum?: number; payload?: Uint8Array }
export interface TcpOptions {
  sport: number; dport: number; seq?: number; ack?: number; flags?: string; window?: number; checksum?: number; payload?: Uint8Array;
}
export interface IcmpOptions { type?: number; code?: number; id?: number; seq?: number; payload?: Uint8Array; checksum?: number }

export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;
export const IPPROTO = { ICMP: 1, TCP: 6, UDP: 17 } as const;

export function parseMac(s: string): Uint8Array {
  const parts = s.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) throw new Error(`bad MAC address "${s}"`);
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

export function parseIpv4(s: string): Uint8Array {
  const parts = s.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`bad IPv4 address "${s}"`);
  return Uint8Array.from(parts.map(Number));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export function ethernet(o: EthOptions, payload: Uint8Array): Uint8Array {
  const h = new Uint8Array(14);
  h.set(parseMac(o.dst ?? '02:00:00:00:00:02'), 0);
  h.set(parseMac(o.src ?? '02:00:00:00:00:01'), 6);
  new DataView(h.buffer).setUint16(12, o.type ?? ETH_P_IP);
  return concat(h, payload);
}

export function ipv4(o: Ipv4Options, payload: Uint8Array): Uint8Array {
  const ihl = o.ihl ?? 5;
  const h = new Uint8Array(Math.max(20, ihl * 4));
  const v = new DataView(h.buffer);
  h[0] = 0x40 | (ihl & 0xf);
  h[1] = o.tos ?? 0;
  v.setUint16(2, o.totalLength ?? h.length + payload.length);
  v.setUint16(4, o.id ?? 0);
  v.setUint16(6, ((o.flags ?? 2) << 13) | (o.fragOffset ?? 0));
  h[8] = o.ttl ?? 64;
  h[9] = o.proto ?? IPPROTO.UDP;
  h.set(parseIpv4(o.src), 12);
  h.set(parseIpv4(o.dst), 16);
  v.setUint16(10, o.checksum ?? internetChecksum(h));
  return concat(h, payload);
}

/** UDP over IPv4 with the pseudo-header checksum (src/dst needed for it). */
export function udp(ip: { src: string; dst: string }, o: UdpOptions): Uint8Array {
  const payload = o.payload ?? new Uint8Array(0);
  const h = new Uint8Array(8);
  const v = new DataView(h.buffer);
  v.setUint16(0, o.sport);
  v.setUint16(2, o.dport);
  v.setUint16(4, 8 + payload.length);
  const seg = concat(h, payload);
  const sum = o.checksum ?? (internetChecksum(seg, pseudoHeaderSum(parseIpv4(ip.src), parseIpv4(ip.dst), IPPROTO.UDP, seg.length)) || 0xffff);
  new DataView(seg.buffer).setUint16(6, sum);
  return seg;
}

const TCP_FLAGS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20 };

export function tcp(ip: { src: string; dst: string }, o: TcpOptions): Uint8Array {
  const payload = o.payload ?? new Uint8Array(0);
  const h = new Uint8Array(20);
  const v = new DataView(h.buffer);
  v.setUint16(0, o.sport);
  v.setUint16(2, o.dport);
  v.setUint32(4, o.seq ?? 0);
  v.setUint32(8, o.ack ?? 0);
  h[12] = 5 << 4;
  h[13] = [...(o.flags ?? 'S')].reduce((f, c) => f | (TCP_FLAGS[c] ?? 0), 0);
  v.setUint16(14, o.window ?? 64240);
  const seg = concat(h, payload);
  const sum = o.checksum ?? internetChecksum(seg, pseudoHeaderSum(parseIpv4(ip.src), parseIpv4(ip.dst), IPPROTO.TCP, seg.length));
  new DataView(seg.buffer).setUint16(16, sum);
  return seg;
}

export function icmpEcho(o: IcmpOptions = {}): Uint8Array {
  const payload = o.payload ?? new Uint8Array(0);
  const h = new Uint8Array(8);
  const v = new DataView(h.buffer);
  h[0] = o.type ?? 8;
  h[1] = o.code ?? 0;
  v.setUint16(4, o.id ?? 1);
  v.setUint16(6, o.seq ?? 1);
  const msg = concat(h, payload);
  new DataView(msg.buffer).setUint16(2, o.checksum ?? internetChecksum(msg));
  return msg;
}

/** A whole Ethernet/IPv4/UDP frame: the default packet of examples and quick runs. */
export function udpFrame(o: { src?: string; dst?: string; sport?: number; dport?: number; ttl?: number; payload?: Uint8Array; eth?: EthOptions } = {}): Uint8Array {
  const ip = { src: o.src ?? '10.0.0.1', dst: o.dst ?? '10.0.0.2' };
  const l4 = udp(ip, { sport: o.sport ?? 12345, dport: o.dport ?? 80, payload: o.payload ?? new TextEncoder().encode('dpsim') });
  return ethernet(o.eth ?? {}, ipv4({ ...ip, proto: IPPROTO.UDP, ...(o.ttl !== undefined ? { ttl: o.ttl } : {}) }, l4));
}

export function tcpFrame(o: { src?: string; dst?: string; sport?: number; dport?: number; flags?: string; payload?: Uint8Array; eth?: EthOptions } = {}): Uint8Array {
  const ip = { src: o.src ?? '10.0.0.1', dst: o.dst ?? '10.0.0.2' };
  const l4 = tcp(ip, { sport: o.sport ?? 43210, dport: o.dport ?? 80, flags: o.flags ?? 'S', ...(o.payload ? { payload: o.payload } : {}) });
  return ethernet(o.eth ?? {}, ipv4({ ...ip, proto: IPPROTO.TCP }, l4));
}
