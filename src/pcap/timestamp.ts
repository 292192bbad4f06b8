// Exact capture timestamps as whole seconds plus nanoseconds, and the conversions to and from the
// 64-bit tick counts that files store. The hot paths use only doubles kept below 2^53, so no
// precision is lost and no BigInt is allocated per packet.

export interface PcapTimestamp {
  /** Seconds since 1970-01-01 UTC (may be negative only through an if_tsoffset). */
  seconds: number;
  /** 0..999_999_999. */
  nanos: number;
}

const TWO_32 = 4294967296;
const TWO_16 = 65536;

/**
 * Splits the 64-bit tick count `hi:lo` into seconds and nanoseconds for `unitsPerSecond` a
 * power of ten up to 1e9. Long division in 16-bit steps keeps every intermediate below 2^47.
 * Returns undefined when the seconds do not fit a safe integer (only possible for coarse units).
 */
export function splitDecimalTicks(hi: number, lo: number, unitsPerSecond: number): PcapTimestamp | undefined {
  const qHi = Math.floor(hi / unitsPerSecond);
  let rest = hi - qHi * unitsPerSecond;
  let part = rest * TWO_16 + (lo >>> 16);
  const q1 = Math.floor(part / unitsPerSecond);
  rest = part - q1 * unitsPerSecond;
  part = rest * TWO_16 + (lo & 0xffff);
  const q0 = Math.floor(part / unitsPerSecond);
  rest = part - q0 * unitsPerSecond;
  const seconds = qHi * TWO_32 + q1 * TWO_16 + q0;
  if (seconds > Number.MAX_SAFE_INTEGER) return undefined;
  return { seconds, nanos: rest * (1e9 / unitsPerSecond) };
}

/**
 * The general case (powers of two, or decimal resolutions finer than a nanosecond): nanoseconds
 * are truncated toward zero, as Wireshark does.
 */
export function splitTicks(ticks: bigint, unitsPerSecond: bigint): PcapTimestamp | undefined {
  const seconds = ticks / unitsPerSecond;
  if (seconds > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  const nanos = ((ticks % unitsPerSecond) * 1_000_000_000n) / unitsPerSecond;
  return { seconds: Number(seconds), nanos: Number(nanos) };
}

/**
 * `seconds * unitsPerSecond + floor(nanos / (1e9 / unitsPerSecond))` as a 64-bit `hi:lo` pair,
 * for `unitsPerSecond` a power of ten up to 1e9. Throws RangeError if it does not fit 64 bits.
 */
export function toDecimalTicks(ts: PcapTimestamp, unitsPerSecond: number): { hi: number; lo: number } {
  if (ts.seconds < 0 || !Number.isSafeInteger(ts.seconds)) throw new RangeError(`timestamp seconds ${ts.seconds} cannot be stored`);
  const sub = Math.floor(ts.nanos / (1e9 / unitsPerSecond));
  // seconds = s2 * 2^32 + s1 * 2^16 + s0; each limb times unitsPerSecond stays below 2^51.
  const s0 = ts.seconds % TWO_16;
  const s1 = Math.floor(ts.seconds / TWO_16) % TWO_16;
  const s2 = Math.floor(ts.seconds / TWO_32);
  let acc = s0 * unitsPerSecond + sub;
  const w0 = acc % TWO_16;
  acc = s1 * unitsPerSecond + Math.floor(acc / TWO_16);
  const w1 = acc % TWO_16;
  const hi = s2 * unitsPerSecond + Math.floor(acc / TWO_16);
  if (hi >= TWO_32) throw new RangeError(`timestamp ${formatTimestamp(ts)} overflows 64-bit ticks`);
  return { hi, lo: w1 * TWO_16 + w0 };
}

export function compareTimestamps(a: PcapTimestamp, b: PcapTimestamp): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}

/** b - a in nanoseconds, exactly. */
export function timestampDiffNanos(a: PcapTimestamp, b: PcapTimestamp): bigint {
  return (BigInt(b.seconds) - BigInt(a.seconds)) * 1_000_000_000n + BigInt(b.nanos - a.nanos);
}

/** "1700000000.123456789", the form of tshark's frame.time_epoch. */
export function formatTimestamp(ts: PcapTimestamp): string {
  if (ts.seconds >= 0 || ts.nanos === 0) return `${ts.seconds}.${String(ts.nanos).padStart(9, '0')}`;
  // -2 s + 0.25 s is -1.75 s.
  return `-${-ts.seconds - 1}.${String(1e9 - ts.nanos).padStart(9, '0')}`;
}
