// What a run can observe besides memory: a virtual clock, seeded randomness, the CPU, and
// what the program produced on the side (events, trace_printk text, a redirect decision).
// Everything here is deterministic so that a run repeats exactly.

import type { SkBuff, SkbContext } from './skb.js';
import type { XdpBuff, XdpContext } from './xdp.js';

export interface CapturedEvent {
  map: string;
  kind: 'perf' | 'ringbuf';
  /** perf: the CPU index the event was written for. */
  cpu?: number;
  data: Uint8Array;
}

/** Where a redirect helper asked the packet to go (invisible in a kernel test run). */
export interface RedirectRecord {
  helper: 'redirect' | 'redirect_peer' | 'redirect_neigh' | 'clone_redirect' | 'redirect_map';
  ifindex: number;
  flags: number;
  /** redirect_neigh: the next hop the program supplied, if any. */
  nexthop?: { family: number; address: string };
  /** clone_redirect: a copy of the packet as it was sent. */
  packet?: Uint8Array;
}

/** A route for bpf_fib_lookup; prefix and gateway as dotted quads. */
export interface FibRoute {
  prefix: string;
  ifindex: number;
  gateway?: string;
}

export interface FibTable {
  routes: FibRoute[];
  /** IPv4 address → MAC ("aa:bb:cc:dd:ee:ff") of neighbours. */
  neighbours: Record<string, string>;
  /** ifindex → MAC of the node's own devices, and their MTU. */
  devices: Record<number, { mac: string; mtu?: number }>;
}

/** xorshift128+: small, fast, and seeded, so "random" choices repeat run to run. */
export class Prng {
  private s0: number;
  private s1: number;
  constructor(seed = 1) {
    this.s0 = (seed ^ 0x9e3779b9) | 0 || 1;
    this.s1 = Math.imul(seed, 0x85ebca6b) ^ 0xc2b2ae35;
  }
  nextU32(): number {
    let s1 = this.s0;
    const s0 = this.s1;
    this.s0 = s0;
    s1 ^= s1 << 23;
    s1 ^= s1 >>> 17;
    s1 ^= s0;
    s1 ^= s0 >>> 26;
    this.s1 = s1;
    return (this.s0 + this.s1) >>> 0;
  }
}

export class ExecEnv {
  /** Virtual CLOCK_MONOTONIC in ns; the caller advances it. */
  clockNs = 1_000_000_000n;
  /** CLOCK_BOOTTIME - CLOCK_MONOTONIC (time spent suspended). */
  bootOffsetNs = 0n;
  prng: Prng;
  cpu = 0;
  netnsCookie = 1n;
  /** Seed of the stand-in skb flow hash (the kernel's is random per boot). */
  hashSeed = 0x5eed;
  events: CapturedEvent[] = [];
  printk: string[] = [];
  redirect: RedirectRecord | null = null;
  clones: RedirectRecord[] = [];
  fib: FibTable | null = null;
  /** ifindexes that exist, for helpers that fail on unknown devices; null = any. */
  devices: Set<number> | null = null;
  skb: SkBuff | null = null;
  skbCtx: SkbContext | null = null;
  xdp: XdpBuff | null = null;
  xdpCtx: XdpContext | null = null;

  constructor(seed = 1) {
    this.prng = new Prng(seed);
  }

  /** Forget the previous run's side outputs (maps and the clock carry on). */
  resetOutputs(): void {
    this.events = [];
    this.printk = [];
    this.redirect = null;
    this.clones = [];
  }

  /** The packet of the current run was changed by a helper: re-point the packet region. */
  packetChanged(): void {
    this.skbCtx?.syncPacket();
    this.xdpCtx?.syncPacket();
  }
}
