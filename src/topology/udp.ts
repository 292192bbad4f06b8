// UDP of one namespace: sockets by local port (bound to any address), checksum and length
// checks, ICMP port unreachable for a closed port (as Linux sends it, rate limited).

import type { SkBuff } from '../vm/skb.js';
import { rd16, type Ip4 } from './addr.js';
import type { Device } from './device.js';
import type { IpStack, SendResult } from './ip-stack.js';
import { ICMP } from './icmp.js';
import { PROTO, l4ChecksumOf, udpDatagram, type Ipv4View } from './wire.js';

export interface Datagram {
  src: Ip4;
  dst: Ip4;
  sport: number;
  dport: number;
  payload: Uint8Array;
  /** The datagram carried a UDP checksum (0 means none, allowed over IPv4). */
  checksummed: boolean;
  ip: Ipv4View;
  skb: SkBuff;
  dev: Device;
}

export type UdpHandler = (d: Datagram) => void;

export class Udp {
  private readonly sockets = new Map<number, UdpHandler>();

  constructor(private readonly stack: IpStack) {}

  bind(port: number, handler: UdpHandler): void {
    if (this.sockets.has(port)) throw new Error(`${this.stack.place}: UDP port ${port} already bound`);
    this.sockets.set(port, handler);
  }

  unbind(port: number): void {
    this.sockets.delete(port);
  }

  receive(dev: Device, skb: SkBuff, ip: Ipv4View, seg: Uint8Array): void {
    if (seg.length < 8) return this.stack.net.log.note(dev.point, 'dropped: truncated UDP header');
    const len = rd16(seg, 4);
    if (len < 8 || len > seg.length) return this.stack.net.log.note(dev.point, 'dropped: bad UDP length');
    const d = seg.subarray(0, len);
    if (rd16(d, 6) !== 0 && l4ChecksumOf(ip.src, ip.dst, PROTO.UDP, d) !== 0) return this.stack.net.log.note(dev.point, 'dropped: UDP checksum');
    const dport = rd16(d, 2);
    const handler = this.sockets.get(dport);
    if (!handler) {
      if (this.stack.isLocal(ip.dst)) this.stack.icmp.sendError(skb, ICMP.DEST_UNREACH, 3 /* port unreachable */, 0);
      return;
    }
    handler({ src: ip.src, dst: ip.dst, sport: rd16(d, 0), dport, payload: d.subarray(8), checksummed: rd16(d, 6) !== 0, ip, skb, dev });
  }

  /** sendto on an unconnected socket: DF (PMTU discovery "want"), IP ID 0. */
  send(sport: number, dst: Ip4, dport: number, payload: Uint8Array, src?: Ip4): SendResult {
    const r = this.stack.route(dst);
    if (!r) return 'unreachable';
    const from = src ?? this.stack.sourceFor(r);
    return this.stack.send({ src: from, dst, proto: PROTO.UDP, df: true, id: 0 }, udpDatagram(from, dst, sport, dport, payload));
  }
}
