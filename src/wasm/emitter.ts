// Instruction-level writer over ByteWriter: one method per WebAssembly instruction shape,
// so the translators read as stack code.

import { ByteWriter } from './wasm-encoder.js';
import { OP, T } from './wasm-ops.js';

export class Emitter {
  readonly w = new ByteWriter();

  op(...codes: number[]): this {
    for (const c of codes) this.w.byte(c);
    return this;
  }
  get(local: number): this {
    this.w.byte(OP.local_get).u32(local);
    return this;
  }
  set(local: number): this {
    this.w.byte(OP.local_set).u32(local);
    return this;
  }
  tee(local: number): this {
    this.w.byte(OP.local_tee).u32(local);
    return this;
  }
  i32(n: number): this {
    this.w.byte(OP.i32_const).s32(n);
    return this;
  }
  i64(v: bigint): this {
    this.w.byte(OP.i64_const).s64(v);
    return this;
  }
  call(fn: number): this {
    this.w.byte(OP.call).u32(fn);
    return this;
  }
  br(depth: number): this {
    this.w.byte(OP.br).u32(depth);
    return this;
  }
  /** `if` with no result, or with an i32/i64 result. */
  if(result: number = T.void): this {
    this.w.byte(OP.if).byte(result);
    return this;
  }
  else(): this {
    return this.op(OP.else);
  }
  end(): this {
    return this.op(OP.end);
  }
  /** Loads and stores: alignment hint 0 (eBPF allows unaligned access) and a constant offset. */
  mem(code: number, offset = 0): this {
    this.w.byte(code).u32(0).u32(offset);
    return this;
  }
  globalGet(g: number): this {
    this.w.byte(0x23).u32(g);
    return this;
  }
  globalSet(g: number): this {
    this.w.byte(0x24).u32(g);
    return this;
  }
}

/** A 64-bit immediate from the predecoded low and high words. */
export const imm64 = (lo: number, hi: number): bigint => (hi === lo >> 31 ? BigInt(lo) : BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0)));
