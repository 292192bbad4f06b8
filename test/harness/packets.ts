// Small IPv4 packets for the harness fixture (Ethernet + IPv4 + 8 payload bytes).

export const SKB_CTX_SIZE = 192; // sizeof(struct __sk_buff) on this kernel's UAPI
export const SKB_MARK_OFFSET = 8; // __sk_buff.mark follows len and pkt_type
export const IP_OFFSET = 14;

export function ipv4Checksum(header: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += (header[i]! << 8) | header[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function ipv4Packet(opts: { protocol: number; saddr: number[]; daddr: number[]; ttl?: number }): Uint8Array {
  const pkt = new Uint8Array(14 + 20 + 8);
  pkt.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
  const ip = pkt.subarray(IP_OFFSET, IP_OFFSET + 20);
  ip.set([0x45, 0, 0, 28, 0, 1, 0, 0, opts.ttl ?? 64, opts.protocol, 0, 0, ...opts.saddr, ...opts.daddr]);
  const csum = ipv4Checksum(ip);
  ip[10] = csum >> 8;
  ip[11] = csum & 0xff;
  return pkt;
}

export const u32le = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);
export const u64le = (n: bigint): Uint8Array => new Uint8Array(new BigUint64Array([n]).buffer);
export const readU32le = (b: Uint8Array, off = 0): number => new DataView(b.buffer, b.byteOffset).getUint32(off, true);
export const readU64le = (b: Uint8Array, off = 0): bigint => new DataView(b.buffer, b.byteOffset).getBigUint64(off, true);
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
