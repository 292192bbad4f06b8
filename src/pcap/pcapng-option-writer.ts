// Encoding pcapng options: code, length, value padded to 32 bits, then opt_endofopt.
import { OPT_COMMENT, OPT_ENDOFOPT } from './pcapng-options.js';
import { pad4 } from './record-parser.js';

export interface EncodedOption {
  code: number;
  value: Uint8Array;
}

const utf8 = new TextEncoder();

export const stringOption = (code: number, text: string): EncodedOption => ({ code, value: utf8.encode(text) });
export const commentOption = (text: string): EncodedOption => stringOption(OPT_COMMENT, text);

export function uint32Option(code: number, value: number): EncodedOption {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return { code, value: bytes };
}

export function uint64Option(code: number, value: bigint): EncodedOption {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value, true);
  return { code, value: bytes };
}

/** Bytes the options take, including opt_endofopt (none at all when there are no options). */
export function optionsLength(options: readonly EncodedOption[]): number {
  if (options.length === 0) return 0;
  let n = 4;
  for (const option of options) {
    if (option.value.length > 0xffff) throw new RangeError(`option ${option.code} is ${option.value.length} bytes; the limit is 65535`);
    n += 4 + pad4(option.value.length);
  }
  return n;
}

/** Writes little-endian options at `at` into zeroed space; returns the offset after them. */
export function writeOptions(bytes: Uint8Array, view: DataView, at: number, options: readonly EncodedOption[]): number {
  if (options.length === 0) return at;
  for (const option of options) {
    view.setUint16(at, option.code, true);
    view.setUint16(at + 2, option.value.length, true);
    bytes.set(option.value, at + 4);
    at += 4 + pad4(option.value.length);
  }
  view.setUint16(at, OPT_ENDOFOPT, true);
  view.setUint16(at + 2, 0, true);
  return at + 4;
}
