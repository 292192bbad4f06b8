// Loads, stores and atomics. An access through r10 with a constant offset inside the frame is
// proven in bounds at translation time (r10 is read-only and always the frame's top), so it
// becomes a plain load or store at the frame's linear base. Every other access looks its
// pointer's region up in the region table and checks it as the interpreter does
// (lo <= a && a + size <= hi, written as a <= hi - size so nothing wraps); anything outside
// the fast path (context fields, faults) goes to the load/store/atomic imports, which run the
// interpreter's own slow path with the pc and instruction count.

import { Emitter, imm64 } from './emitter.js';
import { OP, T } from './wasm-ops.js';
import { DIRTY_COUNT, DIRTY_LIST, ENTRY, ENTRY_SHIFT, FN, HI_BASE, HI_SHIFT, LOCAL, SCRATCH_HI, STACK_SIZE, TABLE, TABLE_CAPACITY, reg } from './layout.js';
import type { AluInsn } from './alu.js';
import { storeR0 } from './regs.js';

const SIZE_BYTES: Record<number, number> = { 0x00: 4, 0x08: 2, 0x10: 1, 0x18: 8 };
const LOAD_U: Record<number, number> = { 4: OP.i64_load32_u, 2: OP.i64_load16_u, 1: OP.i64_load8_u, 8: OP.i64_load };
const LOAD_S: Record<number, number> = { 4: OP.i64_load32_s, 2: OP.i64_load16_s, 1: OP.i64_load8_s };
const STORE: Record<number, number> = { 4: OP.i64_store32, 2: OP.i64_store16, 1: OP.i64_store8, 8: OP.i64_store };
const ATOMIC = { ADD: 0x00, OR: 0x40, AND: 0x50, XOR: 0xa0, FETCH: 0x01, XCHG: 0xe1, CMPXCHG: 0xf1 } as const;
const ATOMIC_OP64: Record<number, number> = { [ATOMIC.ADD]: OP.i64_add, [ATOMIC.OR]: OP.i64_or, [ATOMIC.AND]: OP.i64_and, [ATOMIC.XOR]: OP.i64_xor };

/** Where the instruction sits: its pc and its position in its block (for the count at a fault). */
export interface Site {
  pc: number;
  k: number;
}

/** [r10 + off] wholly inside the frame: the linear address is fbase + STACK_SIZE + off. */
function staticStackOffset(base: number, off: number, size: number): number | null {
  const o = STACK_SIZE + off;
  return base === 10 && o >= 0 && o + size <= STACK_SIZE ? o : null;
}

/**
 * Leave on the stack whether the access is on the fast path, with LOCAL.hi = the pointer's
 * high word, LOCAL.addr = its biased low word + off and LOCAL.entry = the table entry offset.
 */
function emitCheck(e: Emitter, base: number, off: number, size: number, kind: 'read' | 'write' | 'atomic'): void {
  emitAddress(e, base, off);
  emitTableCheck(e, size, kind);
}

/** LOCAL.addr = low word + off (biased), LOCAL.hi = the pointer's high word. */
function emitAddress(e: Emitter, base: number, off: number): void {
  e.get(reg(base)).op(OP.i32_wrap_i64).i32(off).op(OP.i32_add).set(LOCAL.addr);
  e.get(reg(base)).i64(32n).op(OP.i64_shr_u, OP.i32_wrap_i64).set(LOCAL.hi);
}

function emitTableCheck(e: Emitter, size: number, kind: 'read' | 'write' | 'atomic'): void {
  const [loF, hiF] = kind === 'read' ? [ENTRY.lo, ENTRY.hi] : [ENTRY.wlo, ENTRY.whi];
  // (hi - HI_BASE) rotated right by HI_SHIFT is the region id when the low bits are zero, and
  // a huge number (≥ TABLE_CAPACITY) when they are not: one compare checks both.
  e.get(LOCAL.hi).i32(HI_BASE).op(OP.i32_sub).i32(HI_SHIFT).op(OP.i32_rotr).tee(LOCAL.entry).i32(TABLE_CAPACITY).op(OP.i32_lt_u);
  e.if(T.i32);
  e.get(LOCAL.entry).i32(ENTRY_SHIFT).op(OP.i32_shl).tee(LOCAL.entry);
  e.mem(OP.i32_load, TABLE + loF).get(LOCAL.addr).op(OP.i32_le_s);
  e.get(LOCAL.addr).get(LOCAL.entry);
  e.mem(OP.i32_load, TABLE + hiF).i32(size).op(OP.i32_sub, OP.i32_le_s, OP.i32_and);
  if (kind === 'atomic') { e.get(LOCAL.entry); e.mem(OP.i32_load, TABLE + ENTRY.atomic).op(OP.i32_and); }
  e.else().i32(0).end();
}

