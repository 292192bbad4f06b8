// The underlay's Linux bridge (br0): forwards known unicast to its port, floods broadcast,
// multicast and unknown unicast to every other port (the kernel walks its port list newest
// first), learns source MACs. Like the kernel testbed, every node's and world host's MAC is
// a static FDB entry from the start: with permanent neighbours no ARP would teach the bridge,
// and the first frames between two nodes would be flooded to the world hosts. br0 itself has
// no address; no STP; no ageing within a run (300 s in Linux).

import type { SkBuff } from '../vm/skb.js';
import { macText, sameMac } from './addr.js';
import type { BridgeMaster, Device } from './device.js';
import type { NetCore } from './netcore.js';
import { cloneSkb } from './skb-util.js';

export class Bridge implements BridgeMaster {
  private readonly ports: Device[] = [];
  private readonly fdb = new Map<string, Device>();
  private readonly fixed = new Set<string>();

  constructor(readonly dev: Device, private readonly net: NetCore) {}

  /** `bridge fdb replace MAC dev PORT master static`. */
  addStatic(mac: Uint8Array, port: Device): void {
    this.fdb.set(macText(mac), port);
    this.fixed.add(macText(mac));
  }

  enslave(port: Device): void {
    port.master = this;
    this.ports.unshift(port); // list_add_rcu: the newest port first
  }

  input(port: Device, skb: SkBuff): void {
    const frame = skb.packet.data();
    if (frame.length < 14) return;
    const dst = frame.subarray(0, 6);
    const src = frame.subarray(6, 12);
    if (!(src[0]! & 1) && !this.fixed.has(macText(src))) this.fdb.set(macText(src), port);
    if (sameMac(dst, this.dev.mac)) return; // for br0 itself: it has no stack
    const known = dst[0]! & 1 ? undefined : this.fdb.get(macText(dst));
    if (known) {
      if (known !== port) this.net.transmit(known, skb);
      return;
    }
    const out = this.ports.filter((p) => p !== port);
    out.forEach((p, i) => this.net.transmit(p, i === out.length - 1 ? skb : cloneSkb(skb)));
  }
}
