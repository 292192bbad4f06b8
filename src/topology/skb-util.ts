// Socket buffers the emulated kernel creates, copies and scrubs.

import { PacketBuffer } from '../packet/buffer.js';
import { SkBuff, PACKET_TYPE } from '../vm/skb.js';

const HEADROOM = 128; // room for an outer VXLAN header without reallocating

export function newSkb(frame: Uint8Array, protocol = 0): SkBuff {
  const skb = new SkBuff(new PacketBuffer(frame, HEADROOM, 64, true));
  skb.protocol = protocol;
  return skb;
}

/** skb_clone: the same bytes and metadata, independent from here on. */
export function cloneSkb(skb: SkBuff, frame: Uint8Array = skb.packet.copy()): SkBuff {
  const c = newSkb(frame, skb.protocol);
  c.pktType = skb.pktType;
  c.mark = skb.mark;
  c.priority = skb.priority;
  c.queueMapping = skb.queueMapping;
  c.ifindex = skb.ifindex;
  c.ingressIfindex = skb.ingressIfindex;
  c.tcIndex = skb.tcIndex;
  c.tcClassid = skb.tcClassid;
  c.hash = skb.hash;
  c.hashValid = skb.hashValid;
  c.cb.set(skb.cb);
  c.vlanTci = skb.vlanTci;
  c.vlanProto = skb.vlanProto;
  c.tstamp = skb.tstamp;
  c.tunnelKey = skb.tunnelKey ? { ...skb.tunnelKey } : null;
  c.ingress = skb.ingress;
  return c;
}

/**
 * skb_scrub_packet: what crossing into another device's receive path forgets. Within a
 * namespace (xnet false) the mark and timestamp survive; across namespaces they do not.
 * The tunnel metadata (a metadata dst) is always dropped.
 */
export function scrub(skb: SkBuff, xnet: boolean): void {
  skb.pktType = PACKET_TYPE.HOST;
  skb.ingressIfindex = 0;
  skb.tunnelKey = null;
  if (!xnet) return;
  skb.mark = 0;
  skb.tstamp = 0n;
}

/** What the IP layer leaves in the tc-visible cb[]: modelled as zeros (the kernel has IPCB bytes there). */
export function resetCb(skb: SkBuff): void {
  skb.cb.fill(0);
}
