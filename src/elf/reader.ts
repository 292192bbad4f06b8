// Bounds-checked little-endian reads over a byte slice. Every read names what was being read
// (`what`) so an out-of-range offset becomes an ElfError instead of a RangeError.

import { ElfError } from './errors.js';

const utf8 = new TextDecoder();

export class ByteReader {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  fail(detail: string): never {
    throw new ElfError(this.file, `${this.what}: ${detail}`);
  }

  /** Throws unless [at, at+size) lies inside the slice. */
  need(at: number, size: number, item: string): void {
    if (!Number.isInteger(at) || at < 0 || size < 0 || at + size > this.bytes.length) {
      this.fail(`${item} at offset ${at} (+${size} bytes) is past the end (${this.bytes.length} bytes); truncated?`);
    }
  }

  u8(at: number, item = 'byte'): number {
    this.need(at, 1, item);
    return this.view.getUint8(at);
  }
  u16(at: number, item = 'u16'): number {
    this.need(at, 2, item);
    return this.view.getUint16(at, true);
  }
  u32(at: number, item = 'u32'): number {
    this.need(at, 4, item);
    return this.view.getUint32(at, true);
  }
  i32(at: number, item = 'i32'): number {
    this.need(at, 4, item);
    return this.view.getInt32(at, true);
  }
  /** A u64 that must fit a JS number (file offsets and sizes always do in practice). */
  u64(at: number, item = 'u64'): number {
    this.need(at, 8, item);
    const v = this.view.getBigUint64(at, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${item} at offset ${at} is too large (${v})`);
    return Number(v);
  }

  /** A sub-slice [at, at+size), bounds-checked. */
  slice(at: number, size: number, item: string): Uint8Array {
    this.need(at, size, item);
    return this.bytes.subarray(at, at + size);
  }

  /** A NUL-terminated string starting at `at` (unterminated runs to the end of the slice). */
  cstr(at: number, item = 'string'): string {
    if (!Number.isInteger(at) || at < 0 || at >= this.bytes.length) {
      if (at === 0 && this.bytes.length === 0) return '';
      this.fail(`${item} offset ${at} is outside the string table (${this.bytes.length} bytes)`);
    }
    let end = at;
    while (end < this.bytes.length && this.bytes[end] !== 0) end++;
    return utf8.decode(this.bytes.subarray(at, end));
  }
}
