// A tiny packet builder for the agreement cases (a full one will come later): Ethernet,
// IPv4, UDP and TCP with checksums computed here, independently of the VM's code.

export const MAC = {
  /** The test-run device is loopback, whose address is all zeros: PACKET_HOST. */
  host: [0, 0, 0, 0, 0, 0],
  other: [0x02, 0, 0, 0, 0, 0x02],
  broadcast: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  multicast: [0x01, 0x00, 0x5e, 0x00, 0x00, 0x01],
  source: [0x02, 0, 0, 0, 0, 0x01],
} as const;

export const ETH_P = { IP: 0x0800, ARP: 0x0806, IPV6: 0x86dd } as const;
export const IPPROTO = { ICMP: 1, TCP: 6, UDP: 17 } as const;

export function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const u8 = (...v: number[]): Uint8Array => Uint8Array.from(v);
export const u16be = (v: number): Uint8Array => u8((v >> 8) & 0xff, v & 0xff);
export const u32le = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v >>> 0]).buffer);
export const u64le = (v: bigint): Uint8Array => new Uint8Array(new BigUint64Array([BigInt.asUintN(64, v)]).buffer);
export const zeros = (n: number): Uint8Array => new Uint8Array(n);

export function ethernet(payload: ArrayLike<number>, opts: { dst?: readonly number[]; type?: number } = {}): Uint8Array {
  return concat(opts.dst ?? MAC.other, MAC.source, u16be(opts.type ?? ETH_P.IP), payload);
}

/** The ones' complement sum of big-endian 16-bit words, folded to 16 bits. */
export function onesSum(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  return ~onesSum(bytes, initial) & 0xffff;
}

export const ipv4Addr = (text: string): number[] => text.split('.').map(Number);

export interface Ipv4Options {
  protocol: number;
  saddr?: string;
  daddr?: string;
  ttl?: number;
  tos?: number;
  id?: number;
}

export function ipv4(payload: Uint8Array, o: Ipv4Options): Uint8Array {
  const header = concat(
    u8(0x45, o.tos ?? 0), u16be(20 + payload.length), u16be(o.id ?? 1), u16be(0),
    u8(o.ttl ?? 64, o.protocol), u16be(0), ipv4Addr(o.saddr ?? '10.0.0.1'), ipv4Addr(o.daddr ?? '10.0.0.2'),
  );
  header.set(u16be(internetChecksum(header)), 10);
  return concat(header, payload);
}

/** Sum of the IPv4 pseudo header of an L4 segment. */
function pseudoHeaderSum(saddr: string, daddr: string, protocol: number, length: number): number {
  return onesSum(concat(ipv4Addr(saddr), ipv4Addr(daddr), u8(0, protocol), u16be(length)));
}

/** The L4 checksum a correct sender writes (0 computed is sent as 0xffff for UDP). */
export function l4Checksum(segment: Uint8Array, protocol: number, saddr: string, daddr: string): number {
  const sum = internetChecksum(segment, pseudoHeaderSum(saddr, daddr, protocol, segment.length));
  return protocol === IPPROTO.UDP && sum === 0 ? 0xffff : sum;
}

export interface L4Options {
  sport?: number;
  dport?: number;
  payload?: Uint8Array;
  saddr?: string;
  daddr?: string;
}

/** A UDP datagram; `zeroChecksum` leaves the checksum absent (0), as IPv4 allows. */
export function udp(o: L4Options & { zeroChecksum?: boolean } = {}): Uint8Array {
  const payload = o.payload ?? u8(1, 2, 3, 4, 5, 6, 7, 8);
  const seg = concat(u16be(o.sport ?? 4000), u16be(o.dport ?? 53), u16be(8 + payload.length), u16be(0), payload);
  if (!o.zeroChecksum) seg.set(u16be(l4Checksum(seg, IPPROTO.UDP, o.saddr ?? '10.0.0.1', o.daddr ?? '10.0.0.2')), 6);
  return seg;
}

export function tcp(o: L4Options = {}): Uint8Array {
  const payload = o.payload ?? u8(0xde, 0xad, 0xbe, 0xef);
  const seg = concat(
    u16be(o.sport ?? 4000), u16be(o.dport ?? 80), u8(0, 0, 0, 1), u8(0, 0, 0, 0),
    u8(0x50, 0x18), u16be(0xffff), u16be(0), u16be(0), payload,
  );
  seg.set(u16be(l4Checksum(seg, IPPROTO.TCP, o.saddr ?? '10.0.0.1', o.daddr ?? '10.0.0.2')), 16);
  return seg;
}

/** Ethernet + IPv4 + UDP with consistent addresses and checksums. */
export function udpPacket(o: L4Options & { zeroChecksum?: boolean; ip?: Partial<Ipv4Options>; dst?: readonly number[] } = {}): Uint8Array {
  const saddr = o.saddr ?? '10.0.0.1', daddr = o.daddr ?? '10.0.0.2';
  return ethernet(ipv4(udp({ ...o, saddr, daddr }), { ...o.ip, protocol: IPPROTO.UDP, saddr, daddr }), o.dst ? { dst: o.dst } : {});
}

export function tcpPacket(o: L4Options & { ip?: Partial<Ipv4Options> } = {}): Uint8Array {
  const saddr = o.saddr ?? '10.0.0.1', daddr = o.daddr ?? '10.0.0.2';
  return ethernet(ipv4(tcp({ ...o, saddr, daddr }), { ...o.ip, protocol: IPPROTO.TCP, saddr, daddr }));
}

export const readU16be = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
export const readU32le = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
export const readS32le = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset).getInt32(at, true);
export const readU64le = (b: Uint8Array, at: number): bigint => new DataView(b.buffer, b.byteOffset).getBigUint64(at, true);
export const readS64le = (b: Uint8Array, at: number): bigint => new DataView(b.buffer, b.byteOffset).getBigInt64(at, true);
