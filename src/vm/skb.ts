// The socket buffer a tc (SCHED_CLS) program sees, and the kernel's rewriting of __sk_buff
// context accesses into it: which fields a tc program may read or write, with what sizes,
// and what each read returns. Offsets are those of struct __sk_buff in linux/bpf.h.

import { PacketBuffer } from '../packet/buffer.js';
import { CtxAccessor, Region, RegPair } from './memory.js';
import { FaultSignal } from './fault.js';

export const SKB_CTX_SIZE = 192;

export const SKB = {
  len: 0, pkt_type: 4, mark: 8, queue_mapping: 12, protocol: 16, vlan_present: 20, vlan_tci: 24,
  vlan_proto: 28, priority: 32, ingress_ifindex: 36, ifindex: 40, tc_index: 44, cb: 48, hash: 68,
  tc_classid: 72, data: 76, data_end: 80, napi_id: 84, family: 88, local_port: 136, data_meta: 140,
  flow_keys: 144, tstamp: 152, wire_len: 160, gso_segs: 164, sk: 168, gso_size: 176,
  tstamp_type: 180, hwtstamp: 184,
} as const;

export const PACKET_TYPE = { HOST: 0, BROADCAST: 1, MULTICAST: 2, OTHERHOST: 3 } as const;

/**
 * Tunnel metadata carried with a packet (a metadata dst, as collect-metadata devices such as
 * VXLAN in external mode use), in the kernel's own terms: the OUTER header's source and
 * destination. bpf_skb_set_tunnel_key stores remote → dst and local → src (for transmit);
 * bpf_skb_get_tunnel_key reports src as remote and dst as local (for receive).
 */
export interface TunnelKey {
  tunnelId: number;
  /** Outer IPv4 source/destination, host byte order. */
  srcIpv4: number;
  dstIpv4: number;
  srcIpv6?: Uint8Array;
  dstIpv6?: Uint8Array;
  tos: number;
  ttl: number;
  label: number;
  /** The kernel's TUNNEL_* flags (TUNNEL_CSUM 0x1, TUNNEL_KEY 0x4, TUNNEL_SEQ 0x8, TUNNEL_DONT_FRAGMENT 0x100, TUNNEL_NOCACHE 0x2000). */
  flags: number;
}

/** The state of one packet in flight through tc hooks. */
export class SkBuff {
  protocol = 0; // ETH_P_* in host order (skb->protocol is big-endian; reads convert)
  pktType: number = PACKET_TYPE.HOST;
  mark = 0;
  priority = 0;
  queueMapping = 0;
  ifindex = 1;
  ingressIfindex = 0;
  tcIndex = 0;
  tcClassid = 0;
  hash = 0;
  /** Whether `hash` is a valid flow hash (l4 or software); cleared by bpf_set_hash_invalid. */
  hashValid = false;
  cb = new Uint32Array(5);
  vlanTci = 0;
  vlanProto = 0; // host order; 0 = no VLAN tag in metadata
  tstamp = 0n;
  wireLen = 0;
  gsoSegs = 0;
  gsoSize = 0;
  hwtstamp = 0n;
  napiId = 0;
  tunnelKey: TunnelKey | null = null;
  /** skb->ip_summed: what the L4 checksum field holds (CHECKSUM_NONE in BPF_PROG_TEST_RUN). */
  ipSummed: 'none' | 'partial' | 'complete' = 'none';
  /** bpf_skb_change_type / ingress vs egress hook, where a helper's behaviour depends on it. */
  ingress = false;

  constructor(public packet: PacketBuffer) {
    this.wireLen = packet.length;
  }

  get len(): number {
    return this.packet.length;
  }

  /** BPF_ABS/BPF_IND loads: big-endian, at an offset from skb->data (the MAC header for tc); undefined past the end. */
  legacyLoad(offset: number, size: number): number | undefined {
    if (offset < 0 || offset + size > this.len) return undefined;
    const d = this.packet.data();
    let v = 0;
    for (let i = 0; i < size; i++) v = (v * 256 + d[offset + i]!) >>> 0;
    return v;
  }
}

const ETHER_BROADCAST = new Uint8Array(6).fill(0xff);

/**
 * Set protocol and pkt_type from the Ethernet header, as eth_type_trans() does on a device
 * with address `devMac` and broadcast address `devBroadcast`.
 */
