// A child process that answers one stdout line per stdin line, in order.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

const STDERR_KEEP = 8192;

export class LineProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  private partial = '';
  private stderrTail = '';
  private exitError: Error | undefined;
  readonly exited: Promise<void>;

  constructor(bin: string, args: string[]) {
    this.child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr.setEncoding('utf8');
    // Always drained: a full stderr pipe would block the helper.
    this.child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_KEEP);
    });
    this.child.stdin.on('error', () => {}); // EPIPE after an exit is reported through `exited`
    this.exited = new Promise((resolve) => {
      const finish = (why: string) => {
        this.exitError ??= new Error(`${bin} ${why}${this.stderrTail ? `: ${this.stderrTail.trim()}` : ''}`);
        for (const w of this.waiting.splice(0)) w.reject(this.exitError);
        resolve();
      };
      this.child.on('error', (err) => finish(`could not run (${err.message})`));
      this.child.on('close', (code, signal) => finish(signal ? `was killed by ${signal}` : `exited with ${code}`));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The next line the process prints (the first one is its greeting). */
  nextLine(): Promise<string> {
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  request(line: string): Promise<string> {
    if (line.includes('\n')) return Promise.reject(new TypeError('a request must be one line'));
    const answer = this.nextLine();
    if (!this.exitError) this.child.stdin.write(line + '\n');
    return answer;
  }

  /** Closes stdin (the helper exits on EOF) and kills it if it lingers. */
  async end(graceMs = 2000): Promise<void> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private onStdout(chunk: string): void {
    this.partial += chunk;
    let newline: number;
    while ((newline = this.partial.indexOf('\n')) >= 0) {
      const line = this.partial.slice(0, newline);
      this.partial = this.partial.slice(newline + 1);
      this.waiting.shift()?.resolve(line);
    }
  }
}
