// Running a tc program on a socket buffer the topology owns (BPF_PROG_TEST_RUN builds its
// own; here the same skb travels from hook to hook). Composed from the VM's public pieces
// the way testRun wires them: the skb and its __sk_buff context bound to the object's
// packet and ctx regions, r1 = ctx, side outputs collected from the object's environment.

import type { LoadedObject, LoadedProgram } from '../vm/loaded-object.js';
import { SkbContext, type SkBuff } from '../vm/skb.js';
import type { CapturedEvent, FibTable, RedirectRecord } from '../vm/env.js';
import type { Fault } from '../vm/fault.js';

export interface TcRunEnv {
  clockNs: bigint;
  /** The node's devices (helpers refuse unknown ifindexes), its FIB for bpf_fib_lookup. */
  devices: Set<number>;
  fib: FibTable | null;
}

export interface TcRun {
  /** r0 as a signed 32-bit value (what tcx compares). */
  verdict: number;
  redirect: RedirectRecord | null;
  clones: RedirectRecord[];
  events: CapturedEvent[];
  fault: Fault | null;
}

export function runOnSkb(obj: LoadedObject, prog: LoadedProgram, skb: SkBuff, ctx: TcRunEnv): TcRun {
  const env = obj.env;
  const vm = obj.vm;
  env.resetOutputs();
  env.clockNs = ctx.clockNs;
  env.devices = ctx.devices;
  env.fib = ctx.fib;
  env.xdp = null;
  env.xdpCtx = null;
  for (const m of obj.maps.values()) m.cpu = env.cpu;
  env.skb = skb;
  env.skbCtx = new SkbContext(skb, obj.packetRegion, obj.ctxRegion);
  vm.legacyPacketLoad = (offset, size) => skb.legacyLoad(offset, size);
  vm.L.fill(0);
  vm.H.fill(0);
  vm.setRegPtr(1, obj.ctxRegion, 0);
  let res;
  try {
    res = vm.run(prog.decoded);
  } finally {
    vm.legacyPacketLoad = null;
    env.skb = null;
    env.skbCtx = null;
  }
  for (const m of obj.maps.values()) {
    if (m.kind === 'ringbuf' || m.kind === 'perf-event-array') m.drain(); // delivered through env.events
  }
  return { verdict: res.r0lo | 0, redirect: env.redirect, clones: env.clones, events: env.events, fault: res.fault };
}

