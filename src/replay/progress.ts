// Progress on stderr: a bar redrawn in place on a terminal, a plain line every few seconds
// otherwise (logs, CI), nothing when turned off. Cheap per packet: the clock is read every
// 256 packets.

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export type ProgressMode = 'bar' | 'lines' | 'none';

export interface ProgressOptions {
  mode: ProgressMode;
  /** Packets expected in all (--limit), when known. */
  total?: number;
  /** How much of the input has been read, 0..1 (file position), when known. */
  fraction?: () => number | undefined;
  /** How often a line is printed in 'lines' mode; default 2000 ms. */
  intervalMs?: number;
  now?: () => number;
}

const BAR_MS = 100;

export class Progress {
  private readonly start: number;
  private last: number;
  private drawn = false;
  private readonly now: () => number;

  constructor(private readonly out: ProgressStream, private readonly opts: ProgressOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.start = this.last = this.now();
  }

  static modeFor(out: ProgressStream, wanted: 'auto' | ProgressMode): ProgressMode {
    return wanted === 'auto' ? (out.isTTY ? 'bar' : 'lines') : wanted;
  }

  tick(done: number): void {
    if (this.opts.mode === 'none' || (done & 255) !== 0) return;
    const t = this.now();
    if (t - this.last < (this.opts.mode === 'bar' ? BAR_MS : this.opts.intervalMs ?? 2000)) return;
    this.last = t;
    this.render(done, t);
  }

  /** Removes the bar before other output goes to the same terminal. */
  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }

  finish(done: number): void {
    if (this.opts.mode === 'none') return;
    if (this.opts.mode === 'bar') {
      this.render(done, this.now(), true);
      this.out.write('\n');
      this.drawn = false;
    }
  }

  /** The fraction done: of --limit's packets or of the input's bytes, whichever is further. */
  done(done: number): number | undefined {
    const byCount = this.opts.total ? done / this.opts.total : undefined;
    const byBytes = this.opts.fraction?.();
    if (byCount === undefined) return byBytes;
    return byBytes === undefined ? byCount : Math.max(byCount, byBytes);
  }

  /** "450000/1000000 packets (45%), 42000 pps, ETA 13 s" */
  describe(done: number, t: number, final = false): string {
    const secs = (t - this.start) / 1000;
    const pps = secs > 0 ? done / secs : 0;
    const f = final ? 1 : this.done(done);
    const of = this.opts.total ? `/${this.opts.total}` : '';
    const pct = f !== undefined ? ` (${Math.floor(100 * f)}%)` : '';
    const eta = f !== undefined && f > 0 && f < 1 ? `, ETA ${Math.ceil((secs * (1 - f)) / f)} s` : '';
    return `${done}${of} packets${pct}, ${Math.round(pps)} pps${eta}`;
  }

  private render(done: number, t: number, final = false): void {
    const text = this.describe(done, t, final);
    if (this.opts.mode === 'lines') {
      this.out.write(`replay: ${text}\n`);
      return;
    }
    const f = final ? 1 : this.done(done);
    const width = Math.max(10, Math.min(40, (this.out.columns ?? 80) - text.length - 4));
    let bar: string;
    if (f !== undefined) {
      const filled = Math.min(width, Math.floor(width * f));
      bar = '='.repeat(filled) + (filled < width ? '>' : '') + ' '.repeat(Math.max(0, width - filled - 1));
    } else {
      const at = Math.floor(done / 256) % (width - 2); // looping until stopped: a bouncing marker
      bar = ' '.repeat(at) + '<=>' + ' '.repeat(Math.max(0, width - at - 3));
    }
    this.out.write(`\r[${bar.slice(0, width)}] ${text}\x1b[K`);
    this.drawn = true;
  }
}