export function ethTypeTrans(skb: SkBuff, devMac: Uint8Array = new Uint8Array(6), devBroadcast: Uint8Array = ETHER_BROADCAST): void {
  const d = skb.packet.data();
  if (d.length < 14) return;
  const dst = d.subarray(0, 6);
  if (dst.every((b, i) => b === devMac[i])) skb.pktType = PACKET_TYPE.HOST;
  else if (dst[0]! & 1) skb.pktType = dst.every((b, i) => b === devBroadcast[i]) ? PACKET_TYPE.BROADCAST : PACKET_TYPE.MULTICAST;
  else skb.pktType = PACKET_TYPE.OTHERHOST;
  const proto = (d[12]! << 8) | d[13]!;
  if (proto >= 0x600) skb.protocol = proto;
  else skb.protocol = d.length >= 16 && d[14] === 0xff && d[15] === 0xff ? 0x0001 /* ETH_P_802_3 */ : 0x0004; /* ETH_P_802_2 */
}

const WRITABLE = new Set<number>([SKB.mark, SKB.priority, SKB.tc_index, SKB.tc_classid, SKB.queue_mapping,
  SKB.cb, SKB.cb + 4, SKB.cb + 8, SKB.cb + 12, SKB.cb + 16]);

function bswap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >> 8) & 0xff);
}

/**
 * The __sk_buff context of a tc program: loads and stores are checked like the verifier's
 * tc_cls_act_is_valid_access and answered like the kernel's convert_ctx_access rewriting.
 */
export class SkbContext implements CtxAccessor {
  /** `packetRegion` and `region` are the runtime's long-lived packet and ctx regions, bound here to this skb. */
  constructor(readonly skb: SkBuff, readonly packetRegion: Region, readonly region: Region) {
    region.name = 'ctx (__sk_buff)';
    region.ctx = this;
    region.setBounds(0, 0, false); // every access takes the accessor path
    this.syncPacket();
  }

  /** Point the packet region at the current packet bytes (after any helper changed them). */
  syncPacket(): void {
    const p = this.skb.packet;
    this.packetRegion.rebind(p.buf, Math.min(p.meta, p.head), p.tail, true);
  }

  load(off: number, size: number, out: RegPair): void {
    const s = this.skb;
    out.hi = 0;
    const pointer = (at: number) => { out.lo = this.packetRegion.addrLo(at); out.hi = this.packetRegion.addrHi; };
    if (off === SKB.data || off === SKB.data_end || off === SKB.data_meta) {
      if (size !== 4) this.deny(off, size, 'read', 'packet pointers are read with 4-byte loads');
      pointer(off === SKB.data ? s.packet.head : off === SKB.data_end ? s.packet.tail : s.packet.meta);
      return;
    }
    if (off === SKB.tstamp || off === SKB.hwtstamp) {
      if (size !== 8) this.deny(off, size, 'read', 'timestamps are read with 8-byte loads');
      const v = off === SKB.tstamp ? s.tstamp : s.hwtstamp;
      out.lo = Number(BigInt.asIntN(32, v));
      out.hi = Number(BigInt.asIntN(32, v >> 32n));
      return;
    }
    if (off === SKB.sk) {
      if (size !== 8) this.deny(off, size, 'read', 'skb->sk is read with an 8-byte load');
      out.lo = 0; // dpsim models no socket attached to the skb: NULL
      return;
    }
    if (off === SKB.tstamp_type) {
      if (size !== 1) this.deny(off, size, 'read', 'tstamp_type is one byte');
      out.lo = 0;
      return;
    }
    if (off >= SKB.cb && off < SKB.cb + 20) return this.loadCb(off, size, out);
    const field = off & ~3;
    if ((off >= SKB.family && off < SKB.data_meta) || off === SKB.flow_keys || off === SKB.flow_keys + 4 || off >= SKB_CTX_SIZE || off < 0) {
      this.deny(off, size, 'read', 'the field is not readable from a tc program');
    }
    if (off % size !== 0 || off + size > field + 4) this.deny(off, size, 'read', 'misaligned or oversized access');
    const v = this.fieldValue(field);
    const shift = (off - field) * 8;
    out.lo = size === 4 ? v | 0 : (v >>> shift) & (size === 2 ? 0xffff : 0xff);
  }

