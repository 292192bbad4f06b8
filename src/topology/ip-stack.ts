// The IPv4 layer of one namespace: addresses, routes, ip_rcv's checks, local delivery,
// forwarding (TTL − 1, ICMP errors), and output through the neighbour table. Linux's weak
// host model: an address of any device is local to the whole namespace.

import type { SkBuff } from '../vm/skb.js';
import { PACKET_TYPE } from '../vm/skb.js';
import type { FibTable, Prng } from '../vm/env.js';
import { inPrefix, ip4, ip4Text, macText, type Ip4 } from './addr.js';
import type { Device, L3, Namespace } from './device.js';
import type { NetCore } from './netcore.js';
import { Neighbours, type NeighbourHost } from './neighbour.js';
import { IpIds } from './ip-id.js';
import { Icmp, ICMP } from './icmp.js';
import { Udp } from './udp.js';
import { Tcp } from './tcp.js';
import { newSkb, resetCb } from './skb-util.js';
import { ETH_HLEN, ETH_P_ARP, ETH_P_IP, IP_DF, PROTO, ipv4Header, ipv4HeaderValid, readIpv4, refreshIpv4Checksum, type Ipv4Fields, type Ipv4View } from './wire.js';

export interface Route {
  net: Ip4;
  len: number;
  dev: Device;
  gateway?: Ip4;
  /** Preferred source address. */
  src?: Ip4;
}

export interface Address {
  ip: Ip4;
  len: number;
  dev: Device;
}

/** A datagram this host sends: header fields the caller decides, the rest from the route. */
export interface Outgoing {
  src?: Ip4;
  dst: Ip4;
  proto: number;
  df: boolean;
  /** An explicit IP ID (a socket's counter, or 0); omitted: the hashed generator. */
  id?: number;
  tos?: number;
  ttl?: number;
}

export type SendResult = 'sent' | 'unreachable' | 'too-big';

export const DEFAULT_TTL = 64;

export class IpStack implements L3, NeighbourHost {
  forwarding = false;
  readonly addrs: Address[] = [];
  readonly routes: Route[] = [];
  readonly neigh: Neighbours;
  readonly ids: IpIds;
  readonly icmp: Icmp;
  readonly udp: Udp;
  readonly tcp: Tcp;
  private fibCache: FibTable | null = null;

  constructor(readonly ns: Namespace, readonly net: NetCore, readonly rng: Prng) {
    this.neigh = new Neighbours(this);
    this.ids = new IpIds(rng);
    this.icmp = new Icmp(this);
    this.udp = new Udp(this);
    this.tcp = new Tcp(this);
    ns.l3 = this;
  }

  get place(): string {
    return this.ns.place;
  }

  addAddress(dev: Device, ip: Ip4, len: number): void {
    this.addrs.push({ ip, len, dev });
    // The kernel adds the prefix route of an address (none for /32).
    if (len < 32) this.addRoute({ net: ip, len, dev, src: ip });
  }

  addRoute(r: Route): void {
    this.routes.push({ ...r, net: (r.net & (r.len === 0 ? 0 : (0xffffffff << (32 - r.len)) >>> 0)) >>> 0 });
    this.fibCache = null;
  }

  isLocal(ip: Ip4): boolean {
    return this.addrs.some((a) => a.ip === ip) || ip >>> 24 === 127;
  }

  private isBroadcast(ip: Ip4): boolean {
    return ip === 0xffffffff || this.addrs.some((a) => a.len < 31 && ((a.ip | ~(0xffffffff << (32 - a.len))) >>> 0) === ip);
  }

  /** The longest matching route. */
  route(dst: Ip4): Route | null {
    let best: Route | null = null;
    for (const r of this.routes) if (inPrefix(dst, r.net, r.len) && (!best || r.len > best.len)) best = r;
    return best;
  }

  /** inet_select_addr: an address of the device, else the namespace's first. */
  addressFor(dev: Device): Ip4 {
    return (this.addrs.find((a) => a.dev === dev) ?? this.addrs[0])?.ip ?? 0;
  }

  sourceFor(r: Route): Ip4 {
    return r.src ?? this.addressFor(r.dev);
  }

  onNeighbourChange(): void {
    this.fibCache = null;
  }

  /** What bpf_fib_lookup sees in this namespace. */
  fib(): FibTable {
    if (this.fibCache) return this.fibCache;
    const neighbours: Record<string, string> = {};
    for (const n of this.neigh.resolved()) neighbours[ip4Text(n.ip)] = macText(n.mac);
    this.fibCache = {
      routes: this.routes.map((r) => ({ prefix: `${ip4Text(r.net)}/${r.len}`, ifindex: r.dev.ifindex, ...(r.gateway !== undefined ? { gateway: ip4Text(r.gateway) } : {}) })),
      neighbours,
      devices: Object.fromEntries(this.ns.devices.map((d) => [d.ifindex, { mac: macText(d.mac), mtu: d.mtu }])),
    };
    return this.fibCache;
  }

  // ---- input ----

  receive(dev: Device, skb: SkBuff): void {
    if (skb.protocol === ETH_P_ARP) return this.neigh.receive(dev, skb);
    if (skb.protocol !== ETH_P_IP) return; // IPv6 is disabled everywhere; other types have no handler
    this.ipRcv(dev, skb);
  }

