// When each step ran, on the two clocks observations carry: CLOCK_MONOTONIC (perf samples,
// like bpf_ktime_get_ns) and CLOCK_REALTIME (tcpdump's timestamps). Anything observed is
// attributed to the last step that had started by then; before the first step: -1.

export interface Instant {
  mono: bigint;
  real: bigint;
}

/** Both clocks now, in ns (realtime to the microsecond: performance.timeOrigin + now()). */
export function now(): Instant {
  return { mono: process.hrtime.bigint(), real: BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n };
}

export class Timeline {
  /** Set when setup is done: capture times are reported relative to it. */
  runStart: Instant = now();
  private readonly starts: { step: number; at: Instant }[] = [];

  startStep(step: number): void {
    this.starts.push({ step, at: now() });
  }

  stepAtMono(t: bigint): number {
    return this.find((a) => a.mono <= t);
  }

  stepAtReal(t: bigint): number {
    return this.find((a) => a.real <= t);
  }

  private find(started: (at: Instant) => boolean): number {
    for (let i = this.starts.length - 1; i >= 0; i--) if (started(this.starts[i]!.at)) return this.starts[i]!.step;
    return -1;
  }
}
