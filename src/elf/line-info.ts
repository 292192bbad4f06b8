// Source line lookup over a program's sorted line info.

import type { LineInfo } from './btf-ext.js';

/** The entry covering `pc`: the last one with insn <= pc (undefined before the first). */
export function lineInfoAt(lines: readonly LineInfo[], pc: number): LineInfo | undefined {
  let lo = 0;
  let hi = lines.length - 1;
  let found: LineInfo | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const li = lines[mid]!;
    if (li.insn <= pc) {
      found = li;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
