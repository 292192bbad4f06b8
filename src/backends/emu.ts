// The emulator backend: the plan's topology modelled in src/topology, the datapath objects
// run by the VM at their tc hooks, everything in virtual time from a seed, so a run repeats
// exactly. A datapath fault is a drop with reason 0 and a note, never an exception.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterPlan } from '../agent/plan-types.js';
import type { ObjectSpec } from '../elf/index.js';
import { exportMaps, type MapsJson } from '../maps/index.js';
import { Topology } from '../topology/topology.js';
import { SpecCache } from '../topology/load-objects.js';
import type { LoadedObject } from '../vm/loaded-object.js';
import { DEFAULT_TIMING, runStep, type TrafficTiming } from '../topology/traffic.js';
import { MS, SEC } from '../topology/scheduler.js';
import { BackendUnavailable, type Backend, type BackendRun, type ResolvedStep, type StepResult } from './types.js';

export interface EmuOptions {
  /** Seeds ISNs, IP IDs, hash seeds, bpf_get_prandom_u32: same seed, same run. Default 1. */
  seed?: number;
  /** Where the plan's object files are; default bpf/build of this checkout. */
  objectDir?: string;
  /** Parsed objects by file name, used instead of reading objectDir. */
  specs?: Record<string, ObjectSpec>;
  /** VM instruction budget per program run. */
  insnBudget?: number;
  /** CLOCK_MONOTONIC when the run starts; default 1000 s. */
  startNs?: number;
  /** Time a frame spends crossing a veth; default 10 µs. */
  hopDelayNs?: number;
  /** Capture at the underlay bridge's ports too (not plan devices; off like the kernel backend). */
  captureUnderlay?: boolean;
  timing?: Partial<TrafficTiming>;
}

export class EmuBackend implements Backend {
  readonly name = 'emu';
  topology: Topology | null = null;
  private readonly steps: StepResult[] = [];
  private readonly timing: TrafficTiming;

  constructor(private readonly opts: EmuOptions = {}) {
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
  }

  async setup(plan: ClusterPlan): Promise<void> {
    const objectDir = this.opts.objectDir ?? defaultObjectDir();
    const cache = new SpecCache(objectDir, this.opts.specs);
    const files = [...new Set(plan.nodes.flatMap((n) => n.objects.map((o) => o.file)))];
    const specs = new Map<string, ObjectSpec>();
    for (const f of files) {
      if (!this.opts.specs?.[f] && !existsSync(join(objectDir, f))) {
        throw new BackendUnavailable(`${join(objectDir, f)} does not exist: build the datapath with make -C bpf`);
      }
      specs.set(f, await cache.get(f));
    }
    this.topology = Topology.build(plan, specs, {
      seed: this.opts.seed ?? 1,
      startNs: this.opts.startNs ?? 1000 * SEC,
      hopDelayNs: this.opts.hopDelayNs ?? 0.01 * MS,
      ...(this.opts.insnBudget !== undefined ? { insnBudget: this.opts.insnBudget } : {}),
      ...(this.opts.captureUnderlay !== undefined ? { captureUnderlay: this.opts.captureUnderlay } : {}),
    });
    this.steps.length = 0;
  }

  async runStep(step: ResolvedStep): Promise<StepResult> {
    const t = this.ready();
    let r: StepResult;
    try {
      r = runStep(t, step, this.timing);
    } catch (e) {
      // A bug in the emulator must not take the scenario down with it: report it on the step.
      r = { index: step.index, sent: 0, replies: 0, delivered: false, drops: [], note: `emulator error: ${(e as Error).stack ?? e}` };
    }
    this.steps.push(r);
    return r;
  }

  async collect(): Promise<Omit<BackendRun, 'timings'>> {
    const t = this.ready();
    const maps: Record<string, Record<string, MapsJson>> = {};
    for (const [node, dp] of t.datapaths) {
      maps[node] = Object.fromEntries([...dp.objects].map(([file, obj]) => [file, exportMaps(obj.maps.values())]));
    }
    // Per node in emission order, as the kernel backend lists them.
    const nodes = [...t.datapaths.keys()];
    const events = [...t.datapathLog.events]
      .sort((a, b) => nodes.indexOf(a.node) - nodes.indexOf(b.node))
      .map((e) => ({ node: e.node, step: e.step, data: e.data }));
    return {
      backend: 'emu',
      steps: [...this.steps],
      packets: [...t.capture.packets],
      maps,
      events,
      clockS: Math.floor(t.sched.now / SEC),
      engine: [...new Set([...t.datapaths.values()].flatMap((dp) => [...dp.objects.values()].map((o) => engineOf(o))))].sort().join('+'),
    };
  }

  async teardown(): Promise<void> {
    this.topology = null;
  }

  private ready(): Topology {
    if (!this.topology) throw new Error('emu backend: setup() has not run');
    return this.topology;
  }
}

/** bpf/build of the checkout this module lives in (src/backends or dist/src/backends). */
function defaultObjectDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'bpf', 'Makefile'))) return join(dir, 'bpf', 'build');
    dir = dirname(dir);
  }
  return join(process.cwd(), 'bpf', 'build');
}

/** The engine an object's programs ran on: its own choice, or the interpreter for programs the wasm engine left to it. */
function engineOf(obj: LoadedObject): string {
  const fast = obj.vm.fastPath as { fallbackReasons?: Map<unknown, string> } | null;
  return obj.engine === 'wasm' && fast?.fallbackReasons?.size ? 'wasm+interp' : obj.engine;
}
