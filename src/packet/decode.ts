// Decoding Ethernet frames into named fields (so a diff can say "ip.ttl" rather than "byte
// 22") and printing them the way `tcpdump -n` does:
//   IP 10.244.1.10.43210 > 10.244.2.10.80: Flags [S], seq 0, win 64240, length 0

export interface Field {
  name: string; // e.g. "eth.dst", "ip.ttl", "tcp.flags", "vxlan.vni", "inner.ip.src"
  offset: number;
  length: number;
  value: string;
}

export interface Decoded {
  fields: Field[];
  /** One line, tcpdump style. */
  summary: string;
  /** Headers present, outermost first: "eth", "arp", "ip", "tcp", "udp", "icmp", "vxlan", ... */
  layers: string[];
  truncated: boolean;
}

const VXLAN_PORTS = new Set([8472, 4789]);
const ETHERTYPE: Record<number, string> = { 0x0800: 'IPv4', 0x0806: 'ARP', 0x86dd: 'IPv6', 0x8100: '802.1Q' };

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const mac = (b: Uint8Array, at: number) => [...b.subarray(at, at + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
const ip4 = (b: Uint8Array, at: number) => [...b.subarray(at, at + 4)].join('.');
const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

class Decoder {
  fields: Field[] = [];
  layers: string[] = [];
  truncated = false;
  constructor(private readonly b: Uint8Array, private readonly prefix: string, private readonly base: number) {}

  field(name: string, at: number, length: number, value: string | number): void {
    this.fields.push({ name: this.prefix + name, offset: this.base + at, length, value: String(value) });
  }

  /** Returns the tcpdump text of the frame starting at `at`. */
  ethernet(at: number, showEther: boolean): string {
    const b = this.b;
    if (b.length - at < 14) { this.truncated = true; return `[|ether] ${b.length - at} bytes`; }
    this.layers.push('eth');
    this.field('eth.dst', at, 6, mac(b, at));
    this.field('eth.src', at + 6, 6, mac(b, at + 6));
    const type = u16(b, at + 12);
    this.field('eth.type', at + 12, 2, `0x${type.toString(16).padStart(4, '0')}`);
    const ether = showEther ? `${mac(b, at + 6)} > ${mac(b, at)}, ethertype ${ETHERTYPE[type] ?? 'Unknown'} (0x${type.toString(16).padStart(4, '0')}), length ${b.length - at}: ` : '';
    if (type === 0x0800) return ether + this.ipv4(at + 14, showEther);
    if (type === 0x0806) return ether + this.arp(at + 14);
    if (type === 0x86dd) { this.layers.push('ipv6'); return ether + `IP6, length ${b.length - at - 14}`; }
    return ether + `ethertype ${ETHERTYPE[type] ?? 'Unknown'} (0x${type.toString(16).padStart(4, '0')}), length ${b.length - at}`;
  }

  arp(at: number): string {
    const b = this.b;
    if (b.length - at < 28) { this.truncated = true; return '[|ARP]'; }
    this.layers.push('arp');
    const op = u16(b, at + 6);
    this.field('arp.op', at + 6, 2, op);
    this.field('arp.sha', at + 8, 6, mac(b, at + 8));
    this.field('arp.spa', at + 14, 4, ip4(b, at + 14));
    this.field('arp.tha', at + 18, 6, mac(b, at + 18));
    this.field('arp.tpa', at + 24, 4, ip4(b, at + 24));
    const len = b.length - at;
    if (op === 1) return `ARP, Request who-has ${ip4(b, at + 24)} tell ${ip4(b, at + 14)}, length ${len}`;
    if (op === 2) return `ARP, Reply ${ip4(b, at + 14)} is-at ${mac(b, at + 8)}, length ${len}`;
    return `ARP, op ${op}, length ${len}`;
  }

  ipv4(at: number, showEther: boolean): string {
    const b = this.b;
    if (b.length - at < 20) { this.truncated = true; return `IP [|ip] (${b.length - at} bytes)`; }
    this.layers.push('ip');
    const ihl = (b[at]! & 0xf) * 4;
    const total = u16(b, at + 2);
    const proto = b[at + 9]!;
    const src = ip4(b, at + 12), dst = ip4(b, at + 16);
    this.field('ip.version', at, 1, b[at]! >> 4);
    this.field('ip.ihl', at, 1, ihl);
    this.field('ip.tos', at + 1, 1, b[at + 1]!);
    this.field('ip.len', at + 2, 2, total);
    this.field('ip.id', at + 4, 2, u16(b, at + 4));
    this.field('ip.frag', at + 6, 2, `0x${u16(b, at + 6).toString(16)}`);
    this.field('ip.ttl', at + 8, 1, b[at + 8]!);
    this.field('ip.proto', at + 9, 1, proto);
    this.field('ip.csum', at + 10, 2, `0x${u16(b, at + 10).toString(16).padStart(4, '0')}`);
    this.field('ip.src', at + 12, 4, src);
    this.field('ip.dst', at + 16, 4, dst);
    if ((b[at]! >> 4) !== 4 || ihl < 20) return `IP bad-hlen ${ihl} ${src} > ${dst}`;
    const l4 = at + ihl;
    const avail = Math.min(b.length, at + total) - l4;
    if (at + total > b.length) this.truncated = true;
    const missing = at + total > b.length ? ` [ip truncated: ${at + total - b.length} bytes missing]` : '';
    const fragOff = u16(b, at + 6) & 0x1fff;
    if (fragOff !== 0) return `IP ${src} > ${dst}: ip-proto-${proto}${missing} (frag offset ${fragOff * 8})`;
    if (proto === 6) return `IP ${this.tcp(l4, avail, src, dst)}${missing}`;
    if (proto === 17) return `IP ${this.udp(l4, avail, src, dst, showEther)}${missing}`;
    if (proto === 1) return `IP ${src} > ${dst}: ${this.icmp(l4, avail)}${missing}`;
    return `IP ${src} > ${dst}: ip-proto-${proto} ${Math.max(0, total - ihl)}${missing}`;
  }

  tcp(at: number, avail: number, src: string, dst: string): string {
    const b = this.b;
    if (avail < 20) { this.truncated = true; return `${src} > ${dst}: [|tcp]`; }
    this.layers.push('tcp');
    const sport = u16(b, at), dport = u16(b, at + 2);
    const seq = u32(b, at + 4), ack = u32(b, at + 8);
    const off = (b[at + 12]! >> 4) * 4;
    const flags = b[at + 13]!;
    const win = u16(b, at + 14);
    this.field('tcp.sport', at, 2, sport);
    this.field('tcp.dport', at + 2, 2, dport);
    this.field('tcp.seq', at + 4, 4, seq);
    this.field('tcp.ack', at + 8, 4, ack);
    this.field('tcp.flags', at + 13, 1, `0x${flags.toString(16).padStart(2, '0')}`);
    this.field('tcp.win', at + 14, 2, win);
    this.field('tcp.csum', at + 16, 2, `0x${u16(b, at + 16).toString(16).padStart(4, '0')}`);
    let f = '';
    if (flags & 0x02) f += 'S';
    if (flags & 0x01) f += 'F';
    if (flags & 0x04) f += 'R';
    if (flags & 0x08) f += 'P';
    if (flags & 0x20) f += 'U';
    if (flags & 0x10) f += '.';
    const len = Math.max(0, avail - off);
    const seqText = len > 0 ? `seq ${seq}:${(seq + len) >>> 0}` : `seq ${seq}`;
    return `${src}.${sport} > ${dst}.${dport}: Flags [${f || 'none'}], ${seqText}${flags & 0x10 ? `, ack ${ack}` : ''}, win ${win}, length ${len}`;
  }

  udp(at: number, avail: number, src: string, dst: string, showEther: boolean): string {
    const b = this.b;
    if (avail < 8) { this.truncated = true; return `${src} > ${dst}: [|udp]`; }
    this.layers.push('udp');
    const sport = u16(b, at), dport = u16(b, at + 2), len = u16(b, at + 4);
    this.field('udp.sport', at, 2, sport);
    this.field('udp.dport', at + 2, 2, dport);
    this.field('udp.len', at + 4, 2, len);
    this.field('udp.csum', at + 6, 2, `0x${u16(b, at + 6).toString(16).padStart(4, '0')}`);
    const head = `${src}.${sport} > ${dst}.${dport}: `;
    if (VXLAN_PORTS.has(dport) && avail >= 16) {
      this.layers.push('vxlan');
      const vni = u32(b, at + 12) >>> 8;
      this.field('vxlan.flags', at + 8, 1, `0x${b[at + 8]!.toString(16).padStart(2, '0')}`);
      this.field('vxlan.vni', at + 12, 3, vni);
      const inner = new Decoder(b.subarray(at + 16), this.prefix + 'inner.', this.base + at + 16);
      const text = inner.ethernet(0, showEther);
      this.fields.push(...inner.fields);
      this.layers.push(...inner.layers.map((l) => 'inner.' + l));
      this.truncated ||= inner.truncated;
      return `${head}VXLAN, flags [I] (0x${b[at + 8]!.toString(16).padStart(2, '0')}), vni ${vni}: ${text}`;
    }
    return `${head}UDP, length ${Math.max(0, len - 8)}`;
  }

  icmp(at: number, avail: number): string {
    const b = this.b;
    if (avail < 4) { this.truncated = true; return '[|icmp]'; }
    this.layers.push('icmp');
    const type = b[at]!, code = b[at + 1]!;
    this.field('icmp.type', at, 1, type);
    this.field('icmp.code', at + 1, 1, code);
    this.field('icmp.csum', at + 2, 2, `0x${u16(b, at + 2).toString(16).padStart(4, '0')}`);
    if ((type === 8 || type === 0) && avail >= 8) {
      this.field('icmp.id', at + 4, 2, u16(b, at + 4));
      this.field('icmp.seq', at + 6, 2, u16(b, at + 6));
      return `ICMP echo ${type === 8 ? 'request' : 'reply'}, id ${u16(b, at + 4)}, seq ${u16(b, at + 6)}, length ${avail}`;
    }
    if (type === 3) return `ICMP unreachable (code ${code}), length ${avail}`;
    if (type === 11) return `ICMP time exceeded in-transit, length ${avail}`;
    return `ICMP type ${type}, code ${code}, length ${avail}`;
  }
}

/** Decode an Ethernet frame. `ether` adds the MAC header to the summary, like tcpdump -e. */
export function decodeFrame(frame: Uint8Array, opts: { ether?: boolean } = {}): Decoded {
  const d = new Decoder(frame, '', 0);
  const summary = d.ethernet(0, opts.ether ?? false);
  return { fields: d.fields, summary, layers: d.layers, truncated: d.truncated };
}

/** The tcpdump-style one-line summary of a frame. */
export function tcpdumpLine(frame: Uint8Array, opts: { ether?: boolean } = {}): string {
  return decodeFrame(frame, opts).summary;
}

/**
 * Differences between two frames, by field where a field covers the byte ("ip.ttl: 64 ≠ 63"),
 * by offset otherwise, plus a length difference.
 */
export function diffFrames(a: Uint8Array, b: Uint8Array, max = 8): string[] {
  const out: string[] = [];
  const fa = decodeFrame(a).fields, fb = decodeFrame(b).fields;
  const seen = new Set<string>();
  const n = Math.min(a.length, b.length);
  let payloadBytes = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    if (out.length >= max) { payloadBytes++; continue; }
    const field = fa.filter((f) => i >= f.offset && i < f.offset + f.length).sort((x, y) => x.length - y.length)[0];
    if (field) {
      if (seen.has(field.name)) continue;
      seen.add(field.name);
      const other = fb.find((f) => f.name === field.name && f.offset === field.offset);
      out.push(`${field.name}: ${field.value} ≠ ${other?.value ?? hex(b.subarray(field.offset, field.offset + field.length))}`);
    } else {
      out.push(`byte ${i}: 0x${a[i]!.toString(16).padStart(2, '0')} ≠ 0x${b[i]!.toString(16).padStart(2, '0')}`);
    }
  }
  if (payloadBytes) out.push(`and ${payloadBytes} more differing bytes`);
  if (a.length !== b.length) out.push(`length: ${a.length} ≠ ${b.length}`);
  return out;
}
