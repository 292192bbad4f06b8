// The datapath objects of one node as tc hooks: each run gets the node's clock, devices and
// FIB, and what it emits is kept: raw cilium_events samples and the drops they report
// (docs/datapath-events.md). A VM fault becomes a drop with reason 0 and a note, never an
// exception.

import { basename } from 'node:path';
import type { LoadedObject } from '../vm/loaded-object.js';
import type { SkBuff } from '../vm/skb.js';
import type { Fault } from '../vm/fault.js';
import type { FibTable } from '../vm/env.js';
import type { DropRecord } from '../backends/types.js';
import type { Device, Direction, HookResult, Namespace, TcHook } from './device.js';
import { runOnSkb } from './tc-run.js';

const EVENTS_MAP = 'cilium_events';
const NOTIFY_DROP = 1;

export interface RawEvent { node: string; step: number; data: Uint8Array }
export interface StepDrop extends DropRecord { step: number; note?: string }

/** Everything every node's datapath reported, in order. */
export class DatapathLog {
  readonly events: RawEvent[] = [];
  readonly drops: StepDrop[] = [];
  step = -1;
}

export class NodeDatapath {
  readonly objects = new Map<string, LoadedObject>();

  constructor(
    readonly node: string,
    readonly ns: Namespace,
    private readonly log: DatapathLog,
    private readonly clockNs: () => number,
    private readonly fib: () => FibTable | null,
  ) {}

  hook(file: string, program: string): TcHook {
    const obj = this.objects.get(file);
    if (!obj) throw new Error(`${this.node}: no object ${file} loaded (loaded: ${[...this.objects.keys()].join(', ') || 'none'})`);
    const prog = obj.program(program);
    return { label: `${file}:${program}`, run: (skb, dev, dir) => this.run(obj, prog, skb, dev, dir) };
  }

  private devices: Set<number> | null = null;

  private run(obj: LoadedObject, prog: ReturnType<LoadedObject['program']>, skb: SkBuff, dev: Device, dir: Direction): HookResult {
    const devices = (this.devices ??= new Set(this.ns.devices.map((d) => d.ifindex)));
    let r;
    try {
      r = runOnSkb(obj, prog, skb, { clockNs: BigInt(this.clockNs()), devices, fib: this.fib() });
    } catch (e) {
      // The VM reports faults as results; anything thrown is a dpsim bug, still not the caller's problem.
      const text = `internal error in ${prog.name}: ${(e as Error).message}`;
      this.drop(0, dev, text);
      return { verdict: 2, redirect: null, clones: [], fault: text };
    }
    for (const e of r.events) {
      if (e.map !== EVENTS_MAP) continue;
      this.log.events.push({ node: this.node, step: this.log.step, data: e.data });
      if (e.data[0] === NOTIFY_DROP && e.data.length >= 40) {
        const ifindex = new DataView(e.data.buffer, e.data.byteOffset).getUint32(32, true);
        this.log.drops.push({ step: this.log.step, node: this.node, reason: e.data[1]!, device: this.ns.byIndex(ifindex)?.name ?? `ifindex ${ifindex}`, ifindex });
      }
    }
    if (r.fault) {
      const text = describeFault(r.fault, `${dev.name} ${dir}`);
      this.drop(0, dev, text);
      return { verdict: r.verdict, redirect: null, clones: [], fault: text };
    }
    return { verdict: r.verdict, redirect: r.redirect, clones: r.clones, fault: null };
  }

  private drop(reason: number, dev: Device, note: string): void {
    this.log.drops.push({ step: this.log.step, node: this.node, reason, device: dev.name, ifindex: dev.ifindex, note });
  }
}

export function describeFault(f: Fault, where: string): string {
  const line = f.source ? ` (${basename(f.source.file)}:${f.source.line}: ${f.source.text.trim()})` : ' (no line info)';
  return `${f.kind} in ${f.program ?? '?'} at pc ${f.pc}${line} on ${where}: ${f.message}`;
}
