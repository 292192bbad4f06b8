// 64-bit arithmetic on (lo, hi) Int32 halves for the operations that do not fit in a line of
// the interpreter. Results go to `out` so nothing is allocated on the hot path; BigInt only
// for 64-bit division and modulo with operands that do not fit in 32 bits.

import type { RegPair } from './memory.js';

const TWO32 = 4294967296;

export function mul64(al: number, ah: number, bl: number, bh: number, out: RegPair): void {
  // 16-bit limbs for the low halves' full product; every intermediate stays below 2^32.
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const t = a0 * b0, m1 = a1 * b0 + (t >>> 16), m2 = a0 * b1 + (m1 & 0xffff);
  out.lo = Math.imul(al, bl);
  out.hi = (a1 * b1 + (m1 >>> 16) + (m2 >>> 16) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
}

function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
function fromBig(v: bigint, out: RegPair): void {
  out.lo = Number(BigInt.asIntN(32, v));
  out.hi = Number(BigInt.asIntN(32, v >> 32n));
}

/** Unsigned 64-bit division; x / 0 = 0 (RFC 9669). */
export function udiv64(al: number, ah: number, bl: number, bh: number, out: RegPair): void {
  if (bl === 0 && bh === 0) { out.lo = 0; out.hi = 0; return; }
  if (ah === 0 && bh === 0) { out.lo = ((al >>> 0) / (bl >>> 0)) | 0; out.hi = 0; return; }
  fromBig(toBig(al, ah) / toBig(bl, bh), out);
}

/** Unsigned 64-bit modulo; x % 0 = x. */
export function umod64(al: number, ah: number, bl: number, bh: number, out: RegPair): void {
  if (bl === 0 && bh === 0) { out.lo = al; out.hi = ah; return; }
  if (ah === 0 && bh === 0) { out.lo = ((al >>> 0) % (bl >>> 0)) | 0; out.hi = 0; return; }
  fromBig(toBig(al, ah) % toBig(bl, bh), out);
}

/** Signed 64-bit division, truncating; x / 0 = 0; INT64_MIN / -1 = INT64_MIN. */
export function sdiv64(al: number, ah: number, bl: number, bh: number, out: RegPair): void {
  if (bl === 0 && bh === 0) { out.lo = 0; out.hi = 0; return; }
  const a = BigInt.asIntN(64, toBig(al, ah));
  const b = BigInt.asIntN(64, toBig(bl, bh));
  fromBig(BigInt.asIntN(64, a / b), out);
}

/** Signed 64-bit modulo, sign of the dividend; x % 0 = x; INT64_MIN % -1 = 0. */
export function smod64(al: number, ah: number, bl: number, bh: number, out: RegPair): void {
  if (bl === 0 && bh === 0) { out.lo = al; out.hi = ah; return; }
  const a = BigInt.asIntN(64, toBig(al, ah));
  const b = BigInt.asIntN(64, toBig(bl, bh));
  fromBig(a % b, out);
}

export function lsh64(l: number, h: number, n: number, out: RegPair): void {
  n &= 63;
  if (n === 0) { out.lo = l; out.hi = h; }
  else if (n < 32) { out.hi = (h << n) | (l >>> (32 - n)); out.lo = l << n; }
  else { out.hi = l << (n - 32); out.lo = 0; }
}

export function rsh64(l: number, h: number, n: number, out: RegPair): void {
  n &= 63;
  if (n === 0) { out.lo = l; out.hi = h; }
  else if (n < 32) { out.lo = (l >>> n) | (h << (32 - n)); out.hi = h >>> n; }
  else { out.lo = h >>> (n - 32); out.hi = 0; }
}

export function arsh64(l: number, h: number, n: number, out: RegPair): void {
  n &= 63;
  if (n === 0) { out.lo = l; out.hi = h; }
  else if (n < 32) { out.lo = (l >>> n) | (h << (32 - n)); out.hi = h >> n; }
  else { out.lo = h >> (n - 32); out.hi = h >> 31; }
}

export function bswap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

export function bswap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

/** 64-bit value of a register pair as a BigInt (traces, results; not the hot path). */
export function pairToBigInt(lo: number, hi: number, signed = false): bigint {
  const v = toBig(lo, hi);
  return signed ? BigInt.asIntN(64, v) : v;
}

export function bigIntToPair(v: bigint, out: RegPair): void {
  fromBig(BigInt.asUintN(64, v), out);
}
