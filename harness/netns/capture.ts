// Packet captures with tcpdump inside a namespace: started in the background, ready once
// tcpdump says "listening on", stopped with SIGINT (which flushes the file) after the traffic.
import { join } from 'node:path';
import { BackgroundProcess } from './background.js';
import type { Places } from './places.js';

export interface CaptureOptions {
  /** A pcap filter, e.g. "icmp" or "udp port 8472". */
  filter?: string;
  /** Only packets received (in) or sent (out) by the device; default both. */
  direction?: 'in' | 'out' | 'inout';
  /** Where the pcap goes; default WORKDIR/PLACE-DEV-N.pcap (removed at teardown). */
  file?: string;
  readyTimeoutMs?: number;
  /** Nanosecond timestamps (a pcap-nsec file) instead of microseconds. */
  nanoseconds?: boolean;
}

export interface CaptureResult {
  file: string;
  /** tcpdump's own count ("N packets captured"). */
  packets: number;
}

let captureCount = 0;

export class Capture {
  private constructor(private readonly tb: Places, private readonly proc: BackgroundProcess, readonly file: string) {}

  static async start(tb: Places, place: string, dev: string, opts: CaptureOptions = {}): Promise<Capture> {
    const file = opts.file ?? join(tb.workDir, `${place}-${dev}-${captureCount++}.pcap`);
    // --immediate-mode: without it packets wait in the kernel's ring until a block fills or
    // times out, and the last ones are lost at SIGINT. -U: write each packet at once.
    // -Z root: Debian's tcpdump would drop to a user that cannot write into the root-only
    // work folder. -n: no DNS lookups.
    const argv = ['tcpdump', '-i', dev, '-w', file, '--immediate-mode', '-U', '-n', '-Z', 'root', '-Q', opts.direction ?? 'inout'];
    if (opts.nanoseconds) argv.push('--time-stamp-precision=nano');
    if (opts.filter) argv.push(opts.filter);
    const proc = new BackgroundProcess(tb.netnsOf(place), argv, (p) => tb.untrack(p));
    tb.track(proc);
    try {
      await proc.waitFor(/listening on/, opts.readyTimeoutMs ?? 5000);
    } catch (err) {
      await proc.stop('SIGKILL');
      throw err;
    }
    return new Capture(tb, proc, file);
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Stops tcpdump (SIGINT), waits for it to exit and returns the pcap path. */
  async stop(): Promise<CaptureResult> {
    await this.proc.stop('SIGINT');
    this.tb.untrack(this.proc);
    return { file: this.file, packets: Number(/(\d+) packets? captured/.exec(this.proc.stderr)?.[1] ?? 0) };
  }
}

export const startCapture = (tb: Places, place: string, dev: string, opts?: CaptureOptions): Promise<Capture> => Capture.start(tb, place, dev, opts);
