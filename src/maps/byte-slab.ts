// Fixed-size byte buffers carved out of large chunks, reused after release. Allocating one
// ArrayBuffer per map entry makes inserts GC-bound; the kernel's preallocated maps reuse
// freed elements the same way (a program still holding a deleted value sees it reused).

const CHUNK_BYTES = 64 * 1024;

export class ByteSlab {
  readonly #perChunk: number;
  #chunk: Uint8Array | undefined;
  #used = 0;
  readonly #free: Uint8Array[] = [];

  constructor(readonly size: number) {
    this.#perChunk = Math.max(1, Math.floor(CHUNK_BYTES / Math.max(size, 1)));
  }

  /** A buffer of `size` bytes with unspecified contents: callers overwrite all of it. */
  alloc(): Uint8Array {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    if (this.#chunk === undefined || this.#used === this.#perChunk) {
      this.#chunk = new Uint8Array(this.#perChunk * this.size);
      this.#used = 0;
    }
    const start = this.#used++ * this.size;
    return this.#chunk.subarray(start, start + this.size);
  }

  /** A copy of the first `size` bytes of `source` in a slab buffer. */
  copyOf(source: Uint8Array): Uint8Array {
    const out = this.alloc();
    out.set(source.length === this.size ? source : source.subarray(0, this.size));
    return out;
  }

  release(buffer: Uint8Array): void {
    this.#free.push(buffer);
  }

  /** Forgets every buffer (after a clear: nothing refers to them any more). */
  reset(): void {
    this.#chunk = undefined;
    this.#used = 0;
    this.#free.length = 0;
  }
}
