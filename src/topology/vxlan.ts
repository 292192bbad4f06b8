// A VXLAN device in external (collect-metadata) mode (drivers/net/vxlan/vxlan_core.c).
// Transmit needs tunnel metadata set for transmit (bpf_skb_set_tunnel_key); the outer
// headers come from it: IPv4 to the key's remote, source = the key's local or the route's
// source; UDP to the device's port, source port = the flow hash mapped into 32768–60999
// (udp_flow_src_port); TTL = the key's or 64; TOS = the key's with the inner ECN bits;
// DF only when the key asks (TUNNEL_DONT_FRAGMENT); UDP checksum only with TUNNEL_CSUM
// (BPF_F_ZERO_CSUM_TX clears it); IP ID from the hashed generator. Receive (the UDP socket
// on the port): the VNI and outer addresses become the packet's tunnel key (TUNNEL_KEY,
// plus TUNNEL_CSUM when the outer UDP had a checksum) and the inner frame enters the
// device's receive path.

import type { SkBuff } from '../vm/skb.js';
import { ethTypeTrans, type TunnelKey } from '../vm/skb.js';
import { flowHash } from '../helpers/flow-hash.js';
import { TUNNEL } from '../helpers/tunnel.js';
import { rd32, sameMac, wr16, wr32 } from './addr.js';
import type { Device, Driver } from './device.js';
import type { IpStack } from './ip-stack.js';
import type { Datagram } from './udp.js';
import { scrub } from './skb-util.js';
import { ETH_HLEN, ETH_P_IP, PROTO, ipv4Header, l4ChecksumOf } from './wire.js';

const VXLAN_HLEN = 8;
const VXLAN_FLAG_VNI = 0x08;
const PORT_MIN = 32768;
const PORT_MAX = 60999;
const INET_ECN_MASK = 3;

/** Keys the receive path attached (RX metadata): transmitting one of these fails, as in the kernel. */
const received = new WeakSet<TunnelKey>();

export class VxlanDriver implements Driver {
  constructor(
    readonly dev: Device,
    private readonly stack: IpStack,
    readonly port: number,
    /** The per-boot seed of the flow dissector hash. */
    private readonly hashSeed: number,
  ) {
    dev.driver = this;
    stack.udp.bind(port, (d) => this.rcv(d));
  }

  /** vxlan_xmit → vxlan_xmit_one. */
  xmit(dev: Device, skb: SkBuff): void {
    const key = skb.tunnelKey;
    const log = this.stack.net.log;
    if (!key || received.has(key)) return log.note(dev.point, 'dropped: no tunnel metadata for transmit');
    if (key.dstIpv6) return log.note(dev.point, 'dropped: IPv6 tunnel endpoints are not modelled');
    const route = this.stack.route(key.dstIpv4);
    if (!route) return log.note(dev.point, 'dropped: no route to the tunnel endpoint');
    const inner = skb.packet.data();
    const hash = skb.hashValid ? skb.hash : flowHash(inner, this.hashSeed);
    const h = (hash ^ (hash << 16)) >>> 0;
    const sport = Math.floor((h * (PORT_MAX - PORT_MIN)) / 2 ** 32) + PORT_MIN;
    const innerTos = inner.length >= ETH_HLEN + 20 && ((inner[12]! << 8) | inner[13]!) === ETH_P_IP ? inner[ETH_HLEN + 1]! : 0;
    const src = key.srcIpv4 || this.stack.sourceFor(route);
    const dst = key.dstIpv4;

    const udpLen = 8 + VXLAN_HLEN + inner.length;
    const outer = new Uint8Array(ETH_HLEN + 20 + 8 + VXLAN_HLEN);
    const udp = outer.subarray(ETH_HLEN + 20);
    wr16(udp, 0, sport);
    wr16(udp, 2, this.port);
    wr16(udp, 4, udpLen);
    udp[8] = VXLAN_FLAG_VNI;
    wr32(udp, 12, (key.tunnelId & 0xffffff) << 8);
    const ip = ipv4Header({
      src, dst, proto: PROTO.UDP, ttl: key.ttl || 64, tos: ecnEncap(key.tos, innerTos),
      df: (key.flags & TUNNEL.DONT_FRAGMENT) !== 0, id: this.stack.ids.hashed(src, dst, PROTO.UDP),
    }, udpLen);
    outer.set(ip, ETH_HLEN);

    if (!skb.packet.adjustHead(-outer.length)) return log.note(dev.point, 'dropped: no headroom for the outer headers');
    const d = skb.packet.data();
    d.set(outer);
    if (key.flags & TUNNEL.CSUM) wr16(d, ETH_HLEN + 26, l4ChecksumOf(src, dst, PROTO.UDP, d.subarray(ETH_HLEN + 20)) || 0xffff);
    scrub(skb, false); // iptunnel_xmit: the metadata dst goes, the mark stays
    this.stack.sendSkb(skb, dst);
  }

  /** vxlan_rcv, from the UDP socket. */
  private rcv(d: Datagram): void {
    const log = this.stack.net.log;
    const p = d.payload;
    if (p.length < VXLAN_HLEN + ETH_HLEN) return log.note(this.dev.point, 'dropped: VXLAN packet too short');
    if (p[0] !== VXLAN_FLAG_VNI || p[1] !== 0 || p[2] !== 0 || p[3] !== 0 || p[7] !== 0) return log.note(this.dev.point, 'dropped: VXLAN header flags');
    const vni = rd32(p, 4) >>> 8;
    const skb = d.skb;
    const innerStart = ETH_HLEN + d.ip.ihl + 8 + VXLAN_HLEN;
    const innerEnd = ETH_HLEN + d.ip.ihl + d.payload.length + 8;
    skb.packet.resize(innerEnd);
    skb.packet.adjustHead(innerStart);
    const key: TunnelKey = {
      tunnelId: vni, srcIpv4: d.ip.src, dstIpv4: d.ip.dst, tos: d.ip.tos, ttl: d.ip.ttl, label: 0,
      flags: TUNNEL.KEY | (d.checksummed ? TUNNEL.CSUM : 0),
    };
    scrub(skb, false);
    ethTypeTrans(skb, this.dev.mac);
    if (sameMac(skb.packet.data().subarray(6, 12), this.dev.mac)) return log.note(this.dev.point, 'dropped: VXLAN loop (own source MAC)');
    received.add(key);
    skb.tunnelKey = key;
    // gro_cells: the inner frame is received on the device from NAPI, after this packet.
    this.stack.net.enqueueRx(this.dev, skb, 0);
  }
}

/** INET_ECN_encapsulate: the outer TOS keeps its DSCP and takes the inner ECN (CE → ECT(0)). */
function ecnEncap(outer: number, inner: number): number {
  const ecn = inner & INET_ECN_MASK;
  return (outer & ~INET_ECN_MASK) | (ecn === INET_ECN_MASK ? 2 : ecn);
}
