// pcapng options: a list of (code u16, length u16, value padded to 32 bits) ending with
// opt_endofopt or the end of the block's option area.
import { PcapError } from './errors.js';
import { pad4 } from './record-parser.js';

export const OPT_ENDOFOPT = 0;
export const OPT_COMMENT = 1;

export interface OptionArea {
  bytes: Uint8Array;
  view: DataView;
  le: boolean;
  /** File offset of bytes[0], for errors. */
  base: number;
}

const utf8 = new TextDecoder('utf-8');

/** Calls `visit(code, start, length)` for each option in [start, end). */
export function forEachOption(area: OptionArea, start: number, end: number, visit: (code: number, at: number, length: number) => void): void {
  let at = start;
  while (at + 4 <= end) {
    const code = area.view.getUint16(at, area.le);
    const length = area.view.getUint16(at + 2, area.le);
    if (code === OPT_ENDOFOPT) return;
    if (at + 4 + length > end) {
      throw new PcapError(`option ${code} of ${length} bytes overruns its block (${end - at - 4} bytes left)`, area.base + at);
    }
    visit(code, at + 4, length);
    at += 4 + pad4(length);
  }
}

export function optionString(area: OptionArea, at: number, length: number): string {
  // Some writers include a terminating NUL; it is not part of the text.
  let end = at + length;
  while (end > at && area.bytes[end - 1] === 0) end--;
  return utf8.decode(area.bytes.subarray(at, end));
}

/** Appends to a comment that may already hold one: several opt_comment options become lines. */
export function appendComment(previous: string | undefined, next: string): string {
  return previous === undefined ? next : `${previous}\n${next}`;
}

/** Reads an integer option of the expected width, or throws on a wrong length. */
export function optionUint(area: OptionArea, code: number, at: number, length: number, width: 1 | 4 | 8): number | bigint {
  if (length !== width) throw new PcapError(`option ${code} has length ${length}, expected ${width}`, area.base + at - 4);
  if (width === 1) return area.bytes[at]!;
  if (width === 4) return area.view.getUint32(at, area.le);
  return area.view.getBigUint64(at, area.le);
}
