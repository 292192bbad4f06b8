// The conformance environment as the wasm engine lays it out. Pointer values must be the
// interpreter's (a program may return or compare them), so region ids follow runRaw's
// address space: the null region 0, stack frames 1..MAX_CALL_DEPTH, then the memory buffer.
// Linear memory holds every stack frame, then a copy of the memory buffer.

import { HI_BASE, HI_SHIFT, LO_BASE } from '../vm/memory.js';
import { LIMITS } from '../isa/opcodes.js';

export { LO_BASE, HI_BASE, HI_SHIFT };

export const STACK_SIZE = LIMITS.STACK_SIZE;
export const FRAME_COUNT = LIMITS.MAX_CALL_DEPTH;
export const MEMORY_REGION_ID = FRAME_COUNT + 1;

export const regionHi = (id: number): number => (HI_BASE + (id << HI_SHIFT)) | 0;
export const STACK0_HI = regionHi(1);
export const MEMORY_HI = regionHi(MEMORY_REGION_ID);

/** Linear offset of stack frame k (frame 0 is the program's). */
export const frameBase = (k: number): number => k * STACK_SIZE;
/** Linear offset of the copy of the memory buffer. */
export const MEMORY_BASE = FRAME_COUNT * STACK_SIZE;

/** Function indices: imports first (spec: imports precede definitions in the index space). */
export const FN = { fault: 0, slowAccess: 1, helper: 2, run: 3, addr: 4, bswap32: 5 } as const;
/** Globals: the instruction count (read after a run) and the memory buffer's biased end. */
export const GLOBAL = { count: 0, memEnd: 1 } as const;

/** Fault codes passed to the `fault` import. */
export const FAULT_CODE = { budget: 0 } as const;

/** Locals of `run`: params r1, r2, memLen, budget; then r0..r10 and scratch. */
export const LOCAL = {
  paramR1: 0, paramR2: 1, memLen: 2, budget: 3,
  reg0: 4, // r0..r10 are locals 4..14
  next: 15, count: 16, tmpA: 17, tmpB: 18, tmp32: 19, addr: 20,
} as const;
export const reg = (r: number): number => LOCAL.reg0 + r;
