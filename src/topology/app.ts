// What the emulated applications share: how they report to the running step, and socat's
// blocking write loop over a TCP socket. Applications react to the kernel one scheduler turn
// later (a wake-up), never inside a packet's processing.

import type { Ip4 } from './addr.js';
import type { TcpConn } from './tcp-conn.js';

/** What applications tell the running step. */
export interface AppObserver {
  /** A server accepted a connection / got a datagram (peer = the source it saw). */
  serverContact(host: string, peer: Ip4): void;
  /** A server received bytes of the stream / a datagram. */
  serverBytes(host: string, bytes: number): void;
  note(text: string): void;
}

/** socat reads and writes in blocks of 8 KiB. */
export const APP_BLOCK = 8192;

/**
 * An application's blocking write loop over a socket: blocks of at most APP_BLOCK, what the
 * send buffer does not take now goes when the socket is writable again.
 */
export class BlockWriter {
  private readonly pending: Uint8Array[] = [];
  onDrained: (() => void) | null = null;

  constructor(private readonly conn: TcpConn) {}

  write(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i += APP_BLOCK) this.pending.push(bytes.subarray(i, i + APP_BLOCK));
    this.flush();
  }

  get drained(): boolean {
    return this.pending.length === 0;
  }

  /** Call when the socket reports room (TcpCallbacks.writable). */
  flush(): void {
    while (this.pending.length > 0) {
      const b = this.pending[0]!;
      const n = this.conn.write(b);
      if (n < b.length) {
        this.pending[0] = b.subarray(n);
        return;
      }
      this.pending.shift();
    }
    this.onDrained?.();
  }
}

