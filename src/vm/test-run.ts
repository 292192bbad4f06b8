// Running one program the way BPF_PROG_TEST_RUN does: a socket buffer (tc) or XDP frame
// built from data_in (and ctx_in), the program run `repeat` times on that same packet, and
// retval, data_out, ctx_out and the average duration returned — plus what a test run in the
// kernel cannot show: the redirect target, events, trace_printk text, and any fault.

import type { LoadedObject, LoadedProgram } from './loaded-object.js';
import { PacketBuffer } from '../packet/buffer.js';
import { SkBuff, SkbContext, SKB, applyCtxIn, ethTypeTrans, CtxInError, type TunnelKey } from './skb.js';
import { XdpBuff, XdpContext, XDP_PACKET_HEADROOM, XDP_CTX_SIZE, XDP_FRAME_SIZE } from './xdp.js';
import type { Fault } from './fault.js';
import type { CapturedEvent, RedirectRecord } from './env.js';
import { pairToBigInt } from './alu64.js';
import type { EngineName } from './engine-name.js';

export interface TestRunInput {
  dataIn: Uint8Array;
  /** struct __sk_buff (tc) or struct xdp_md (XDP); only the fields the kernel accepts. */
  ctxIn?: Uint8Array;
  repeat?: number;
  /** Tunnel metadata on the packet (what a collect-metadata VXLAN device hands to tc ingress). */
  tunnelKey?: TunnelKey;
  /** Whether the hook is an ingress hook (some helpers care); default false. */
  ingress?: boolean;
}

export interface TestRunResult {
  /** r0 truncated to 32 bits, as BPF_PROG_TEST_RUN reports it. */
  retval: number;
  r0: bigint;
  dataOut: Uint8Array;
  ctxOut?: Uint8Array;
  /** Average wall-clock time per run in ns. */
  durationNs: number;
  insnCount: number;
  redirect: RedirectRecord | null;
  clones: RedirectRecord[];
  events: CapturedEvent[];
  printk: string[];
  tunnelKey: TunnelKey | null;
  /** skb fields after the run (mark, priority, ...), for tools that show them. */
  skb?: { mark: number; priority: number; tcIndex: number; pktType: number; protocol: number; hash: number; cb: number[] };
  fault: Fault | null;
  /** The engine that ran the program (the interpreter when tracing or when wasm cannot translate it). */
  engine: EngineName;
}

/** A test run the kernel would refuse (EINVAL), with the reason. */
export class TestRunInputError extends Error {
  constructor(readonly errno: number, message: string) {
    super(message);
  }
}

const ETH_HLEN = 14;
const SKB_HEADROOM = 64; // NET_SKB_PAD + NET_IP_ALIGN on x86-64
const LOOPBACK_ADDR = new Uint8Array(6);

