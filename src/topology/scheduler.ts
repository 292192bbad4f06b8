// Virtual time: one queue of tasks ordered by (time, insertion), so a run repeats exactly.
// Nothing in the topology reads a wall clock.

export type Task = () => void;

export interface Timer {
  readonly at: number;
  cancel(): void;
}

interface Entry {
  at: number;
  seq: number;
  task: Task;
  cancelled: boolean;
}

export class Scheduler {
  private heap: Entry[] = [];
  private seq = 0;

  /** Nanoseconds of CLOCK_MONOTONIC (what bpf_ktime_get_ns reads). */
  constructor(public now: number) {}

  after(delayNs: number, task: Task): Timer {
    const e: Entry = { at: this.now + Math.max(0, delayNs), seq: this.seq++, task, cancelled: false };
    this.push(e);
    return { at: e.at, cancel: () => { e.cancelled = true; } };
  }

  /** Runs due tasks in order until none is left at or before `until`, or `done()` holds. */
  run(until: number, done: () => boolean = () => false): void {
    while (!done()) {
      const next = this.peekLive();
      if (!next || next.at > until) {
        this.now = Math.max(this.now, until);
        return;
      }
      this.pop();
      this.now = next.at;
      next.task();
    }
  }

  /** Time of the next live task, if any. */
  nextAt(): number | undefined {
    return this.peekLive()?.at;
  }

  private peekLive(): Entry | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0];
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

export const MS = 1_000_000;
export const SEC = 1_000_000_000;
