// `dpsim replay PCAP --prog OBJ:PROG`: every packet of a capture, made an Ethernet frame,
// through one program with its map state carried across packets; verdicts counted, each
// packet written (as the program left it) to the output capture of its verdict. Streaming:
// one packet at a time on the VM, at most `batch` runs in flight to the kernel.

import { PcapError, type PcapTimestamp } from '../pcap/index.js';
import { tcpdumpLine } from '../packet/decode.js';
import { ReplayCounts } from './counts.js';
import { DivergenceLog } from './divergences.js';
import type { Engines } from './engines.js';
import { replayFrames, type ReadPosition } from './frames.js';
import type { PacketOutcome } from './outcome.js';
import { OutputCaptures } from './outputs.js';
import { outputTimestamp, VirtualPacer, type Pacing } from './pacing.js';
import type { PacketReport } from './report.js';
import { actionName, classify, dropReasonOf } from './verdict.js';
import type { Progress } from './progress.js';

export interface ProgramReplayOptions {
  file: string;
  engines: Engines;
  loop: number;
  limit?: number;
  pacing: Pacing;
  /** Directory for passed.pcap, dropped.pcap, redirect-N.pcap, other.pcap. */
  outDir?: string;
  /** Called for every packet in order; `wantSummary` fills PacketReport.summary. */
  onPacket?: (r: PacketReport) => void;
  wantSummary?: boolean;
  progress?: Progress;
  /** Kernel runs in flight at once (default 256). */
  batch?: number;
  stopped?: () => boolean;
  /** Updated with how far the input has been read (for progress). */
  position?: ReadPosition;
}

export interface ProgramReplayResult {
  counts: ReplayCounts;
  wallNs: number;
  /** The capture's damage, after the packets before it were replayed. */
  damaged?: PcapError;
  divergences?: DivergenceLog;
  outputs?: { name: string; path: string; packets: number }[];
}

interface InFlight {
  number: number;
  summary: string;
  timestamp: PcapTimestamp;
  emu?: PacketOutcome;
  kernel?: Promise<PacketOutcome>;
}

export async function replayProgram(o: ProgramReplayOptions): Promise<ProgramReplayResult> {
  const { engines } = o;
  const counts = new ReplayCounts();
  const divergences = engines.emu && engines.kernel ? new DivergenceLog(engines.eventMapOrder, engines.xdp) : undefined;
  const outputs = o.outDir !== undefined ? new OutputCaptures(o.outDir) : undefined;
  const pacer = new VirtualPacer(o.pacing);
  const batch = Math.max(1, o.batch ?? 256);
  const inFlight: InFlight[] = [];
  let base: PcapTimestamp | undefined;
  let damaged: PcapError | undefined;
  const t0 = process.hrtime.bigint();

  const settle = async (p: InFlight, emu: PacketOutcome | undefined, kernel: PacketOutcome | undefined) => {
    const out = (emu ?? kernel)!;
    const report: PacketReport = { number: p.number, summary: p.summary, outcome: out };
    if (emu && kernel) report.divergences = divergences!.packet(p.number, emu, kernel);
    if (out.refused) counts.refused++;
    else if (out.fault) counts.faults++;
    else {
      const verdict = classify(out.retval, engines.xdp);
      const reason = dropReasonOf(out.events);
      const target = out.redirect?.ifindex;
      const action = actionName(out.retval, engines.xdp);
      counts.add(verdict, { action, ...(reason !== undefined ? { reason } : {}), ...(target !== undefined ? { target } : {}) });
      Object.assign(report, { verdict, action, ...(reason !== undefined ? { dropReason: reason } : {}), ...(target !== undefined ? { target } : {}) });
      if (outputs) await outputs.write(verdict, target, p.timestamp, out.dataOut);
    }
    o.onPacket?.(report);
  };
  /** Settles the oldest runs until at most `keep` are in flight (a sliding window keeps the helper busy). */
  const drain = async (keep = 0) => {
    while (inFlight.length > keep) {
      const p = inFlight.shift()!;
      await settle(p, p.emu, await p.kernel);
    }
  };

  try {
    try {
      for await (const f of replayFrames(o.file, { loop: o.loop, ...(o.limit !== undefined ? { limit: o.limit } : {}), ...(o.stopped ? { stopped: o.stopped } : {}), ...(o.position ? { position: o.position } : {}) })) {
        if (!f.frame) {
          counts.skipped++;
          o.onPacket?.({ number: f.number, summary: '', linkType: f.linkType });
          continue;
        }
        const offset = pacer.next(f.timestamp, f.frame.length, f.loopStart);
        base ??= f.timestamp;
        counts.virtualNs = offset;
        counts.packets++;
        counts.bytes += f.frame.length;
        const p: InFlight = { number: f.number, summary: o.wantSummary ? tcpdumpLine(f.frame) : '', timestamp: outputTimestamp(base, offset) };
        if (engines.emu) p.emu = engines.emu.run(f.frame, offset);
        if (!engines.kernel) {
          await settle(p, p.emu, undefined);
        } else {
          p.kernel = engines.kernel.submit(f.frame);
          inFlight.push(p);
          if (inFlight.length >= batch) await drain(batch - 1);
        }
        o.progress?.tick(counts.packets);
      }
    } catch (e) {
      if (!(e instanceof PcapError)) throw e;
      damaged = e;
    }
    await drain();
    if (divergences) await divergences.finalMaps(engines.obj, engines.kernel!.side);
  } finally {
    // Let every request still in flight settle before the caller closes the kernel helper.
    await Promise.allSettled(inFlight.map((p) => p.kernel));
    await outputs?.close();
  }
  o.progress?.finish(counts.packets);
  return {
    counts, wallNs: Number(process.hrtime.bigint() - t0),
    ...(damaged ? { damaged } : {}), ...(divergences ? { divergences } : {}),
    ...(outputs ? { outputs: outputs.files() } : {}),
  };
}
