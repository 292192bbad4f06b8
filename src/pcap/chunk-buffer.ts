// A sliding window over a stream of chunks. Records that lie inside one chunk are read in place
// (packets are views, no copy); a record that straddles chunks is copied into a "bridge" buffer
// of exactly the bytes asked for. Memory held: the current chunk, the chunks queued while a
// large record gathers, and at most one record's bridge.

const EMPTY = new Uint8Array(0);

export class ChunkBuffer {
  /** Current bytes; the unread part starts at `pos`. */
  bytes: Uint8Array = EMPTY;
  view: DataView = new DataView(EMPTY.buffer);
  pos = 0;
  /** File offset of bytes[0]. Invariant: queue[0] starts at base + bytes.length. */
  private base = 0;
  private readonly queue: Uint8Array[] = [];
  private queued = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    // Buffers from streams become plain Uint8Array views so that packets have one type.
    const plain = chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.pos === this.bytes.length && this.queue.length === 0) this.setCurrent(plain, this.base + this.bytes.length);
    else {
      this.queue.push(plain);
      this.queued += plain.length;
    }
  }

  /** Unread bytes held, current chunk and queue together. */
  get available(): number {
    return this.bytes.length - this.pos + this.queued;
  }

  /** File offset of the next unread byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Makes `n` unread bytes contiguous at bytes[pos..]; false (nothing changed) if fewer are held. */
  ensure(n: number): boolean {
    if (this.bytes.length - this.pos >= n) return true;
    if (this.available < n) return false;
    if (this.pos === this.bytes.length && this.queue[0]!.length >= n) {
      this.setCurrent(this.queue.shift()!, this.base + this.bytes.length);
      this.queued -= this.bytes.length;
      return true;
    }
    this.bridge(n);
    return true;
  }

  advance(n: number): void {
    this.pos += n;
  }

  private bridge(n: number): void {
    const joined = new Uint8Array(n);
    const head = this.bytes.subarray(this.pos);
    joined.set(head);
    let filled = head.length;
    while (filled < n) {
      const next = this.queue[0]!;
      const take = Math.min(next.length, n - filled);
      joined.set(next.subarray(0, take), filled);
      filled += take;
      this.queued -= take;
      if (take === next.length) this.queue.shift();
      else this.queue[0] = next.subarray(take);
    }
    this.setCurrent(joined, this.base + this.pos);
  }

  private setCurrent(bytes: Uint8Array, base: number): void {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    this.base = base;
  }
}