  private fieldValue(field: number): number {
    const s = this.skb;
    switch (field) {
      case SKB.len: return s.len;
      case SKB.pkt_type: return s.pktType;
      case SKB.mark: return s.mark;
      case SKB.queue_mapping: return s.queueMapping;
      case SKB.protocol: return bswap16(s.protocol);
      case SKB.vlan_present: return s.vlanProto !== 0 ? 1 : 0;
      case SKB.vlan_tci: return s.vlanTci;
      case SKB.vlan_proto: return bswap16(s.vlanProto);
      case SKB.priority: return s.priority;
      case SKB.ingress_ifindex: return s.ingressIfindex;
      case SKB.ifindex: return s.ifindex;
      case SKB.tc_index: return s.tcIndex;
      case SKB.hash: return s.hash;
      case SKB.tc_classid: return s.tcClassid;
      case SKB.napi_id: return s.napiId;
      case SKB.wire_len: return s.wireLen;
      case SKB.gso_segs: return s.gsoSegs;
      case SKB.gso_size: return s.gsoSize;
      default:
        if (field >= SKB.cb && field < SKB.cb + 20) return s.cb[(field - SKB.cb) / 4]!;
        this.deny(field, 4, 'read', 'unknown field');
    }
  }

  store(off: number, size: number, lo: number, hi: number): void {
    const s = this.skb;
    if (off === SKB.tstamp) {
      if (size !== 8) this.deny(off, size, 'write', 'tstamp is written with an 8-byte store');
      s.tstamp = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      return;
    }
    if (off >= SKB.cb && off < SKB.cb + 20) return this.storeCb(off, size, lo, hi);
    if (!WRITABLE.has(off)) this.deny(off, size, 'write', 'the field is read-only for tc programs');
    if (size !== 4) this.deny(off, size, 'write', 'context fields are written with 4-byte stores');
    const v = lo >>> 0;
    switch (off) {
      case SKB.mark: s.mark = v; break;
      case SKB.priority: s.priority = v; break;
      case SKB.tc_index: s.tcIndex = v & 0xffff; break;
      case SKB.tc_classid: s.tcClassid = v; break;
      case SKB.queue_mapping: if (v < 0xffff) s.queueMapping = v; break; // the kernel ignores NO_QUEUE_MAPPING
      default: s.cb[(off - SKB.cb) / 4] = v;
    }
  }

  /**
   * cb[] is plain scratch memory: bpf_skb_is_valid_access lets loads and stores of any size
   * (1, 2, 4, 8) through as long as they are size-aligned and stay inside cb[0..4] (clang
   * merges `cb[0] = a; cb[1] = b;` into one 8-byte store).
   */
  private cbBytes(off: number, size: number, what: string): Uint8Array {
    if (off % size !== 0 || off + size > SKB.cb + 20) this.deny(off, size, what, 'misaligned or past cb[4]');
    const cb = this.skb.cb;
    return new Uint8Array(cb.buffer, cb.byteOffset + off - SKB.cb, size);
  }

  private loadCb(off: number, size: number, out: RegPair): void {
    const word = (off - SKB.cb) >> 2;
    if (size === 4 && (off & 3) === 0) { out.lo = this.skb.cb[word]! | 0; out.hi = 0; return; } // the common case
    const b = this.cbBytes(off, size, 'read');
    let lo = 0;
    for (let i = Math.min(size, 4) - 1; i >= 0; i--) lo = lo * 256 + b[i]!;
    out.lo = lo | 0;
    out.hi = size === 8 ? (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) : 0;
  }

  private storeCb(off: number, size: number, lo: number, hi: number): void {
    if (size === 4 && (off & 3) === 0) { this.skb.cb[(off - SKB.cb) >> 2] = lo; return; }
    const b = this.cbBytes(off, size, 'write');
    for (let i = 0; i < size; i++) b[i] = ((i < 4 ? lo : hi) >>> (8 * (i % 4))) & 0xff;
  }

  private deny(off: number, size: number, what: string, why: string): never {
    const name = Object.entries(SKB).filter(([, o]) => o <= off).sort((a, b) => b[1] - a[1])[0]?.[0] ?? '?';
    throw new FaultSignal('ctx-access', `invalid ${what} of ${size} bytes at __sk_buff offset ${off} (${name}): ${why}`, {
      size, region: { name: this.region.name, start: 0, end: SKB_CTX_SIZE, offset: off },
    });
  }

