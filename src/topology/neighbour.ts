// The ARP neighbour table of one namespace (net/ipv4/arp.c, net/core/neighbour.c): packets
// to an unresolved next hop wait while a broadcast request goes out (3 tries, 1 s apart,
// then the queue is dropped); requests for one of our addresses are answered (arp_ignore
// 0: any local address, on any device) and teach us the sender; replies complete pending
// entries. Permanent entries (the underlay) never ARP. Resolved entries do not age: a run
// lasts seconds, Linux keeps them REACHABLE 15–45 s.

import type { SkBuff } from '../vm/skb.js';
import { PACKET_TYPE } from '../vm/skb.js';
import { BROADCAST_MAC, ZERO_MAC, ip4Text, type Ip4 } from './addr.js';
import type { Device } from './device.js';
import type { NetCore } from './netcore.js';
import type { Timer } from './scheduler.js';
import { SEC } from './scheduler.js';
import { arpBody, concat, ethHeader, readArp, ETH_HLEN, ETH_P_ARP, ETH_P_IP } from './wire.js';
import { newSkb } from './skb-util.js';

const MCAST_SOLICIT = 3;
const RETRANS_NS = 1 * SEC;

interface Entry {
  dev: Device;
  ip: Ip4;
  mac: Uint8Array | null;
  permanent: boolean;
  queue: SkBuff[];
  probes: number;
  timer: Timer | null;
}

/** What the neighbour table needs from its IP stack. */
export interface NeighbourHost {
  readonly net: NetCore;
  isLocal(ip: Ip4): boolean;
  /** inet_select_addr: the address to speak from on `dev`. */
  addressFor(dev: Device): Ip4;
  onNeighbourChange(): void;
}

export class Neighbours {
  private readonly table = new Map<string, Entry>();

  constructor(private readonly host: NeighbourHost) {}

  addPermanent(dev: Device, ip: Ip4, mac: Uint8Array): void {
    this.table.set(key(dev, ip), { dev, ip, mac, permanent: true, queue: [], probes: 0, timer: null });
    this.host.onNeighbourChange();
  }

  lookup(dev: Device, ip: Ip4): Uint8Array | null {
    return this.table.get(key(dev, ip))?.mac ?? null;
  }

  /** Resolved entries, for bpf_fib_lookup. */
  resolved(): { dev: Device; ip: Ip4; mac: Uint8Array }[] {
    return [...this.table.values()].flatMap((e) => (e.mac ? [{ dev: e.dev, ip: e.ip, mac: e.mac }] : []));
  }

  /** neigh_output: the Ethernet header for `nexthop`, then the device's transmit; or wait for ARP. */
  output(dev: Device, nexthop: Ip4, skb: SkBuff): void {
    const k = key(dev, nexthop);
    let e = this.table.get(k);
    if (e?.mac) return this.send(dev, e.mac, skb);
    if (!e) {
      e = { dev, ip: nexthop, mac: null, permanent: false, queue: [], probes: 0, timer: null };
      this.table.set(k, e);
    }
    e.queue.push(skb);
    if (e.probes === 0) this.solicit(dev, nexthop, e, sourceOf(skb));
  }

  /** arp_rcv / arp_process. */
  receive(dev: Device, skb: SkBuff): void {
    if (skb.pktType === PACKET_TYPE.OTHERHOST) return;
    const arp = readArp(skb.packet.data().subarray(ETH_HLEN));
    if (!arp || (arp.op !== 1 && arp.op !== 2)) return this.host.net.log.note(dev.point, 'dropped: malformed ARP');
    const k = key(dev, arp.spa);
    const known = this.table.get(k);
    if (arp.op === 1 && this.host.isLocal(arp.tpa)) {
      // A request for us: remember the asker (neigh_event_ns) and answer from the device.
      this.learn(dev, arp.spa, arp.sha, known ?? null, true);
      const reply = concat(ethHeader(arp.sha, dev.mac, ETH_P_ARP), arpBody(2, dev.mac, arp.tpa, arp.sha, arp.spa));
      this.host.net.transmit(dev, newSkb(reply, ETH_P_ARP));
      return;
    }
    if (known && !known.permanent) this.learn(dev, arp.spa, arp.sha, known, false);
  }

  private learn(dev: Device, ip: Ip4, mac: Uint8Array, e: Entry | null, create: boolean): void {
    if (e?.permanent) return;
    if (!e) {
      if (!create) return;
      e = { dev, ip, mac: null, permanent: false, queue: [], probes: 0, timer: null };
      this.table.set(key(dev, ip), e);
    }
    e.mac = mac.slice();
    e.timer?.cancel();
    e.timer = null;
    e.probes = 0;
    const queued = e.queue.splice(0);
    this.host.onNeighbourChange();
    for (const skb of queued) this.send(dev, e.mac, skb);
  }

  private solicit(dev: Device, target: Ip4, e: Entry, hint: Ip4 | null): void {
    if (e.probes >= MCAST_SOLICIT) {
      const lost = e.queue.splice(0);
      this.table.delete(key(dev, target));
      this.host.net.log.note(dev.point, `neighbour ${ip4Text(target)} unresolved after ${MCAST_SOLICIT} ARP requests: ${lost.length} packet(s) dropped`);
      return;
    }
    e.probes++;
    // arp_solicit: the queued packet's source if it is ours, else the device's address.
    const spa = hint !== null && this.host.isLocal(hint) ? hint : this.host.addressFor(dev);
    const req = concat(ethHeader(BROADCAST_MAC, dev.mac, ETH_P_ARP), arpBody(1, dev.mac, spa, ZERO_MAC, target));
    this.host.net.transmit(dev, newSkb(req, ETH_P_ARP));
    e.timer = this.host.net.sched.after(RETRANS_NS, () => {
      if (!e.mac) this.solicit(dev, target, e, spa);
    });
  }

  private send(dev: Device, dstMac: Uint8Array, skb: SkBuff): void {
    const d = skb.packet.data();
    d.set(dstMac.subarray(0, 6), 0);
    d.set(dev.mac.subarray(0, 6), 6);
    d[12] = ETH_P_IP >> 8;
    d[13] = ETH_P_IP & 0xff;
    skb.protocol = ETH_P_IP;
    this.host.net.transmit(dev, skb);
  }
}

const key = (dev: Device, ip: Ip4): string => `${dev.ifindex}/${ip}`;

function sourceOf(skb: SkBuff): Ip4 | null {
  const d = skb.packet.data();
  return d.length >= ETH_HLEN + 20 ? ((d[26]! << 24) | (d[27]! << 16) | (d[28]! << 8) | d[29]!) >>> 0 : null;
}
