// Loads, stores and atomics. Every access goes through the module's `addr` function, which
// checks the access against its region exactly as the interpreter does and returns the
// linear address (or leaves through the `slowAccess` import, which reports the fault).

import { Emitter, imm64 } from './emitter.js';
import { OP } from './wasm-ops.js';
import { FN, LOCAL, reg } from './layout.js';
import type { AluInsn } from './alu.js';

const SIZE_BYTES: Record<number, number> = { 0x00: 4, 0x08: 2, 0x10: 1, 0x18: 8 };
const LOAD_U: Record<number, number> = { 4: OP.i64_load32_u, 2: OP.i64_load16_u, 1: OP.i64_load8_u, 8: OP.i64_load };
const LOAD_S: Record<number, number> = { 4: OP.i64_load32_s, 2: OP.i64_load16_s, 1: OP.i64_load8_s };
const STORE: Record<number, number> = { 4: OP.i64_store32, 2: OP.i64_store16, 1: OP.i64_store8, 8: OP.i64_store };
const ATOMIC = { ADD: 0x00, OR: 0x40, AND: 0x50, XOR: 0xa0, FETCH: 0x01, XCHG: 0xe1, CMPXCHG: 0xf1 } as const;
const ATOMIC_OP64: Record<number, number> = { [ATOMIC.ADD]: OP.i64_add, [ATOMIC.OR]: OP.i64_or, [ATOMIC.AND]: OP.i64_and, [ATOMIC.XOR]: OP.i64_xor };

function address(e: Emitter, base: number, off: number, size: number, write: boolean, pc: number): Emitter {
  return e.get(reg(base)).i32(off).i32(size).i32(write ? 1 : 0).i32(pc).call(FN.addr);
}

/** Emit an LDX/ST/STX instruction; false if it is not one this translator knows. */
export function emitMemory(e: Emitter, i: AluInsn, pc: number): boolean {
  const cls = i.op & 7, mode = i.op & 0xe0;
  const size = SIZE_BYTES[i.op & 0x18]!;
  if (cls === 1 && (mode === 0x60 || mode === 0x80)) {
    const load = mode === 0x80 ? LOAD_S[size] : LOAD_U[size];
    if (load === undefined) return false;
    address(e, i.src, i.off, size, false, pc).mem(load).set(reg(i.dst));
    return true;
  }
  if (cls === 2 && mode === 0x60) {
    address(e, i.dst, i.off, size, true, pc).i64(imm64(i.imm, i.immHi)).mem(STORE[size]!);
    return true;
  }
  if (cls === 3 && mode === 0x60) {
    address(e, i.dst, i.off, size, true, pc).get(reg(i.src)).mem(STORE[size]!);
    return true;
  }
  if (cls === 3 && mode === 0xc0 && (size === 4 || size === 8)) return emitAtomic(e, i, size, pc);
  return false;
}

/** Atomics run single-threaded here: load, combine, store. 32-bit forms zero-extend the old value. */
function emitAtomic(e: Emitter, i: AluInsn, size: 4 | 8, pc: number): boolean {
  const s = reg(i.src);
  const load = size === 8 ? OP.i64_load : OP.i64_load32_u;
  const store = STORE[size]!;
  address(e, i.dst, i.off, size, true, pc).tee(LOCAL.addr).mem(load).set(LOCAL.tmpA);
  const combine = ATOMIC_OP64[i.imm & ~ATOMIC.FETCH];
  if (i.imm === ATOMIC.XCHG) {
    e.get(LOCAL.addr).get(s).mem(store).get(LOCAL.tmpA).set(s);
  } else if (i.imm === ATOMIC.CMPXCHG) {
    e.get(LOCAL.addr).get(s).get(LOCAL.tmpA);
    if (size === 8) e.get(LOCAL.tmpA).get(reg(0)).op(OP.i64_eq);
    else e.get(LOCAL.tmpA).op(OP.i32_wrap_i64).get(reg(0)).op(OP.i32_wrap_i64, OP.i32_eq);
    e.op(OP.select).mem(store).get(LOCAL.tmpA).set(reg(0));
  } else if (combine !== undefined) {
    e.get(LOCAL.addr).get(LOCAL.tmpA).get(s).op(combine).mem(store);
    if (i.imm & ATOMIC.FETCH) e.get(LOCAL.tmpA).set(s);
  } else return false;
  return true;
}
