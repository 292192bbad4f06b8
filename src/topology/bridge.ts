// The underlay's Linux bridge (br0): learns source MACs per port, forwards known unicast
// to its port, floods broadcast, multicast and unknown unicast to every other port (the
// kernel walks its port list newest first). Until a MAC is learned its frames are flooded,
// so a world host can see the first frames between two nodes. br0 itself has no address
// and is not a capture point; no STP, no ageing within a run (300 s in Linux).

import type { SkBuff } from '../vm/skb.js';
import { macText, sameMac } from './addr.js';
import type { BridgeMaster, Device } from './device.js';
import type { NetCore } from './netcore.js';
import { cloneSkb } from './skb-util.js';

export class Bridge implements BridgeMaster {
  private readonly ports: Device[] = [];
  private readonly fdb = new Map<string, Device>();

  constructor(readonly dev: Device, private readonly net: NetCore) {}

  enslave(port: Device): void {
    port.master = this;
    this.ports.unshift(port); // list_add_rcu: the newest port first
  }

  input(port: Device, skb: SkBuff): void {
    const frame = skb.packet.data();
    if (frame.length < 14) return;
    const dst = frame.subarray(0, 6);
    const src = frame.subarray(6, 12);
    if (!(src[0]! & 1)) this.fdb.set(macText(src), port);
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
