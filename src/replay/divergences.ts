// With --backend both: each packet's two outcomes compared as `dpsim prog diff` compares them
// (src/diff), and the maps after the last packet. Memory stays bounded: every divergence is
// counted, the first `keep` are kept for the report.

import { compareRun } from '../diff/run-compare.js';
import { compareMaps } from '../diff/map-compare.js';
import { NormalisationLog } from '../diff/normalisation-log.js';
import { CLOCK_LIFETIMES } from '../diff/clock-fields.js';
import { SKB_CTX, XDP_CTX, type Comparison, type Divergence } from '../diff/index.js';
import { emulatorSnapshot } from '../diff/map-snapshot.js';
import type { KernelSide } from '../diff/kernel-side.js';
import type { LoadedObject } from '../vm/index.js';
import type { PacketOutcome } from './outcome.js';

export class DivergenceLog {
  count = 0;
  /** Packets (by number) with at least one divergence. */
  packets = 0;
  readonly kept: Divergence[] = [];
  private readonly log = new NormalisationLog();

  constructor(private readonly eventMapOrder: readonly string[], private readonly xdp: boolean, private readonly keep = 50) {}

  /** Compares one packet's outcomes; returns its divergences. */
  packet(number: number, emu: PacketOutcome, kernel: PacketOutcome): Divergence[] {
    const d = compareRun(number, emu, kernel, this.eventMapOrder, this.log, this.xdp ? XDP_CTX : SKB_CTX);
    this.add(d);
    if (d.length) this.packets++;
    return d;
  }

  /** The map contents after the last packet, as prog diff compares them. */
  async finalMaps(obj: LoadedObject, kernel: KernelSide): Promise<Divergence[]> {
    // As EmulatorSide snapshots: every stateful map (not perf/ringbuf), with the VM's clock.
    const maps = [...obj.maps.values()].filter((m) => m.kind !== 'perf-event-array' && m.kind !== 'ringbuf');
    const emu = maps.map((m) => ({ ...emulatorSnapshot(m), clockNs: obj.env.clockNs }));
    const d = compareMaps(emu, await kernel.snapshot(maps), [CLOCK_LIFETIMES], this.log);
    this.add(d);
    return d;
  }

  comparison(): Comparison {
    return { divergences: this.kept, normalisations: this.log.list() };
  }

  private add(d: Divergence[]): void {
    this.count += d.length;
    for (const x of d) if (this.kept.length < this.keep) this.kept.push(x);
  }
}