  /** struct __sk_buff as BPF_PROG_TEST_RUN returns it in ctx_out (the fields the kernel copies back). */
  toCtxOut(): Uint8Array {
    const s = this.skb;
    const out = new Uint8Array(SKB_CTX_SIZE);
    const v = new DataView(out.buffer);
    v.setUint32(SKB.mark, s.mark, true);
    v.setUint32(SKB.priority, s.priority, true);
    v.setUint32(SKB.ingress_ifindex, s.ingressIfindex, true);
    v.setUint32(SKB.ifindex, s.ifindex, true);
    for (let i = 0; i < 5; i++) v.setUint32(SKB.cb + 4 * i, s.cb[i]!, true);
    v.setBigUint64(SKB.tstamp, s.tstamp, true);
    v.setUint32(SKB.wire_len, s.wireLen, true);
    v.setUint32(SKB.gso_segs, s.gsoSegs, true);
    v.setUint32(SKB.gso_size, s.gsoSize, true);
    v.setBigUint64(SKB.hwtstamp, s.hwtstamp, true);
    return out;
  }
}

/**
 * Apply a ctx_in (struct __sk_buff) as BPF_PROG_TEST_RUN does: only some fields may be set;
 * any other non-zero byte is refused with EINVAL, like the kernel.
 */
/** Bytes of struct __sk_buff that ctx_in may set (BPF_PROG_TEST_RUN refuses the others). */
const CTX_IN_SETTABLE = new Uint8Array(SKB_CTX_SIZE);
for (const [o, n] of [[SKB.mark, 4], [SKB.priority, 4], [SKB.ingress_ifindex, 4], [SKB.ifindex, 4], [SKB.cb, 20],
  [SKB.tstamp, 8], [SKB.wire_len, 4], [SKB.gso_segs, 4], [SKB.gso_size, 4], [SKB.hwtstamp, 8]] as const) CTX_IN_SETTABLE.fill(1, o, o + n);

export function applyCtxIn(skb: SkBuff, ctx: Uint8Array): void {
  if (ctx.length > SKB_CTX_SIZE) throw new CtxInError(`ctx_in is ${ctx.length} bytes, larger than struct __sk_buff (${SKB_CTX_SIZE})`);
  const buf = new Uint8Array(SKB_CTX_SIZE);
  buf.set(ctx);
  const v = new DataView(buf.buffer);
  for (let i = 0; i < SKB_CTX_SIZE; i++) {
    if (buf[i] !== 0 && CTX_IN_SETTABLE[i] === 0) {
      throw new CtxInError(`ctx_in sets byte ${i} of struct __sk_buff, which BPF_PROG_TEST_RUN does not accept (EINVAL)`);
    }
  }
  skb.mark = v.getUint32(SKB.mark, true);
  skb.priority = v.getUint32(SKB.priority, true);
  skb.ingressIfindex = v.getUint32(SKB.ingress_ifindex, true);
  const ifindex = v.getUint32(SKB.ifindex, true);
  if (ifindex > 1) skb.ifindex = ifindex;
  for (let i = 0; i < 5; i++) skb.cb[i] = v.getUint32(SKB.cb + 4 * i, true);
  skb.tstamp = v.getBigUint64(SKB.tstamp, true);
  const wire = v.getUint32(SKB.wire_len, true);
  if (wire !== 0) {
    if (wire < skb.len) throw new CtxInError(`ctx_in wire_len ${wire} is less than the packet length ${skb.len} (EINVAL)`);
    if (wire > GSO_LEGACY_MAX_SIZE) throw new CtxInError(`ctx_in wire_len ${wire} is over GSO_LEGACY_MAX_SIZE ${GSO_LEGACY_MAX_SIZE} (EINVAL)`);
    skb.wireLen = wire;
  }
  skb.gsoSegs = v.getUint32(SKB.gso_segs, true);
  if (skb.gsoSegs > GSO_MAX_SEGS) throw new CtxInError(`ctx_in gso_segs ${skb.gsoSegs} is over GSO_MAX_SEGS ${GSO_MAX_SEGS} (EINVAL)`);
  skb.gsoSize = v.getUint32(SKB.gso_size, true);
  skb.hwtstamp = v.getBigUint64(SKB.hwtstamp, true);
}

const GSO_LEGACY_MAX_SIZE = 65536;
const GSO_MAX_SEGS = 65535;

export class CtxInError extends Error {}