export function testRun(obj: LoadedObject, prog: LoadedProgram, input: TestRunInput): TestRunResult {
  const repeat = Math.max(1, input.repeat ?? 1);
  const env = obj.env;
  env.resetOutputs();
  env.skb = null; env.skbCtx = null; env.xdp = null; env.xdpCtx = null;
  for (const m of obj.maps.values()) m.cpu = env.cpu;
  const vm = obj.vm;
  let ctxOut: (() => Uint8Array) | undefined;
  let packet: PacketBuffer;

  if (prog.type === 'xdp') {
    if (input.dataIn.length < ETH_HLEN) throw new TestRunInputError(22, `data_in is ${input.dataIn.length} bytes; XDP needs at least an Ethernet header (14)`);
    // One frame: 256 bytes of headroom, the packet, and tailroom up to the frame's end.
    packet = new PacketBuffer(input.dataIn, XDP_PACKET_HEADROOM, Math.max(64, XDP_FRAME_SIZE - XDP_PACKET_HEADROOM - input.dataIn.length), false);
    const xdp = new XdpBuff(packet);
    if (input.ctxIn && input.ctxIn.length > 0) applyXdpCtxIn(xdp, input.ctxIn);
    env.xdp = xdp;
    env.xdpCtx = new XdpContext(xdp, obj.packetRegion, obj.ctxRegion);
  } else {
    if (input.dataIn.length < ETH_HLEN) throw new TestRunInputError(22, `data_in is ${input.dataIn.length} bytes; a tc program needs at least an Ethernet header (14)`);
    // The kernel's order: the ctx_in device, then the frame, then the other ctx_in fields.
    const ctxIfindex = input.ctxIn && input.ctxIn.length >= SKB.ifindex + 4 ? new DataView(input.ctxIn.buffer, input.ctxIn.byteOffset).getUint32(SKB.ifindex, true) : 0;
    if (ctxIfindex > 1 && env.devices !== null && !env.devices.has(ctxIfindex)) {
      throw new TestRunInputError(19, `ctx_in ifindex ${ctxIfindex}: no such device (ENODEV)`);
    }
    packet = new PacketBuffer(input.dataIn, SKB_HEADROOM, 64, true);
    const skb = new SkBuff(packet);
    // The test run's device is loopback: address and broadcast address both all zero (it
    // never gets ether_setup()), so ff:ff:ff:ff:ff:ff frames are PACKET_MULTICAST.
    ethTypeTrans(skb, LOOPBACK_ADDR, LOOPBACK_ADDR);
    // Linux 6.18 (and stable backports) refuses IP frames too short for their base header.
    const netMin = skb.protocol === 0x0800 ? 20 : skb.protocol === 0x86dd ? 40 : 0;
    if (input.dataIn.length - ETH_HLEN < netMin) {
      throw new TestRunInputError(22, `data_in is ${input.dataIn.length} bytes; an IP${netMin === 20 ? 'v4' : 'v6'} frame needs ${ETH_HLEN + netMin} (EINVAL)`);
    }
    skb.ingress = input.ingress ?? false;
    if (input.tunnelKey) skb.tunnelKey = { ...input.tunnelKey };
    // wire_len reads qdisc_skb_cb->pkt_len, which only the ctx_in conversion sets.
    if (!input.ctxIn || input.ctxIn.length === 0) skb.wireLen = 0;
    if (input.ctxIn && input.ctxIn.length > 0) {
      try {
        applyCtxIn(skb, input.ctxIn);
      } catch (e) {
        if (e instanceof CtxInError) throw new TestRunInputError(22, e.message);
        throw e;
      }
    }
    env.skb = skb;
    const ctx = new SkbContext(skb, obj.packetRegion, obj.ctxRegion);
    env.skbCtx = ctx;
    vm.legacyPacketLoad = (offset, size) => skb.legacyLoad(offset, size);
    if (input.ctxIn && input.ctxIn.length > 0) ctxOut = () => ctx.toCtxOut();
  }

  let r0lo = 0, r0hi = 0, insnCount = 0;
  let fault: Fault | null = null;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < repeat && !fault; i++) {
    vm.L.fill(0); vm.H.fill(0);
    vm.setRegPtr(1, obj.ctxRegion, 0);
    const res = vm.run(prog.decoded);
    r0lo = res.r0lo; r0hi = res.r0hi; insnCount = res.insnCount;
    fault = res.fault;
  }
  const durationNs = Number(process.hrtime.bigint() - t0) / repeat;
  vm.legacyPacketLoad = null;
  drainEventMaps(obj);
  const skb = env.skb;
  return {
    retval: r0lo >>> 0,
    r0: pairToBigInt(r0lo, r0hi),
    // XDP's data_out starts at data_meta: metadata comes out in front of the packet.
    dataOut: env.xdp ? packet.buf.slice(Math.min(packet.meta, packet.head), packet.tail) : packet.copy(),
    ...(ctxOut ? { ctxOut: ctxOut() } : {}),
    durationNs,
    insnCount,
    redirect: env.redirect,
    clones: env.clones,
    events: env.events,
    printk: env.printk,
    tunnelKey: skb?.tunnelKey ?? null,
    ...(skb ? { skb: { mark: skb.mark, priority: skb.priority, tcIndex: skb.tcIndex, pktType: skb.pktType, protocol: skb.protocol, hash: skb.hash, cb: [...skb.cb] } } : {}),
    fault,
    engine: vm.lastEngine,
  };
}

function applyXdpCtxIn(xdp: XdpBuff, ctx: Uint8Array): void {
  if (ctx.length > XDP_CTX_SIZE) throw new TestRunInputError(22, `ctx_in is ${ctx.length} bytes, larger than struct xdp_md (${XDP_CTX_SIZE})`);
  const buf = new Uint8Array(XDP_CTX_SIZE);
  buf.set(ctx);
  const v = new DataView(buf.buffer);
  if (v.getUint32(0, true) !== 0 || v.getUint32(8, true) !== 0 || v.getUint32(20, true) !== 0) {
    throw new TestRunInputError(22, 'ctx_in: xdp_md data/data_meta/egress_ifindex must be 0 (EINVAL)');
  }
  const ifindex = v.getUint32(12, true);
  if (ifindex) xdp.ingressIfindex = ifindex;
  xdp.rxQueueIndex = v.getUint32(16, true);
}

/** Captured events were copied into the run's result: empty the maps so they do not fill up. */
function drainEventMaps(obj: LoadedObject): void {
  for (const m of obj.maps.values()) {
    if (m.kind === 'ringbuf' || m.kind === 'perf-event-array') m.drain();
  }
}
