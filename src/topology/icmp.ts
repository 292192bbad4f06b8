// ICMP of one namespace (net/ipv4/icmp.c): echo replies, errors (rate limited per peer as
// icmp_ratelimit does: 1/s, burst 6, for unreachable/time-exceeded), and the demultiplexing
// of echo replies to ping sockets by identifier.

import type { SkBuff } from '../vm/skb.js';
import { internetChecksum } from '../packet/csum.js';
import { rd16, type Ip4 } from './addr.js';
import type { Device } from './device.js';
import type { IpStack } from './ip-stack.js';
import { PeerRateLimit } from './rate-limit.js';
import { SEC } from './scheduler.js';
import { ETH_HLEN, PROTO, icmpMessage, readIpv4, type Ipv4View } from './wire.js';

export const ICMP = { ECHO_REPLY: 0, DEST_UNREACH: 3, ECHO: 8, TIME_EXCEEDED: 11 } as const;

/** The first 576 bytes of the error datagram may carry: 576 − IP header − ICMP header. */
const ERROR_ROOM = 576 - 20 - 8;
const IPTOS_PREC_INTERNETCONTROL = 0xc0;
const IPTOS_TOS_MASK = 0x1e;

export interface EchoEvent { place: string; src: Ip4; dst: Ip4; id: number; seq: number }
export interface IcmpErrorEvent { place: string; from: Ip4; type: number; code: number; orig: Ipv4View; origL4: Uint8Array }

export class Icmp {
  /** Ping sockets by identifier. */
  readonly ping = new Map<number, (src: Ip4, seq: number, payload: Uint8Array) => void>();
  /** Observers: a request reached this host; an error came back. */
  onEchoRequest: ((e: EchoEvent) => void) | null = null;
  readonly errorListeners: ((e: IcmpErrorEvent) => void)[] = [];
  private readonly errorLimit = new PeerRateLimit(1 * SEC, 6);
  /** ip_error's own bucket for unreachable routes (1 s cost, burst 5). */
  private readonly routeErrorLimit = new PeerRateLimit(1 * SEC, 5);

  constructor(private readonly stack: IpStack) {}

  receive(dev: Device, skb: SkBuff, ip: Ipv4View, msg: Uint8Array): void {
    if (msg.length < 8 || internetChecksum(msg) !== 0) return this.stack.net.log.note(dev.point, 'dropped: ICMP checksum or length');
    const type = msg[0]!;
    if (type === ICMP.ECHO) {
      if (!this.stack.isLocal(ip.dst)) return; // icmp_echo_ignore_broadcasts
      this.onEchoRequest?.({ place: this.stack.place, src: ip.src, dst: ip.dst, id: rd16(msg, 4), seq: rd16(msg, 6) });
      // icmp_reply: from the address asked, same TOS, no DF (the ICMP socket does not set it).
      const reply = icmpMessage(ICMP.ECHO_REPLY, 0, (rd16(msg, 4) << 16) | rd16(msg, 6), msg.subarray(8));
      this.stack.send({ src: ip.dst, dst: ip.src, proto: PROTO.ICMP, df: false, tos: ip.tos }, reply);
      return;
    }
    if (type === ICMP.ECHO_REPLY) {
      this.ping.get(rd16(msg, 4))?.(ip.src, rd16(msg, 6), msg.subarray(8));
      return;
    }
    if (type === ICMP.DEST_UNREACH || type === ICMP.TIME_EXCEEDED) {
      const orig = readIpv4(msg, 8);
      if (!orig) return;
      const e = { place: this.stack.place, from: ip.src, type, code: msg[1]!, orig, origL4: msg.subarray(8 + orig.ihl) };
      for (const l of this.errorListeners) l(e);
    }
  }

  /** icmp_send about the packet in `skb` (its IPv4 header right after Ethernet). */
  sendError(skb: SkBuff, type: number, code: number, info: number): void {
    const frame = skb.packet.data();
    const ip = readIpv4(frame, ETH_HLEN);
    if (!ip) return;
    // Never about an ICMP error, a fragment after the first, or a non-unicast destination.
    if (ip.proto === PROTO.ICMP) {
      const t = frame[ETH_HLEN + ip.ihl];
      if (t !== ICMP.ECHO && t !== ICMP.ECHO_REPLY) return;
    }
    if ((ip.fragField & 0x1fff) !== 0 || ip.dst === 0xffffffff || ip.dst >>> 28 === 0xe) return;
    if (!this.errorLimit.allow(ip.src, this.stack.net.sched.now)) return;
    const orig = frame.subarray(ETH_HLEN, ETH_HLEN + Math.min(ip.totalLength, ERROR_ROOM));
    const rest = type === ICMP.DEST_UNREACH && code === 4 ? info & 0xffff : 0;
    const msg = icmpMessage(type, code, rest, orig);
    // The packet's destination when it was ours, else the address the route back picks.
    const src = this.stack.isLocal(ip.dst) ? ip.dst : undefined;
    this.stack.send({ ...(src !== undefined ? { src } : {}), dst: ip.src, proto: PROTO.ICMP, df: false, tos: (ip.tos & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL }, msg);
  }

  /** ip_error for a forwarded packet with no route: ICMP net unreachable, rate limited. */
  routeError(skb: SkBuff, ip: Ipv4View): void {
    if (!this.routeErrorLimit.allow(ip.src, this.stack.net.sched.now)) return;
    this.sendError(skb, ICMP.DEST_UNREACH, 0, 0);
  }
}
