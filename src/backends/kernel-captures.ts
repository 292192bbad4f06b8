// Packet captures at every device of the plan, one tcpdump per device and direction
// (`-Q in` / `-Q out`: libpcap cannot record the direction in a pcap file, and `-i any`
// replaces the Ethernet header, losing the destination MAC). Nanosecond timestamps
// attribute packets to steps. Where the taps sit matters: ingress taps see a packet before
// tc ingress runs (so also packets the program drops), egress taps after tc egress.

import { join } from 'node:path';
import { Capture, type Testbed } from '../../harness/netns/index.js';
import { readPackets } from '../pcap/index.js';
import { pointName, type CapturedPacket, type ObservationPoint } from './types.js';
import type { PlaceNames, PlanDevice } from './kernel-topology.js';
import type { Timeline } from './kernel-timeline.js';

interface Running {
  point: ObservationPoint;
  capture: Capture;
}

export class Captures {
  private stopped: Promise<void> | undefined;

  private constructor(private readonly running: Running[]) {}

  static async start(tb: Testbed, devices: PlanDevice[], names: PlaceNames): Promise<Captures> {
    const points: ObservationPoint[] = devices.flatMap(({ place, device }) =>
      (['ingress', 'egress'] as const).map((direction) => ({ place, device: device.name, direction })));
    const settled = await Promise.allSettled(points.map(async (point) => {
      const file = join(tb.workDir, `cap-${pointName(point).replace(/[^A-Za-z0-9_.-]/g, '_')}.pcap`);
      const capture = await Capture.start(tb, names.testbed(point.place), point.device, {
        direction: point.direction === 'ingress' ? 'in' : 'out', file, nanoseconds: true,
      });
      return { point, capture };
    }));
    const running = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(running.map((r) => r.capture.stop()));
      throw failed.reason;
    }
    return new Captures(running);
  }

  /** One capturing process per plan place: something living in each namespace. */
  pids(): { place: string; pid: number }[] {
    const byPlace = new Map<string, number>();
    for (const r of this.running) if (r.capture.pid !== undefined && !byPlace.has(r.point.place)) byPlace.set(r.point.place, r.capture.pid);
    return [...byPlace].map(([place, pid]) => ({ place, pid }));
  }

  /** Stops every tcpdump (SIGINT flushes its file); once. */
  stop(): Promise<void> {
    this.stopped ??= Promise.all(this.running.map((r) => r.capture.stop())).then(() => undefined);
    return this.stopped;
  }

  /** Every captured frame, in time order, attributed to the step running at its timestamp. */
  async read(timeline: Timeline): Promise<CapturedPacket[]> {
    await this.stop();
    const packets: (CapturedPacket & { real: bigint })[] = [];
    for (const r of this.running) {
      const point = pointName(r.point);
      for await (const p of readPackets(r.capture.file)) {
        const real = BigInt(p.timestamp.seconds) * 1_000_000_000n + BigInt(p.timestamp.nanos);
        packets.push({ point, timeNs: Number(real - timeline.runStart.real), frame: p.data.slice(), step: timeline.stepAtReal(real), real });
      }
    }
    packets.sort((a, b) => (a.real < b.real ? -1 : a.real > b.real ? 1 : 0));
    return packets.map(({ real: _, ...p }) => p);
  }
}