/**
 * Leave on the stack whether a read or write is on the fast path, with LOCAL.addr its linear
 * address when it is. The last region read and the last written are cached in locals (high
 * word, bounds, bias), so a run of accesses to one region (a packet parse, a checksum loop)
 * checks two bounds without touching the table. A write marks its region dirty when it fills
 * the cache: the flag is cleared only before helper calls, after which the cache is empty.
 */
function emitCachedCheck(e: Emitter, base: number, off: number, size: number, kind: 'read' | 'write'): void {
  const [cHi, cLo, cEnd, cBias] = kind === 'read'
    ? [LOCAL.rHi, LOCAL.rLo, LOCAL.rEnd, LOCAL.rBias] : [LOCAL.wHi, LOCAL.wLo, LOCAL.wEnd, LOCAL.wBias];
  const [loF, hiF] = kind === 'read' ? [ENTRY.lo, ENTRY.hi] : [ENTRY.wlo, ENTRY.whi];
  emitAddress(e, base, off);
  e.get(LOCAL.hi).get(cHi).op(OP.i32_eq);
  e.get(cLo).get(LOCAL.addr).op(OP.i32_le_s, OP.i32_and);
  e.get(LOCAL.addr).get(cEnd).i32(size).op(OP.i32_sub, OP.i32_le_s, OP.i32_and);
  e.if(T.i32);
  e.i32(1);
  e.else();
  emitTableCheck(e, size, kind);
  e.if(T.i32);
  e.get(LOCAL.hi).set(cHi);
  e.get(LOCAL.entry).mem(OP.i32_load, TABLE + loF).set(cLo);
  e.get(LOCAL.entry).mem(OP.i32_load, TABLE + hiF).set(cEnd);
  e.get(LOCAL.entry).mem(OP.i32_load, TABLE + ENTRY.bias).set(cBias);
  if (kind === 'write') markDirty(e);
  e.i32(1);
  e.else().i32(0).end();
  e.end();
}

/**
 * Forget the cached regions (after a call: a helper may move or re-bound them). The bounds
 * become empty, not just the high word: a scalar's high word can be anything, including the
 * value the high word is reset to (the locals' initial zeros are empty bounds too).
 */
export function emitForgetCaches(e: Emitter): void {
  e.i32(0x7fffffff).set(LOCAL.rLo).i32(-0x7ffffff8).set(LOCAL.rEnd);
  e.i32(0x7fffffff).set(LOCAL.wLo).i32(-0x7ffffff8).set(LOCAL.wEnd);
}

/** The linear address of a checked access (after emitCheck said yes). */
function emitLinear(e: Emitter): void {
  e.get(LOCAL.addr).get(LOCAL.entry);
  e.mem(OP.i32_load, TABLE + ENTRY.bias).op(OP.i32_add);
}

/** Flag the region dirty and, the first time, append its id to the dirty list. */
function markDirty(e: Emitter): void {
  e.get(LOCAL.entry).mem(OP.i32_load, TABLE + ENTRY.dirty).op(OP.i32_eqz).if();
  e.get(LOCAL.entry).i32(1).mem(OP.i32_store, TABLE + ENTRY.dirty);
  e.i32(0).mem(OP.i32_load, DIRTY_COUNT).i32(2).op(OP.i32_shl);
  e.get(LOCAL.entry).i32(ENTRY_SHIFT).op(OP.i32_shr_u).mem(OP.i32_store, DIRTY_LIST);
  e.i32(0).i32(0).mem(OP.i32_load, DIRTY_COUNT).i32(1).op(OP.i32_add).mem(OP.i32_store, DIRTY_COUNT);
  e.end();
}

/** Push pc and the instruction count up to and including this instruction (for a fault). */
function emitSite(e: Emitter, s: Site): void {
  storeR0(e); // a store consumes its own operands: the arguments pushed so far stay
  e.i32(s.pc).get(LOCAL.count).i32(s.k).op(OP.i32_add);
}

/** Emit an LDX/ST/STX/atomic instruction; false if it is not one this translator knows. */
export function emitMemory(e: Emitter, i: AluInsn, s: Site): boolean {
  const cls = i.op & 7, mode = i.op & 0xe0;
  const size = SIZE_BYTES[i.op & 0x18]!;
  if (cls === 1 && (mode === 0x60 || mode === 0x80)) {
    const signed = mode === 0x80;
    const load = signed ? LOAD_S[size] : LOAD_U[size];
    if (load === undefined) return false;
    emitLoad(e, i, s, size, load, signed);
    return true;
  }
  if ((cls === 2 || cls === 3) && mode === 0x60) {
    const value = () => (cls === 3 ? e.get(reg(i.src)) : e.i64(imm64(i.imm, i.immHi)));
    emitStore(e, i.dst, i.off, size, value, s);
    return true;
  }
  if (cls === 3 && mode === 0xc0 && (size === 4 || size === 8)) return emitAtomic(e, i, size, s);
  return false;
}

