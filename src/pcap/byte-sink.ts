// Output staging for the writers: records are built in place in 256 KiB chunks, handed to a
// Writable (waiting for 'drain' when it asks) or kept to return as one buffer.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';

const CHUNK_BYTES = 256 * 1024;

export type CaptureTarget = string | Writable;

export class ByteSink {
  bytes = new Uint8Array(CHUNK_BYTES);
  view = new DataView(this.bytes.buffer);
  private pos = 0;
  private readonly ready: Uint8Array[] = [];
  private readonly kept: Uint8Array[] = [];
  private readonly stream: Writable | undefined;
  private closed = false;

  /** With no target the bytes are kept for toBytes(); `end` ends a given Writable on close. */
  constructor(target?: CaptureTarget, private readonly end = true) {
    this.stream = typeof target === 'string' ? createWriteStream(target) : target;
  }

  /** Room for `n` zeroed bytes at the returned offset in `bytes`/`view`. */
  reserve(n: number): number {
    if (this.closed) throw new Error('capture writer is closed');
    if (this.pos + n > this.bytes.length) this.handOff(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** Passes full chunks on; resolves once the Writable has room again. */
  async flush(force = false): Promise<void> {
    if (force) this.handOff();
    while (this.ready.length > 0) {
      const chunk = this.ready.shift()!;
      if (!this.stream) this.kept.push(chunk);
      else if (!this.stream.write(chunk)) await once(this.stream, 'drain');
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush(true);
    this.closed = true;
    if (this.stream && this.end) {
      this.stream.end();
      await finished(this.stream);
    }
  }

  /** Everything written so far (when there is no target). */
  toBytes(): Uint8Array {
    const parts = [...this.kept, ...this.ready, this.bytes.subarray(0, this.pos)];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  get hasPending(): boolean {
    return this.ready.length > 0;
  }

  /** Queues the filled part and starts a fresh chunk (never reused: a Writable may still hold it). */
  private handOff(minBytes = 0): void {
    if (this.pos > 0) this.ready.push(this.bytes.subarray(0, this.pos));
    else if (minBytes <= this.bytes.length) return;
    this.bytes = new Uint8Array(Math.max(CHUNK_BYTES, minBytes));
    this.view = new DataView(this.bytes.buffer);
    this.pos = 0;
  }
}
