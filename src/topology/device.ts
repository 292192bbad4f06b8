// Network namespaces and their devices, as the topology wires them: veth pairs, the VXLAN
// device, bridge ports. A device may carry a tc program per direction.

import type { SkBuff } from '../vm/skb.js';
import type { RedirectRecord } from '../vm/env.js';

export type Direction = 'ingress' | 'egress';
export type DeviceKind = 'veth' | 'vxlan' | 'bridge';

/** What a tc hook decided about a packet. */
export interface HookResult {
  /** r0 as the kernel reads it: a signed 32-bit TC_ACT_* code. */
  verdict: number;
  redirect: RedirectRecord | null;
  clones: RedirectRecord[];
  /** A VM fault (never happens in the kernel: the verifier prevents it), as text. */
  fault: string | null;
}

export interface TcHook {
  readonly label: string;
  run(skb: SkBuff, dev: Device, dir: Direction): HookResult;
}

/** The layer above the devices in a namespace: ARP and IP. */
export interface L3 {
  receive(dev: Device, skb: SkBuff): void;
  /** bpf_redirect_neigh: route and resolve the next hop, then transmit on `dev`. */
  redirectNeigh(dev: Device, skb: SkBuff, nexthop: { family: number; address: string } | undefined): void;
}

/** Something a device hands its transmitted packets to instead of a peer (VXLAN). */
export interface Driver {
  xmit(dev: Device, skb: SkBuff): void;
}

/** A bridge a device is enslaved to (its rx_handler). */
export interface BridgeMaster {
  input(port: Device, skb: SkBuff): void;
}

export class Device {
  peer: Device | null = null;
  driver: Driver | null = null;
  master: BridgeMaster | null = null;
  readonly hooks: Partial<Record<Direction, TcHook>> = {};

  constructor(
    readonly ns: Namespace,
    readonly name: string,
    readonly ifindex: number,
    readonly mac: Uint8Array,
    readonly mtu: number,
    readonly kind: DeviceKind,
  ) {}

  get point(): string {
    return `${this.ns.place}/${this.name}`;
  }
}

export class Namespace {
  readonly devices: Device[] = [];
  l3: L3 | null = null;

  /** `place` as observation points name it: "node1", "pod:client", "world:internet", "underlay". */
  constructor(readonly place: string) {}

  addDevice(name: string, ifindex: number, mac: Uint8Array, mtu: number, kind: DeviceKind): Device {
    if (this.devices.some((d) => d.name === name || d.ifindex === ifindex)) {
      throw new Error(`${this.place}: device ${name} (ifindex ${ifindex}) clashes with an existing one`);
    }
    const d = new Device(this, name, ifindex, mac, mtu, kind);
    this.devices.push(d);
    return d;
  }

  byName(name: string): Device | undefined {
    return this.devices.find((d) => d.name === name);
  }

  byIndex(ifindex: number): Device | undefined {
    return this.devices.find((d) => d.ifindex === ifindex);
  }
}

/** Join two devices as a veth pair (each end's transmit is the other's receive). */
export function vethPair(a: Device, b: Device): void {
  a.peer = b;
  b.peer = a;
}