  /** ip_rcv_core + ip_rcv_finish. */
  private ipRcv(dev: Device, skb: SkBuff): void {
    if (skb.pktType === PACKET_TYPE.OTHERHOST) {
      // On a bridged segment that is flooding at work; elsewhere (an lxc) it is worth a note.
      const flooded = !!dev.peer?.master;
      return this.net.log.note(dev.point, 'dropped by ip_rcv: PACKET_OTHERHOST (the destination MAC is not the device\'s)', flooded);
    }
    const frame = skb.packet.data();
    if (!ipv4HeaderValid(frame, ETH_HLEN)) return this.net.log.note(dev.point, 'dropped by ip_rcv: invalid IPv4 header');
    const ip = readIpv4(frame, ETH_HLEN)!;
    if (skb.len > ETH_HLEN + ip.totalLength) skb.packet.resize(ETH_HLEN + ip.totalLength); // Ethernet padding
    resetCb(skb);
    if (this.isLocal(ip.dst) || this.isBroadcast(ip.dst)) return this.deliver(dev, skb, ip);
    if (!this.forwarding) return; // ip_error on a host: a silent drop
    this.forward(dev, skb, ip);
  }

  /** ip_local_deliver: L4 by protocol. */
  private deliver(dev: Device, skb: SkBuff, ip: Ipv4View): void {
    if ((ip.fragField & 0x3fff) !== 0) return this.net.log.note(dev.point, 'dropped: IPv4 fragment (reassembly not modelled)');
    const l4 = skb.packet.data().subarray(ETH_HLEN + ip.ihl, ETH_HLEN + ip.totalLength);
    switch (ip.proto) {
      case PROTO.ICMP: return this.icmp.receive(dev, skb, ip, l4);
      case PROTO.UDP: return this.udp.receive(dev, skb, ip, l4);
      case PROTO.TCP: return this.tcp.receive(dev, skb, ip, l4);
      default:
        this.icmp.sendError(skb, ICMP.DEST_UNREACH, 2 /* protocol unreachable */, 0);
    }
  }

  /** ip_forward. */
  private forward(dev: Device, skb: SkBuff, ip: Ipv4View): void {
    const r = this.route(ip.dst);
    if (!r) {
      this.net.log.note(dev.point, `no route to ${ip4Text(ip.dst)}: dropped, ICMP net unreachable`);
      return this.icmp.routeError(skb, ip);
    }
    if (ip.ttl <= 1) {
      this.net.log.note(dev.point, `TTL expired forwarding to ${ip4Text(ip.dst)}`);
      return this.icmp.sendError(skb, ICMP.TIME_EXCEEDED, 0, 0);
    }
    if (ip.totalLength > r.dev.mtu) {
      if (ip.fragField & IP_DF) return this.icmp.sendError(skb, ICMP.DEST_UNREACH, 4 /* frag needed */, r.dev.mtu);
      return this.net.log.note(dev.point, 'dropped: would need fragmentation (not modelled)');
    }
    const frame = skb.packet.data();
    frame[ETH_HLEN + 8] = ip.ttl - 1;
    refreshIpv4Checksum(frame, ETH_HLEN);
    this.neigh.output(r.dev, r.gateway ?? ip.dst, skb);
  }

  // ---- output ----

  /** ip_local_out for a datagram built here. */
  send(o: Outgoing, payload: Uint8Array, mark = 0): SendResult {
    const r = this.route(o.dst);
    if (!r) return 'unreachable';
    if (20 + payload.length > r.dev.mtu) return 'too-big'; // EMSGSIZE: no local fragmentation here
    const src = o.src ?? this.sourceFor(r);
    const fields: Ipv4Fields = {
      src, dst: o.dst, proto: o.proto, ttl: o.ttl ?? DEFAULT_TTL, tos: o.tos ?? 0, df: o.df,
      id: o.id ?? this.ids.hashed(src, o.dst, o.proto),
    };
    const frame = new Uint8Array(ETH_HLEN + 20 + payload.length);
    frame.set(ipv4Header(fields, payload.length), ETH_HLEN);
    frame.set(payload, ETH_HLEN + 20);
    const skb = newSkb(frame, ETH_P_IP);
    skb.mark = mark;
    this.neigh.output(r.dev, r.gateway ?? o.dst, skb);
    return 'sent';
  }

  /** Output of a complete IPv4 packet already in `skb` (after 14 bytes of room for Ethernet). */
  sendSkb(skb: SkBuff, dst: Ip4): SendResult {
    const r = this.route(dst);
    if (!r) return 'unreachable';
    skb.protocol = ETH_P_IP;
    this.neigh.output(r.dev, r.gateway ?? dst, skb);
    return 'sent';
  }

  /** bpf_redirect_neigh: out of `dev` to the given next hop, or the route's, with fresh MACs. */
  redirectNeigh(dev: Device, skb: SkBuff, nexthop: { family: number; address: string } | undefined): void {
    if (skb.protocol !== ETH_P_IP) return this.net.log.note(dev.point, 'dropped: redirect_neigh of a non-IPv4 packet');
    const ip = readIpv4(skb.packet.data(), ETH_HLEN);
    if (!ip) return this.net.log.note(dev.point, 'dropped: redirect_neigh of a truncated packet');
    let nh: Ip4;
    if (nexthop) {
      if (nexthop.family !== 2) return this.net.log.note(dev.point, 'dropped: redirect_neigh to a non-IPv4 next hop');
      nh = ip4(nexthop.address);
    } else {
      const r = this.routes.filter((x) => x.dev === dev && inPrefix(ip.dst, x.net, x.len)).sort((a, b) => b.len - a.len)[0];
      if (!r) return this.net.log.note(dev.point, `dropped: redirect_neigh, no route to ${ip4Text(ip.dst)} via ${dev.name}`);
      nh = r.gateway ?? ip.dst;
    }
    this.neigh.output(dev, nh, skb);
  }
}
