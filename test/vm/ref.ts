// An independent BigInt model of the eBPF ALU and jump semantics (RFC 9669 §4, and the
// kernel's interpreter in kernel/bpf/core.c), written from the spec, not from src/vm. Values
// are unsigned 64-bit BigInts; 32-bit operations read the low words and zero-extend.

export const M64 = (1n << 64n) - 1n;
export const M32 = (1n << 32n) - 1n;

export const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
export const u32 = (v: bigint): bigint => BigInt.asUintN(32, v);
export const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
export const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);

/** Edge values from the brief: 0, 1, -1, INT_MIN, INT_MAX (32 and 64), 2^32, 2^63 and neighbours. */
export const EDGES: readonly bigint[] = [
  0n, 1n, 2n, u64(-1n), u64(-2n),
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x100000001n,
  u64(-0x80000000n), // INT32_MIN sign-extended
  0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n,
  0xffffffff00000000n, 0x00000000ffff0000n, 0x123456789abcdef0n,
];

/** 32-bit immediates to pair with: what the `imm` field can hold (signed). */
export const IMM_EDGES: readonly number[] = [0, 1, 2, -1, -2, 0x7fffffff, -0x80000000, 0xffff, 0x8000, -0x8000, 63, 64, 31, 32, 7];

/** mulberry32: a seeded PRNG so the random cases repeat run to run. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number {
    return this.u32() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
  /** A 64-bit value of a varied shape: edges, small, 32-bit, sign-extended 32-bit, full random. */
  value(): bigint {
    switch (this.int(6)) {
      case 0: return this.pick(EDGES);
      case 1: return BigInt(this.int(100));
      case 2: return BigInt(this.u32());
      case 3: return u64(s32(BigInt(this.u32())));
      case 4: return u64(-BigInt(this.int(1000)));
      default: return this.u64();
    }
  }
  imm(): number {
    switch (this.int(4)) {
      case 0: return this.pick(IMM_EDGES);
      case 1: return this.int(200) - 100;
      default: return this.u32() | 0;
    }
  }
}

// ---- ALU ----

export type AluOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'sdiv' | 'mod' | 'smod' | 'or' | 'and' | 'xor'
  | 'lsh' | 'rsh' | 'arsh' | 'mov';

/** Truncating signed division of BigInts (BigInt `/` truncates toward zero, like C). */
function sdivTrunc(a: bigint, b: bigint): bigint {
  return a / b;
}

/** dst OP src on 64 bits (src already sign-extended for immediates). */
export function alu64(op: AluOp, dst: bigint, src: bigint): bigint {
  const a = u64(dst), b = u64(src);
  switch (op) {
    case 'add': return u64(a + b);
    case 'sub': return u64(a - b);
    case 'mul': return u64(a * b);
    case 'div': return b === 0n ? 0n : a / b;
    case 'mod': return b === 0n ? a : a % b;
    case 'sdiv': return b === 0n ? 0n : u64(sdivTrunc(s64(a), s64(b)));
    // Sign of the dividend (C's %); x % 0 = x; INT64_MIN % -1 = 0.
    case 'smod': return b === 0n ? a : u64(s64(a) % s64(b));
    case 'or': return a | b;
    case 'and': return a & b;
    case 'xor': return a ^ b;
    case 'lsh': return u64(a << (b & 63n));
    case 'rsh': return a >> (b & 63n);
    case 'arsh': return u64(s64(a) >> (b & 63n));
    case 'mov': return b;
  }
}

/** dst OP src on the low 32 bits; the result is zero-extended to 64. */
export function alu32(op: AluOp, dst: bigint, src: bigint): bigint {
  const a = u32(dst), b = u32(src);
  switch (op) {
    case 'add': return u32(a + b);
    case 'sub': return u32(a - b);
    case 'mul': return u32(a * b);
    case 'div': return b === 0n ? 0n : a / b;
    case 'mod': return b === 0n ? a : a % b;
    case 'sdiv': return b === 0n ? 0n : u32(sdivTrunc(s32(a), s32(b)));
    case 'smod': return b === 0n ? a : u32(s32(a) % s32(b));
    case 'or': return a | b;
    case 'and': return a & b;
    case 'xor': return a ^ b;
    case 'lsh': return u32(a << (b & 31n));
    case 'rsh': return a >> (b & 31n);
    case 'arsh': return u32(s32(a) >> (b & 31n));
    case 'mov': return b;
  }
}

export function bswap(v: bigint, bits: 16 | 32 | 64): bigint {
  let out = 0n;
  for (let i = 0n; i < BigInt(bits / 8); i++) out = (out << 8n) | ((v >> (8n * i)) & 0xffn);
  return out;
}

/** Sign-extend the low `bits` of v to 64 bits. */
export function sext(v: bigint, bits: number): bigint {
  return u64(BigInt.asIntN(bits, v));
}

// ---- jumps ----

export type JmpOp = 'jeq' | 'jne' | 'jgt' | 'jge' | 'jlt' | 'jle' | 'jsgt' | 'jsge' | 'jslt' | 'jsle' | 'jset';
export const JMP_OPS: readonly JmpOp[] = ['jeq', 'jne', 'jgt', 'jge', 'jlt', 'jle', 'jsgt', 'jsge', 'jslt', 'jsle', 'jset'];

export function cond(op: JmpOp, a: bigint, b: bigint, bits: 32 | 64): boolean {
  const ua = BigInt.asUintN(bits, a), ub = BigInt.asUintN(bits, b);
  const sa = BigInt.asIntN(bits, a), sb = BigInt.asIntN(bits, b);
  switch (op) {
    case 'jeq': return ua === ub;
    case 'jne': return ua !== ub;
    case 'jgt': return ua > ub;
    case 'jge': return ua >= ub;
    case 'jlt': return ua < ub;
    case 'jle': return ua <= ub;
    case 'jsgt': return sa > sb;
    case 'jsge': return sa >= sb;
    case 'jslt': return sa < sb;
    case 'jsle': return sa <= sb;
    case 'jset': return (ua & ub) !== 0n;
  }
}

/** Assembly text for a 64-bit constant into a register. */
export const lddw = (reg: number, v: bigint): string => `lddw %r${reg}, 0x${u64(v).toString(16)}`;

export const hex = (v: bigint): string => '0x' + u64(v).toString(16);
