// What the emulated kernel did with packets outside the datapath programs: drops (with the
// kernel's reason), errors a client would see. Steps turn these into notes.

export interface KernelEvent {
  step: number;
  timeNs: number;
  /** "node1/lxcclient" or "pod:client". */
  where: string;
  what: string;
  /** Expected noise (a host dropping a frame the bridge flooded to it): kept, not summarised. */
  quiet: boolean;
}

export class KernelLog {
  readonly events: KernelEvent[] = [];
  step = -1;

  constructor(private readonly clock: () => number) {}

  note(where: string, what: string, quiet = false): void {
    this.events.push({ step: this.step, timeNs: this.clock(), where, what, quiet });
  }

  /** This step's events, "where: what (×n)", in first-seen order. */
  summary(step: number): string[] {
    const counts = new Map<string, number>();
    for (const e of this.events) {
      if (e.step !== step || e.quiet) continue;
      const k = `${e.where}: ${e.what}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return [...counts].map(([k, n]) => (n > 1 ? `${k} (×${n})` : k));
  }
}
