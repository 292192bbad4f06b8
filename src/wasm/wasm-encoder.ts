// A minimal WebAssembly binary writer: LEB128 numbers, a growable byte buffer and the
// module/section framing of the binary format (spec §5). Only what the translator needs.

export class ByteWriter {
  private buf = new Uint8Array(1024);
  length = 0;

  byte(b: number): this {
    if (this.length === this.buf.length) this.reserve(1);
    this.buf[this.length++] = b & 0xff;
    return this;
  }

  private reserve(n: number): void {
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.buf.subarray(0, this.length));
    this.buf = bigger;
  }

  bytes(bs: ArrayLike<number>): this {
    if (bs instanceof Uint8Array) {
      if (this.length + bs.length > this.buf.length) this.reserve(bs.length);
      this.buf.set(bs, this.length);
      this.length += bs.length;
      return this;
    }
    for (let i = 0; i < bs.length; i++) this.byte(bs[i]!);
    return this;
  }

  /** Unsigned LEB128 (counts, indices, sizes). */
  u32(n: number): this {
    n >>>= 0;
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n !== 0) b |= 0x80;
      this.byte(b);
    } while (n !== 0);
    return this;
  }

  /** Signed LEB128 of a 32-bit value (i32.const). */
  s32(n: number): this {
    n |= 0;
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  /** Signed LEB128 of a 64-bit value (i64.const). */
  s64(v: bigint): this {
    // values in i32 range have the same encoding as s32 (most immediates): no BigInt loop
    if (v >= -0x80000000n && v <= 0x7fffffffn) return this.s32(Number(v));
    v = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  name(s: string): this {
    const enc = new TextEncoder().encode(s);
    return this.u32(enc.length).bytes(enc);
  }

  /** A length-prefixed nested payload (sections, function bodies). */
  sized(w: ByteWriter): this {
    return this.u32(w.length).bytes(w.toBytes());
  }

  toBytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

export const SECTION = { type: 1, import: 2, function: 3, global: 6, export: 7, code: 10 } as const;

/** "\0asm" and version 1. */
export const MODULE_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function section(out: ByteWriter, id: number, body: ByteWriter): void {
  out.byte(id).sized(body);
}
