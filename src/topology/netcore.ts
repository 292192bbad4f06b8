// The kernel between the hooks, at the device layer: dev_queue_xmit (tc egress, capture,
// driver), __netif_receive_skb_core (capture, tc ingress, bridge or stack), the verdicts of
// tc programs under tcx, and the redirect helpers' delivery (net/core/filter.c:
// skb_do_redirect).

import type { SkBuff } from '../vm/skb.js';
import { ethTypeTrans } from '../vm/skb.js';
import type { RedirectRecord } from '../vm/env.js';
import type { Scheduler } from './scheduler.js';
import type { CaptureLog } from './capture.js';
import type { KernelLog } from './kernel-log.js';
import type { Device, Direction, HookResult } from './device.js';
import { cloneSkb, scrub } from './skb-util.js';

const TC_ACT_SHOT = 2;
const TC_ACT_REDIRECT = 7;
const BPF_F_INGRESS = 1;
/** XMIT_RECURSION_LIMIT: nested dev_queue_xmit calls before the kernel drops. */
const RECURSION_LIMIT = 8;
/** is_skb_forwardable: a veth peer accepts frames up to MTU + Ethernet header + VLAN tag. */
const FORWARD_SLACK = 14 + 4;

export class NetCore {
  constructor(
    readonly sched: Scheduler,
    readonly capture: CaptureLog,
    readonly log: KernelLog,
    /** Time a frame takes through a veth (netif_rx → backlog → receive). */
    readonly hopDelayNs: number,
  ) {}

  /** dev_queue_xmit: tc egress, the tap, then the device's driver. */
  transmit(dev: Device, skb: SkBuff, depth = 0): void {
    if (depth > RECURSION_LIMIT) return this.log.note(dev.point, 'dropped: xmit recursion limit');
    skb.ifindex = dev.ifindex;
    skb.ingress = false;
    const hook = dev.hooks.egress;
    if (hook && !this.afterHook(dev, 'egress', skb, hook.run(skb, dev, 'egress'), depth)) return;
    this.capture.record(dev, 'egress', skb);
    this.driverXmit(dev, skb);
  }

  /** __netif_receive_skb_core: the tap, tc ingress, then the bridge or the namespace's stack. */
  receive(dev: Device, skb: SkBuff, depth = 0): void {
    skb.ingressIfindex = dev.ifindex; // skb->skb_iif
    skb.ifindex = dev.ifindex;
    skb.ingress = true;
    this.capture.record(dev, 'ingress', skb);
    const hook = dev.hooks.ingress;
    if (hook && !this.afterHook(dev, 'ingress', skb, hook.run(skb, dev, 'ingress'), depth)) return;
    if (dev.master) return dev.master.input(dev, skb);
    if (!dev.ns.l3) return;
    dev.ns.l3.receive(dev, skb);
  }

  /** netif_rx: the frame waits in the backlog and is received later. */
  enqueueRx(dev: Device, skb: SkBuff, delayNs = this.hopDelayNs): void {
    this.sched.after(delayNs, () => this.receive(dev, skb));
  }

  /** tcx: PASS (0), DROP (2), REDIRECT (7) are final; anything else (-1 NEXT included) passes on. */
  private afterHook(dev: Device, dir: Direction, skb: SkBuff, r: HookResult, depth: number): boolean {
    for (const c of r.clones) this.cloneRedirect(dev, skb, c, depth);
    if (r.fault) return false; // reported by the datapath log as a drop with reason 0
    if (r.verdict === TC_ACT_SHOT) return false;
    if (r.verdict === TC_ACT_REDIRECT) {
      this.redirect(dev, dir, skb, r.redirect, depth);
      return false;
    }
    return true;
  }

  /** skb_do_redirect. */
  private redirect(dev: Device, dir: Direction, skb: SkBuff, rec: RedirectRecord | null, depth: number): void {
    const target = rec ? dev.ns.byIndex(rec.ifindex) : undefined;
    if (!rec || !target) return this.log.note(dev.point, `dropped: redirect to ifindex ${rec?.ifindex ?? 0}, no such device`);
    switch (rec.helper) {
      case 'redirect':
        return this.redirectTo(target, skb, rec.flags, depth);
      case 'redirect_peer': {
        // Only from tc ingress, to a veth whose peer is in another namespace. The packet
        // enters the peer's namespace in the same receive ("another round"): the host-side
        // device's tc egress and the veth's backlog are skipped; the peer's tap and tc
        // ingress run. Scrubbed without xnet: the mark survives (Linux 6.15+ scrubs, older
        // kernels did not scrub at all; the mark survives either way).
        const peer = target.peer;
        if (dir !== 'ingress' || !peer || peer.ns === target.ns) return this.log.note(dev.point, `dropped: redirect_peer to ${target.name} not possible`);
        scrub(skb, false);
        return this.receive(peer, skb, depth + 1);
      }
      case 'redirect_neigh':
        if (!target.ns.l3) return this.log.note(dev.point, 'dropped: redirect_neigh without an IP stack');
        skb.tstamp = 0n;
        return target.ns.l3.redirectNeigh(target, skb, rec.nexthop);
      default:
        return this.log.note(dev.point, `dropped: ${rec.helper} is not a tc verdict`);
    }
  }

  /** __bpf_redirect: BPF_F_INGRESS → the device's receive (via the backlog); else its transmit. */
  private redirectTo(target: Device, skb: SkBuff, flags: number, depth: number): void {
    if (flags & BPF_F_INGRESS) {
      scrub(skb, false);
      ethTypeTrans(skb, target.mac);
      return this.enqueueRx(target, skb, 0);
    }
    skb.tstamp = 0n; // skb_clear_tstamp in __bpf_tx_skb
    this.transmit(target, skb, depth + 1);
  }

  /** bpf_clone_redirect: a copy goes where the helper said, the original carries on. */
  private cloneRedirect(dev: Device, skb: SkBuff, rec: RedirectRecord, depth: number): void {
    const target = dev.ns.byIndex(rec.ifindex);
    if (!target) return;
    this.redirectTo(target, cloneSkb(skb, rec.packet ?? skb.packet.copy()), rec.flags, depth);
  }

  /** The device's ndo_start_xmit. */
  private driverXmit(dev: Device, skb: SkBuff): void {
    if (dev.driver) return dev.driver.xmit(dev, skb);
    const peer = dev.peer;
    if (dev.kind !== 'veth' || !peer) return this.log.note(dev.point, 'dropped: device has nowhere to send');
    // veth_xmit → __dev_forward_skb: scrub (mark cleared across namespaces), priority reset,
    // eth_type_trans on the peer (pkt_type from the destination MAC), then the backlog.
    if (skb.len > peer.mtu + FORWARD_SLACK) return this.log.note(peer.point, `dropped: ${skb.len} bytes over MTU ${peer.mtu}`);
    scrub(skb, peer.ns !== dev.ns);
    skb.priority = 0;
    ethTypeTrans(skb, peer.mac);
    this.enqueueRx(peer, skb);
  }
}
