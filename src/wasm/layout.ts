// How the wasm engine lays out a Vm's state in the module's linear memory, and the fixed index
// spaces of every translated module.
//
// Linear memory:
//   REGS_L / REGS_H  r0..r10 as the Vm's Int32 halves: vm.L and vm.H are views on these bytes,
//                    so helpers read their arguments and write r0 with no copying and no BigInt.
//   STATUS, SCRATCH  a helper's outcome (tail call taken) and a slow load's high word.
//   DIRTY            the ids of regions written since the last write-back (so writing back
//                    does not scan every mirror).
//   TABLE            one 32-byte entry per region id: biased bounds for reads and writes, the
//                    bias from a biased address to its linear address, a dirty flag and whether
//                    atomics are allowed. Regions with no plain memory (null, ctx, map and
//                    function handles) have empty bounds, so every access to them takes the
//                    slow path (the interpreter's context accessors and fault reporting).
//   STACK            the MAX_CALL_DEPTH stack frames, which are the Vm's own stack regions.
//   ARENA            copies ("mirrors") of the other regions' bytes for the current run.

import { HI_BASE, HI_SHIFT, LO_BASE } from '../vm/memory.js';
import { LIMITS } from '../isa/opcodes.js';

export { LO_BASE, HI_BASE, HI_SHIFT };

export const STACK_SIZE = LIMITS.STACK_SIZE;
export const FRAME_COUNT = LIMITS.MAX_CALL_DEPTH;

export const REGS_L = 0;
export const REGS_H = 64;
export const STATUS = 128;
export const SCRATCH_HI = 132;
export const TABLE = 1024;
export const TABLE_CAPACITY = 16384;
export const ENTRY_SHIFT = 5; // 32-byte entries
export const ENTRY = { lo: 0, hi: 4, wlo: 8, whi: 12, bias: 16, dirty: 20, atomic: 24 } as const;
/** Ids of regions marked dirty since the last write-back (each once), and how many. */
export const DIRTY_COUNT = 136;
export const DIRTY_LIST = TABLE + (TABLE_CAPACITY << ENTRY_SHIFT);
export const STACK_BASE = DIRTY_LIST + TABLE_CAPACITY * 4;
export const ARENA_BASE = STACK_BASE + FRAME_COUNT * STACK_SIZE;
export const PAGE = 65536;

/** Stack frame k is region k + 1 in every Vm (its constructor adds them first). */
export const frameRegionId = (depth: number): number => depth + 1;
/** Imported functions come first in the function index space. */
export const FN = {
  fault: 0, helper: 1, load: 2, store: 3, atomic: 4, legacy: 5,
  bswap32: 6, entry: 7, func0: 8,
} as const;

export const GLOBAL = { count: 0, budget: 1 } as const;

/** Codes of the `fault` import. */
export const FAULT_CODE = { budget: 0, callDepth: 1, fellOffEnd: 2 } as const;

/**
 * Locals of a BPF function: params r1..r5 (i64) and depth (i32), then r0 and r6..r10 (i64),
 * i32 scratch, i64 scratch.
 */
export const LOCAL = {
  depth: 5,
  r0: 6, r6: 7, // r6..r10 are 7..11
  count: 12, next: 13, tmp32: 14, addr: 15, fbase: 16, hi: 17, entry: 18, budget: 19,
  // one-entry caches of the last region read and written: high word, biased bounds, bias
  rHi: 20, rLo: 21, rEnd: 22, rBias: 23, wHi: 24, wLo: 25, wEnd: 26, wBias: 27,
  tmpA: 28, tmpB: 29,
} as const;
export const FUNC_LOCALS: [number, number][] = [[6, 0x7e], [16, 0x7f], [2, 0x7e]];

export function reg(r: number): number {
  if (r >= 1 && r <= 5) return r - 1;
  if (r === 0) return LOCAL.r0;
  return LOCAL.r6 + (r - 6);
}
