// A one-shot socat server in a namespace: accepts one TCP connection (or one UDP datagram),
// writes what it got into a file and exits. Its log (-d -d) tells when it listens and who
// the peer was, i.e. the source address after any NAT.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BackgroundProcess } from './background.js';
import type { Places } from './places.js';

export interface ServerResult {
  /** Whether a connection (TCP) or datagram (UDP) arrived. */
  received: boolean;
  bytes: number;
  /** The source address and port the server saw. */
  peer?: { ip: string; port: number };
}

let serverCount = 0;

export class OneShotServer {
  private constructor(private readonly tb: Places, private readonly proc: BackgroundProcess, private readonly file: string) {}

  static async start(tb: Places, place: string, protocol: 'tcp' | 'udp', port: number, readyTimeoutMs = 5000): Promise<OneShotServer> {
    const file = join(tb.workDir, `${protocol}-${place}-${port}-${serverCount++}.bin`);
    const listen = protocol === 'tcp' ? `TCP-LISTEN:${port},reuseaddr` : `UDP-RECVFROM:${port}`;
    const proc = new BackgroundProcess(tb.netnsOf(place), ['socat', '-d', '-d', '-u', listen, `OPEN:${file},creat,trunc`], (p) => tb.untrack(p));
    tb.track(proc);
    try {
      await proc.waitFor(protocol === 'tcp' ? /listening on/ : /receiving on/, readyTimeoutMs);
    } catch (err) {
      await proc.stop('SIGKILL');
      throw err;
    }
    return new OneShotServer(tb, proc, file);
  }

  /** Waits up to TIMEOUTMS for the server to finish, then stops it either way. */
  async result(timeoutMs: number): Promise<ServerResult> {
    const timer = setTimeout(() => void this.proc.stop('SIGTERM'), timeoutMs);
    await this.proc.exited;
    clearTimeout(timer);
    this.tb.untrack(this.proc);
    const m = /(?:accepting connection|receiving packet) from AF=2 ([\d.]+):(\d+)/.exec(this.proc.stderr);
    let bytes = 0;
    try {
      bytes = statSync(this.file).size;
    } catch {
      // nothing arrived: socat opens the file only after the first connection or datagram
    }
    return { received: m !== null, bytes, ...(m ? { peer: { ip: m[1]!, port: Number(m[2]) } } : {}) };
  }

  /** Stops a server that is no longer needed (e.g. the client failed). */
  async stop(): Promise<void> {
    await this.proc.stop('SIGTERM');
    this.tb.untrack(this.proc);
  }
}
