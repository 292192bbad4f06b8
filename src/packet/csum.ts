// Internet checksum arithmetic exactly as Linux does it on x86-64 (ones' complement sums,
// end-around carries, the 32→16 folds), in the little-endian "host view" of the bytes: a
// checksum read from a packet as a little-endian u16 and updated with little-endian words
// lands on the same bytes as the big-endian arithmetic of RFC 1071/1624.

const TWO32 = 4294967296;

/** csum_add: 32-bit ones' complement addition. */
export function csumAdd(a: number, b: number): number {
  const s = (a >>> 0) + (b >>> 0);
  return s >= TWO32 ? (s - TWO32 + 1) >>> 0 : s;
}

/** csum_sub(a, b) = csum_add(a, ~b). */
export function csumSub(a: number, b: number): number {
  return csumAdd(a, ~b >>> 0);
}

/** csum_fold: 32-bit partial sum → complemented 16-bit checksum (x86's add/adc sequence). */
export function csumFold(sum: number): number {
  sum >>>= 0;
  let s = ((sum & 0xffff0000) >>> 0) + ((sum << 16) >>> 0);
  const carry = s >= TWO32 ? 1 : 0;
  s = (s % TWO32) + 0xffff + carry;
  s %= TWO32;
  return (~s >>> 16) & 0xffff;
}

/** csum_from32to16: fold without complement. */
export function csumFrom32To16(sum: number): number {
  sum >>>= 0;
  const rot = ((sum >>> 16) | (sum << 16)) >>> 0;
  return (((sum + rot) % TWO32) >>> 16) & 0xffff;
}

/** csum16_add: 16-bit ones' complement addition. */
export function csum16Add(csum: number, addend: number): number {
  const res = ((csum & 0xffff) + (addend & 0xffff)) & 0xffff;
  return (res + (res < (addend & 0xffff) ? 1 : 0)) & 0xffff;
}

/** csum_partial (x86-64): the 32-bit ones' complement sum of `bytes` (little-endian words) plus `seed`. */
export function csumPartial(bytes: Uint8Array, seed: number): number {
  let s = seed >>> 0;
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) s += (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
  let tail = 0;
  for (let k = 0; i < bytes.length; i++, k++) tail += bytes[i]! * 2 ** (8 * k);
  s += tail;
  return foldTo32(s);
}

/** Reduce a non-negative sum (< 2^53) to 32 bits with end-around carries; 0 only for 0. */
export function foldTo32(s: number): number {
  while (s >= TWO32) s = (s % TWO32) + Math.floor(s / TWO32);
  return s >>> 0;
}

/** The 16-bit Internet checksum of `bytes` (big-endian view, ready to store with setUint16(…, false)). */
export function internetChecksum(bytes: Uint8Array, seed = 0): number {
  let s = seed;
  for (let i = 0; i + 1 < bytes.length; i += 2) s += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length & 1) s += bytes[bytes.length - 1]! << 8;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 65536);
  return ~s & 0xffff;
}

/** Sum of the IPv4 pseudo-header (big-endian view), as the seed of a TCP/UDP checksum. */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, proto: number, length: number): number {
  return ((src[0]! << 8) | src[1]!) + ((src[2]! << 8) | src[3]!) + ((dst[0]! << 8) | dst[1]!) + ((dst[2]! << 8) | dst[3]!) + proto + length;
}
