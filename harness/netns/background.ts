// Long-running programs inside a namespace (tcpdump, socat servers): started without a shell
// so the recorded pid is the program's own (pitfall 11), watched for a readiness line,
// stopped with a signal and reaped (awaiting `exited` means Node has collected the status).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { inNetns } from './exec.js';

const OUTPUT_KEEP = 256 * 1024;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Something teardown must stop; the testbed keeps a set of them. */
export interface Stoppable {
  readonly pid: number | undefined;
  killNow(): void;
}

export class BackgroundProcess implements Stoppable {
  private readonly child: ChildProcessWithoutNullStreams;
  private out = '';
  private err = '';
  private watchers: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  private lineListeners: ((line: string, stream: 'out' | 'err') => void)[] = [];
  private partial = { out: '', err: '' };
  private exitStatus: Exit | undefined;
  readonly exited: Promise<Exit>;

  constructor(readonly netns: string, readonly argv: string[], onExit?: (p: BackgroundProcess) => void) {
    const full = inNetns(netns, argv[0]!, argv.slice(1));
    this.child = spawn(full[0]!, full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => this.onOutput('out', d));
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => this.onOutput('err', d));
    this.child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => {
      const done = (status: Exit) => {
        this.exitStatus ??= status;
        onExit?.(this);
        resolve(this.exitStatus);
      };
      this.child.on('error', () => done({ code: -1, signal: null }));
      this.child.on('close', (code, signal) => done({ code, signal }));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  get running(): boolean {
    return this.exitStatus === undefined;
  }

  get stdin(): NodeJS.WritableStream {
    return this.child.stdin;
  }

  /** Resolves with the first match in stdout or stderr (past or future); rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const seen = pattern.exec(this.out) ?? pattern.exec(this.err);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      const fail = (why: string) => {
        this.watchers = this.watchers.filter((w) => w !== watcher);
        reject(new Error(`${this.argv.join(' ')} in ${this.netns}: no ${pattern} (${why}); stderr: ${this.err.trim().slice(-1000)}`));
      };
      const watcher = { pattern, resolve: (m: RegExpExecArray) => (clearTimeout(timer), resolve(m)) };
      this.watchers.push(watcher);
      void this.exited.then((e) => {
        if (this.watchers.includes(watcher)) {
          clearTimeout(timer);
          fail(`exited with ${e.signal ?? e.code}`);
        }
      });
    });
  }

  /**
   * Calls FN with every complete line of output from now on (the kept output is a bounded
   * tail, so long-running servers report through this instead).
   */
  onLine(fn: (line: string, stream: 'out' | 'err') => void): void {
    this.lineListeners.push(fn);
  }

  /** Sends SIGNAL, waits for the exit, and SIGKILLs after GRACEMS. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<Exit> {
    if (this.running) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  killNow(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  private onOutput(which: 'out' | 'err', chunk: string): void {
    if (which === 'out') this.out = (this.out + chunk).slice(-OUTPUT_KEEP);
    else this.err = (this.err + chunk).slice(-OUTPUT_KEEP);
    if (this.lineListeners.length) {
      const lines = (this.partial[which] + chunk).split('\n');
      this.partial[which] = lines.pop()!;
      for (const line of lines) for (const fn of this.lineListeners) fn(line, which);
    }
    for (const w of [...this.watchers]) {
      const m = w.pattern.exec(which === 'out' ? this.out : this.err);
      if (m) {
        this.watchers = this.watchers.filter((x) => x !== w);
        w.resolve(m);
      }
    }
  }
}