function emitLoad(e: Emitter, i: AluInsn, s: Site, size: number, load: number, signed: boolean): void {
  const so = staticStackOffset(i.src, i.off, size);
  if (so !== null) {
    e.get(LOCAL.fbase);
    e.mem(load, so).set(reg(i.dst));
    return;
  }
  emitCachedCheck(e, i.src, i.off, size, 'read');
  e.if(T.i64);
  e.get(LOCAL.addr).get(LOCAL.rBias).op(OP.i32_add);
  e.mem(load, 0);
  e.else();
  // slow path: the interpreter's slowLoad (context accessors, faults); low word returned,
  // high word left in SCRATCH_HI
  e.get(LOCAL.hi).get(reg(i.src)).op(OP.i32_wrap_i64).i32(i.off).i32(size);
  emitSite(e, s);
  e.call(FN.load);
  if (!signed) {
    // a context field may load as a full pointer (skb->data), whatever the access size
    e.op(OP.i64_extend_i32_u).i32(0);
    e.mem(OP.i64_load32_u, SCRATCH_HI).i64(32n).op(OP.i64_shl, OP.i64_or);
  }
  else if (size === 4) e.op(OP.i64_extend_i32_s);
  else e.op(OP.i64_extend_i32_u, size === 2 ? OP.i64_extend16_s : OP.i64_extend8_s);
  e.end().set(reg(i.dst));
}

function emitStore(e: Emitter, base: number, off: number, size: number, value: () => void, s: Site): void {
  const store = STORE[size]!;
  const so = staticStackOffset(base, off, size);
  if (so !== null) {
    e.get(LOCAL.fbase); value(); e.mem(store, so);
    return;
  }
  emitCachedCheck(e, base, off, size, 'write');
  e.if();
  e.get(LOCAL.addr).get(LOCAL.wBias).op(OP.i32_add); value(); e.mem(store, 0);
  e.else();
  e.get(LOCAL.hi).get(reg(base)).op(OP.i32_wrap_i64).i32(off).i32(size);
  value(); e.set(LOCAL.tmpA);
  e.get(LOCAL.tmpA).op(OP.i32_wrap_i64).get(LOCAL.tmpA).i64(32n).op(OP.i64_shr_u, OP.i32_wrap_i64);
  emitSite(e, s);
  e.call(FN.store);
  e.end();
}

/** Atomics run single-threaded here: load, combine, store. 32-bit forms zero-extend the old value. */
function emitAtomic(e: Emitter, i: AluInsn, size: 4 | 8, s: Site): boolean {
  const src = reg(i.src);
  const load = size === 8 ? OP.i64_load : OP.i64_load32_u;
  const store = STORE[size]!;
  const combine = ATOMIC_OP64[i.imm & ~ATOMIC.FETCH];
  if (i.imm !== ATOMIC.XCHG && i.imm !== ATOMIC.CMPXCHG && combine === undefined) return false;
  const so = staticStackOffset(i.dst, i.off, size);
  if (so !== null) {
    e.get(LOCAL.fbase).i32(so).op(OP.i32_add).set(LOCAL.addr);
  } else {
    emitCheck(e, i.dst, i.off, size, 'atomic');
    e.op(OP.i32_eqz).if();
    // the interpreter's checks, which fault (out of bounds, read-only, packet or ctx)
    e.get(LOCAL.hi).get(reg(i.dst)).op(OP.i32_wrap_i64).i32(i.off).i32(size);
    emitSite(e, s);
    e.call(FN.atomic).op(OP.unreachable).end();
    markDirty(e);
    emitLinear(e); e.set(LOCAL.addr);
  }
  e.get(LOCAL.addr);
  e.mem(load, 0).set(LOCAL.tmpA);
  if (i.imm === ATOMIC.XCHG) {
    e.get(LOCAL.addr).get(src); e.mem(store, 0);
    e.get(LOCAL.tmpA).set(src);
  } else if (i.imm === ATOMIC.CMPXCHG) {
    e.get(LOCAL.addr).get(src).get(LOCAL.tmpA);
    if (size === 8) e.get(LOCAL.tmpA).get(reg(0)).op(OP.i64_eq);
    else e.get(LOCAL.tmpA).op(OP.i32_wrap_i64).get(reg(0)).op(OP.i32_wrap_i64, OP.i32_eq);
    e.op(OP.select); e.mem(store, 0);
    e.get(LOCAL.tmpA).set(reg(0));
  } else {
    e.get(LOCAL.addr).get(LOCAL.tmpA).get(src).op(combine!); e.mem(store, 0);
    if (i.imm & ATOMIC.FETCH) e.get(LOCAL.tmpA).set(src);
  }
  return true;
}
