// The instruction trace of each step's first datapath program run, for the HTML report (a
// static page cannot run the VM). The emulator backend does not expose its traces, so the
// trace is made here: the step's first captured frame at a device with a program attached is
// run through that program with testRun + Tracer, in a fresh copy of the node's object (the
// plan's .rodata and initial maps: no conntrack state from earlier steps, no FIB, no tunnel
// metadata), bounded to a number of lines.

import { join } from 'node:path';
import type { RunOutcome } from '../src/cli/run.js';
import type { AttachmentPlan, ClusterPlan, NodePlan } from '../src/agent/plan-types.js';
import type { CapturedPacket } from '../src/backends/types.js';
import { DEFAULT_DATAPATH_DIR } from '../src/agent/datapath-objects.js';
import { loadObjectSpec, type ObjectSpec } from '../src/elf/index.js';
import { loadObject } from '../src/topology/load-objects.js';
import { testRun, formatFault, SKB, SKB_CTX_SIZE } from '../src/vm/index.js';
import { Tracer } from '../src/vm/trace.js';
import { tcpdumpLine } from '../src/packet/decode.js';

export const DEFAULT_TRACE_LINES = 400;
const START_NS = 1000_000_000_000;

export interface StepTrace {
  step: number;
  /** Whose captured frame was replayed. */
  frameFrom: 'emu' | 'kernel';
  node: string;
  point: string;
  object: string;
  program: string;
  packet: string;
  retval?: number;
  insnCount?: number;
  fault?: string;
  lines: string[];
  /** Lines left out past the bound. */
  omitted: number;
  caveat: string;
}

export interface TraceOptions {
  maxLines?: number;
  datapathDir?: string;
}

const CAVEAT = 'replayed alone through a fresh copy of the object (the plan\'s .rodata and initial maps: no state from earlier packets, no FIB, no tunnel metadata), so later branches can differ from the run';

function parsePoint(point: string): { place: string; device: string; direction: string } | undefined {
  const m = /^(.*)\/([^/:]+):(ingress|egress)$/.exec(point);
  return m ? { place: m[1]!, device: m[2]!, direction: m[3]! } : undefined;
}

/** The step's first packet seen at a device with a program attached, and that program. */
export function firstHook(plan: ClusterPlan, packets: CapturedPacket[]): { packet: CapturedPacket; node: NodePlan; hook: AttachmentPlan } | undefined {
  for (const packet of [...packets].sort((a, b) => a.timeNs - b.timeNs)) {
    const at = parsePoint(packet.point);
    const node = at && plan.nodes.find((n) => n.name === at.place);
    const hook = node?.attachments.find((h) => h.device === at!.device && h.direction === at!.direction);
    if (node && hook) return { packet, node, hook };
  }
  return undefined;
}

function deviceIfindex(plan: ClusterPlan, node: NodePlan, device: string): number {
  if (node.eth0.name === device) return node.eth0.ifindex;
  if (node.vxlan0.name === device) return node.vxlan0.ifindex;
  return plan.pods.find((p) => p.node === node.name && p.lxc.name === device)?.lxc.ifindex ?? 0;
}

function ctxFor(ifindex: number, ingress: boolean): Uint8Array {
  const ctx = new Uint8Array(SKB_CTX_SIZE);
  const v = new DataView(ctx.buffer);
  v.setUint32(SKB.ifindex, ifindex, true);
  if (ingress) v.setUint32(SKB.ingress_ifindex, ifindex, true);
  return ctx;
}

export async function stepTraces(outcome: RunOutcome, plan: ClusterPlan, opts: TraceOptions = {}): Promise<Record<number, StepTrace>> {
  const maxLines = opts.maxLines ?? DEFAULT_TRACE_LINES;
  const dir = opts.datapathDir ?? DEFAULT_DATAPATH_DIR;
  const frameFrom = outcome.runs.emu ? 'emu' : 'kernel';
  const run = outcome.runs[frameFrom]?.run;
  const specs = new Map<string, Promise<ObjectSpec>>();
  const spec = (file: string) => specs.get(file) ?? specs.set(file, loadObjectSpec(join(dir, file))).get(file)!;
  const out: Record<number, StepTrace> = {};
  if (!run) return out;
  for (let step = 0; step < outcome.parsed.scenario.traffic.length; step++) {
    const first = firstHook(plan, run.packets.filter((p) => p.step === step));
    if (!first) continue;
    const { packet, node, hook } = first;
    const base: StepTrace = {
      step, frameFrom, node: node.name, point: packet.point, object: hook.object, program: hook.program,
      packet: tcpdumpLine(packet.frame), lines: [], omitted: 0, caveat: CAVEAT,
    };
    try {
      const objectPlan = node.objects.find((o) => o.file === hook.object);
      if (!objectPlan) throw new Error(`${node.name} has no object ${hook.object} in the plan`);
      const obj = loadObject(await spec(hook.object), objectPlan, { seed: 1 });
      obj.env.clockNs = BigInt(START_NS + Math.round(packet.timeNs));
      const ingress = hook.direction === 'ingress';
      const tracer = new Tracer(obj.vm, {
        sink: (l) => { if (base.lines.length < maxLines) base.lines.push(l); else base.omitted++; },
      }).attach();
      try {
        const r = testRun(obj, obj.program(hook.program), { dataIn: packet.frame, ctxIn: ctxFor(deviceIfindex(plan, node, hook.device), ingress), ingress });
        base.retval = r.retval;
        base.insnCount = r.insnCount;
        if (r.fault) base.fault = formatFault(r.fault);
      } finally {
        tracer.detach();
      }
    } catch (e) {
      base.fault = `trace not available: ${(e as Error).message}`;
    }
    out[step] = base;
  }
  return out;
}
