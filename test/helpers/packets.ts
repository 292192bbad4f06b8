// Packet builders and an independent RFC 1071 checksum (big-endian 16-bit words, computed from
// scratch here, not with src/packet/csum.ts), for tests that run C programs on packets.

export const ETH_HLEN = 14;
export const ETH_P_IP = 0x0800;
export const ETH_P_IPV6 = 0x86dd;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

export function ip4(s: string): number[] {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new Error(`bad IPv4 ${s}`);
  return parts;
}

export function macBytes(s: string): number[] {
  return s.split(':').map((x) => parseInt(x, 16));
}

/** Ones' complement sum of big-endian 16-bit words (odd length: zero-padded), folded to 16 bits. */
export function onesSum(bytes: ArrayLike<number>, initial = 0): number {
  let s = initial;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i]! << 8) | (i + 1 < bytes.length ? bytes[i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** The Internet checksum of bytes (RFC 1071): the complement of the ones' complement sum. */
export function inetChecksum(bytes: ArrayLike<number>, initial = 0): number {
  return ~onesSum(bytes, initial) & 0xffff;
}

export interface Ipv4Opts {
  src?: string;
  dst?: string;
  proto: number;
  ttl?: number;
  id?: number;
  tos?: number;
  payload?: Uint8Array;
  sport?: number;
  dport?: number;
  /** UDP only: send with checksum 0 (no checksum), as IPv4 allows. */
  udpNoChecksum?: boolean;
  smac?: string;
  dmac?: string;
}

const be16 = (b: Uint8Array, at: number, v: number) => { b[at] = (v >> 8) & 0xff; b[at + 1] = v & 0xff; };
export const getBe16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;

/** Ethernet + IPv4 (20 bytes) + TCP (20 bytes) or UDP (8 bytes) + payload, checksums correct. */
export function ipv4Packet(o: Ipv4Opts): Uint8Array {
  const payload = o.payload ?? Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  const l4len = (o.proto === IPPROTO_TCP ? 20 : o.proto === IPPROTO_UDP ? 8 : 0) + payload.length;
  const pkt = new Uint8Array(ETH_HLEN + 20 + l4len);
  pkt.set(macBytes(o.dmac ?? '02:00:00:00:00:02'), 0);
  pkt.set(macBytes(o.smac ?? '02:00:00:00:00:01'), 6);
  be16(pkt, 12, ETH_P_IP);
  const ip = ETH_HLEN;
  pkt[ip] = 0x45;
  pkt[ip + 1] = o.tos ?? 0;
  be16(pkt, ip + 2, 20 + l4len);
  be16(pkt, ip + 4, o.id ?? 0x1234);
  pkt[ip + 8] = o.ttl ?? 64;
  pkt[ip + 9] = o.proto;
  pkt.set(ip4(o.src ?? '10.0.0.1'), ip + 12);
  pkt.set(ip4(o.dst ?? '10.0.0.2'), ip + 16);
  const l4 = ip + 20;
  if (o.proto === IPPROTO_TCP) {
    be16(pkt, l4, o.sport ?? 40000);
    be16(pkt, l4 + 2, o.dport ?? 80);
    pkt.set([0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff], l4 + 4); // seq 1, ack 0, doff 5, PSH|ACK, window
    pkt.set(payload, l4 + 20);
  } else if (o.proto === IPPROTO_UDP) {
    be16(pkt, l4, o.sport ?? 40000);
    be16(pkt, l4 + 2, o.dport ?? 53);
    be16(pkt, l4 + 4, l4len);
    pkt.set(payload, l4 + 8);
  } else {
    pkt.set(payload, l4);
  }
  fixChecksums(pkt);
  if (o.proto === IPPROTO_UDP && o.udpNoChecksum) be16(pkt, l4 + 6, 0);
  return pkt;
}

/** Offset of the L4 checksum field of an Ethernet + IPv4 (IHL 5) packet. */
export function l4CsumOffset(pkt: Uint8Array): number {
  const proto = pkt[ETH_HLEN + 9];
  return ETH_HLEN + 20 + (proto === IPPROTO_TCP ? 16 : 6);
}

/** The IPv4 header checksum of the packet's header as it should be (field taken as zero). */
export function expectedIpChecksum(pkt: Uint8Array): number {
  const hdr = pkt.slice(ETH_HLEN, ETH_HLEN + 20);
  hdr[10] = 0;
  hdr[11] = 0;
  return inetChecksum(hdr);
}

/** The TCP/UDP checksum the packet should carry: pseudo-header + segment, field taken as zero. */
export function expectedL4Checksum(pkt: Uint8Array): number {
  const c = rawL4Checksum(pkt);
  // UDP transmits a computed 0 as 0xffff (RFC 768: 0 means "no checksum").
  return pkt[ETH_HLEN + 9] === IPPROTO_UDP && c === 0 ? 0xffff : c;
}

/** The RFC 1071 checksum of the pseudo-header and L4 segment, before UDP's 0 → 0xffff rule. */
export function rawL4Checksum(pkt: Uint8Array): number {
  const ip = ETH_HLEN;
  const totLen = getBe16(pkt, ip + 2);
  const seg = pkt.slice(ip + 20, ip + totLen);
  const proto = pkt[ip + 9]!;
  seg[proto === IPPROTO_TCP ? 16 : 6] = 0;
  seg[proto === IPPROTO_TCP ? 17 : 7] = 0;
  const pseudo = [...pkt.subarray(ip + 12, ip + 20), 0, proto, (seg.length >> 8) & 0xff, seg.length & 0xff];
  return inetChecksum(seg, onesSum(pseudo));
}

export function fixChecksums(pkt: Uint8Array): void {
  be16(pkt, ETH_HLEN + 10, expectedIpChecksum(pkt));
  if (pkt[ETH_HLEN + 9] === IPPROTO_TCP || pkt[ETH_HLEN + 9] === IPPROTO_UDP) be16(pkt, l4CsumOffset(pkt), expectedL4Checksum(pkt));
}

/** Ethernet + IPv6 (40 bytes) + payload; next header 59 (none) unless given. */
export function ipv6Packet(payload: Uint8Array = new Uint8Array(16), nextHeader = 59): Uint8Array {
  const pkt = new Uint8Array(ETH_HLEN + 40 + payload.length);
  pkt.set(macBytes('02:00:00:00:00:02'), 0);
  pkt.set(macBytes('02:00:00:00:00:01'), 6);
  be16(pkt, 12, ETH_P_IPV6);
  pkt[ETH_HLEN] = 0x60;
  be16(pkt, ETH_HLEN + 4, payload.length);
  pkt[ETH_HLEN + 6] = nextHeader;
  pkt[ETH_HLEN + 7] = 64;
  pkt[ETH_HLEN + 8] = 0xfd;
  pkt[ETH_HLEN + 23] = 1;
  pkt[ETH_HLEN + 24] = 0xfd;
  pkt[ETH_HLEN + 39] = 2;
  pkt.set(payload, ETH_HLEN + 40);
  return pkt;
}

export const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const u32le = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n >>> 0]).buffer);
export const readU32le = (b: Uint8Array, off = 0): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(off, true);
