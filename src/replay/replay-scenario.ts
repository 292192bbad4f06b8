// `dpsim replay PCAP --scenario FILE --at PLACE/DEVICE:ingress|egress`: the capture's frames
// injected into the emulated topology (src/backends/emu.ts, a `packet` step: written at the
// device for egress, at its veth peer for ingress), in steps of `batch` frames; what every
// observation point saw is written to one capture per point as the steps finish.
//
// Constant memory needs the emulator's logs drained after each step: the captured packets,
// datapath events and drops are taken out of the topology (EmuBackend.collect() would copy
// them all each time). The emulator owns its clock here: the pacing flags do not apply.

import type { ClusterPlan } from '../agent/plan-types.js';
import { EmuBackend } from '../backends/emu.js';
import { BackendUnavailable, type ObservationPoint } from '../backends/types.js';
import { PcapError, type PcapTimestamp } from '../pcap/index.js';
import { ReplayError } from './errors.js';
import { replayFrames, type ReadPosition } from './frames.js';
import { outputTimestamp } from './pacing.js';
import { PointCaptures } from './point-captures.js';
import type { Progress } from './progress.js';

export interface ScenarioReplayOptions {
  file: string;
  plan: ClusterPlan;
  at: ObservationPoint;
  loop: number;
  limit?: number;
  outDir?: string;
  /** Frames per emulator step (default 256). */
  batch?: number;
  progress?: Progress;
  stopped?: () => boolean;
  /** Updated with how far the input has been read (for progress). */
  position?: ReadPosition;
  /** Lets tests hand in a prepared backend. */
  backend?: EmuBackend;
}

export interface ScenarioReplayResult {
  packets: number;
  bytes: number;
  skipped: number;
  /** Frames the emulator refused or could not inject. */
  notSent: number;
  wallNs: number;
  steps: number;
  /** Packets seen per observation point. */
  points: Map<string, number>;
  /** Datapath drops by "node reason". */
  drops: Map<string, { node: string; reason: number; count: number }>;
  notes: string[];
  damaged?: PcapError;
  outputs?: { point: string; path: string; packets: number }[];
}

/** "node1/lxcfrontend:ingress", "pod:frontend/eth0:egress" → an ObservationPoint. */
export function parsePoint(text: string): ObservationPoint {
  const m = /^(.+?)\/([^/]+):(ingress|egress)$/.exec(text);
  if (!m) throw new ReplayError('bad-input', `--at ${text}: expected PLACE/DEVICE:ingress|egress (e.g. node1/lxcfrontend:ingress or pod:frontend/eth0:egress)`);
  return { place: m[1]!, device: m[2]!, direction: m[3] as 'ingress' | 'egress' };
}

export async function replayScenario(o: ScenarioReplayOptions): Promise<ScenarioReplayResult> {
  const backend = o.backend ?? new EmuBackend();
  try {
    await backend.setup(o.plan);
  } catch (e) {
    if (e instanceof BackendUnavailable) throw new ReplayError('environment', `emu backend: ${e.message}`);
    throw e;
  }
  try {
    return await inject(backend, o);
  } finally {
    await backend.teardown();
  }
}

async function inject(backend: EmuBackend, o: ScenarioReplayOptions): Promise<ScenarioReplayResult> {
  const t = backend.topology!;
  const dev = t.device(o.at.place, o.at.device);
  if (!dev) throw new ReplayError('bad-input', `--at: no device ${o.at.device} in ${o.at.place}`);
  if (o.at.direction === 'ingress' && !dev.peer) throw new ReplayError('bad-input', `--at: cannot inject at ${o.at.device} ingress: only veth devices have a peer to write at`);

  const r: ScenarioReplayResult = { packets: 0, bytes: 0, skipped: 0, notSent: 0, wallNs: 0, steps: 0, points: new Map(), drops: new Map(), notes: [] };
  const outputs = o.outDir !== undefined ? new PointCaptures(o.outDir) : undefined;
  const batch = Math.max(1, o.batch ?? 256);
  const t0 = process.hrtime.bigint();
  let frames: Uint8Array[] = [];
  let base: PcapTimestamp | undefined;

  const step = async () => {
    if (frames.length === 0) return;
    const res = await backend.runStep({ kind: 'packet', index: r.steps++, at: o.at, frames });
    r.notSent += frames.length - res.sent;
    if (res.note) for (const n of res.note.split('; ')) if (!r.notes.includes(n) && r.notes.length < 20) r.notes.push(n);
    for (const d of res.drops) {
      const key = `${d.node} ${d.reason}`;
      const x = r.drops.get(key) ?? { node: d.node, reason: d.reason, count: 0 };
      x.count++;
      r.drops.set(key, x);
    }
    frames = [];
    // Drain the emulator's logs (see the header).
    for (const p of t.capture.packets.splice(0)) {
      r.points.set(p.point, (r.points.get(p.point) ?? 0) + 1);
      if (outputs) await outputs.write(p.point, outputTimestamp(base!, p.timeNs), p.frame);
    }
    t.datapathLog.events.splice(0);
    t.datapathLog.drops.splice(0);
  };

  try {
    try {
      for await (const f of replayFrames(o.file, { loop: o.loop, ...(o.limit !== undefined ? { limit: o.limit } : {}), ...(o.stopped ? { stopped: o.stopped } : {}), ...(o.position ? { position: o.position } : {}) })) {
        if (!f.frame) { r.skipped++; continue; }
        base ??= f.timestamp;
        frames.push(f.frame.slice()); // the reader's view is only valid until it reads on
        r.packets++;
        r.bytes += f.frame.length;
        if (frames.length >= batch) await step();
        o.progress?.tick(r.packets);
      }
    } catch (e) {
      if (!(e instanceof PcapError)) throw e;
      r.damaged = e;
    }
    await step();
  } finally {
    await outputs?.close();
  }
  o.progress?.finish(r.packets);
  r.wallNs = Number(process.hrtime.bigint() - t0);
  if (outputs) r.outputs = outputs.files();
  return r;
}
