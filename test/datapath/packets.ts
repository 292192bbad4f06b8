// Test packets for the datapath, and an independent reading of what comes out: header
// fields and checksums recomputed here (not with src/packet), so a rewrite that breaks a
// checksum cannot hide behind the code that made it.

import { ethernet, icmpEcho, ipv4, tcp, udp, concat, ETH_P_ARP, IPPROTO } from '../../src/packet/build.js';

export type L4 =
  | { proto: 'TCP'; sport: number; dport: number; flags?: string; payload?: Uint8Array }
  | { proto: 'UDP'; sport: number; dport: number; payload?: Uint8Array }
  | { proto: 'ICMP'; type?: number; id?: number; seq?: number };

export interface FrameOptions {
  srcMac: string;
  dstMac: string;
  src: string;
  dst: string;
  ttl?: number;
  l4: L4;
}

/** An Ethernet/IPv4 frame with correct checksums. */
export function frame(o: FrameOptions): Uint8Array {
  const ip = { src: o.src, dst: o.dst };
  let l4: Uint8Array;
  switch (o.l4.proto) {
    case 'TCP':
      l4 = tcp(ip, { sport: o.l4.sport, dport: o.l4.dport, flags: o.l4.flags ?? 'S', seq: 1000, ...(o.l4.payload ? { payload: o.l4.payload } : {}) });
      break;
    case 'UDP':
      l4 = udp(ip, { sport: o.l4.sport, dport: o.l4.dport, payload: o.l4.payload ?? new TextEncoder().encode('dpsim') });
      break;
    case 'ICMP':
      l4 = icmpEcho({ type: o.l4.type ?? 8, id: o.l4.id ?? 0x4242, seq: o.l4.seq ?? 1, payload: new Uint8Array(16).fill(0x61) });
      break;
  }
  const proto = { TCP: IPPROTO.TCP, UDP: IPPROTO.UDP, ICMP: IPPROTO.ICMP }[o.l4.proto];
  return ethernet({ src: o.srcMac, dst: o.dstMac }, ipv4({ ...ip, proto, id: 7, ...(o.ttl !== undefined ? { ttl: o.ttl } : {}) }, l4));
}

const mac = (s: string) => Uint8Array.from(s.split(':').map((x) => parseInt(x, 16)));
const ipb = (s: string) => Uint8Array.from(s.split('.').map(Number));

/** ARP request "who has tip? tell sip" (Ethernet broadcast unless dstMac is given). */
export function arpRequest(o: { srcMac: string; sip: string; tip: string; op?: number; dstMac?: string }): Uint8Array {
  const body = new Uint8Array(28);
  const v = new DataView(body.buffer);
  v.setUint16(0, 1); // Ethernet
  v.setUint16(2, 0x0800);
  body[4] = 6;
  body[5] = 4;
  v.setUint16(6, o.op ?? 1);
  body.set(mac(o.srcMac), 8);
  body.set(ipb(o.sip), 14);
  body.set(ipb(o.tip), 24);
  return ethernet({ src: o.srcMac, dst: o.dstMac ?? 'ff:ff:ff:ff:ff:ff', type: ETH_P_ARP }, body);
}

export { concat };

// ---- reading frames ----

const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const hexMac = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
const dotted = (b: Uint8Array) => [...b].join('.');

export interface Parsed {
  dstMac: string;
  srcMac: string;
  ethType: number;
  src: string;
  dst: string;
  ttl: number;
  proto: number;
  sport: number;
  dport: number;
  /** ICMP echo identifier. */
  icmpId: number;
  icmpType: number;
}

export function parse(f: Uint8Array): Parsed {
  const ihl = (f[14]! & 0xf) * 4;
  const l4 = 14 + ihl;
  const proto = f[23]!;
  return {
    dstMac: hexMac(f.subarray(0, 6)),
    srcMac: hexMac(f.subarray(6, 12)),
    ethType: u16(f, 12),
    src: dotted(f.subarray(26, 30)),
    dst: dotted(f.subarray(30, 34)),
    ttl: f[22]!,
    proto,
    sport: proto === 1 ? 0 : u16(f, l4),
    dport: proto === 1 ? 0 : u16(f, l4 + 2),
    icmpId: proto === 1 ? u16(f, l4 + 4) : 0,
    icmpType: proto === 1 ? f[l4]! : 0,
  };
}

/** The 16-bit one's complement sum, folded (RFC 1071). */
function onesSum(bytes: Uint8Array, start = 0): number {
  let sum = start;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length % 2) sum += bytes[bytes.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** Whether the IPv4 header checksum and the TCP/UDP/ICMP checksum of a frame verify. */
export function checksumsOk(f: Uint8Array): { l3: boolean; l4: boolean } {
  const ihl = (f[14]! & 0xf) * 4;
  const totLen = u16(f, 16);
  const l3 = onesSum(f.subarray(14, 14 + ihl)) === 0xffff;
  const seg = f.subarray(14 + ihl, 14 + totLen);
  const proto = f[23]!;
  let l4 = true;
  if (proto === 1) {
    l4 = onesSum(seg) === 0xffff;
  } else if (proto === 6 || proto === 17) {
    if (proto === 17 && u16(seg, 6) === 0) return { l3, l4: true }; // UDP without checksum
    const pseudo = new Uint8Array(12);
    pseudo.set(f.subarray(26, 34), 0);
    pseudo[9] = proto;
    pseudo[10] = seg.length >> 8;
    pseudo[11] = seg.length & 0xff;
    l4 = onesSum(seg, onesSum(pseudo)) === 0xffff;
  }
  return { l3, l4 };
}

/** A frame with its IPv4 header patched (and the header checksum recomputed unless keepCsum). */
export function patchIpv4(f: Uint8Array, patch: (b: Uint8Array) => void, keepCsum = false): Uint8Array {
  const out = f.slice();
  patch(out);
  if (!keepCsum) {
    const ihl = (out[14]! & 0xf) * 4;
    out[24] = 0;
    out[25] = 0;
    const sum = ~onesSum(out.subarray(14, 14 + Math.min(ihl, out.length - 14))) & 0xffff;
    out[24] = sum >> 8;
    out[25] = sum & 0xff;
  }
  return out;
}
