// Integers in JSON: numbers, or decimal strings beyond 2^53 (64-bit values stay exact;
// smaller values in strings are refused as ambiguous with hex).
// bigEndian ints (__be16/__be32/__be64) are numbers in host meaning: 10.0.0.1 as __be32 is
// 167772161. A "0x"-prefixed string is raw bytes in memory order, like hex anywhere else.

import type { Layout } from '../layout.js';
import { describeJson, JsonFieldError } from './field-error.js';
import { parseHex } from './hex.js';

type IntLayout = Extract<Layout, { kind: 'int' }>;

const DECIMAL_RE = /^-?[0-9]+$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function decodeInt(layout: IntLayout, bytes: Uint8Array, offset: number): number | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, layout.size);
  const le = !layout.bigEndian;
  switch (layout.size) {
    case 1: return layout.signed ? view.getInt8(0) : view.getUint8(0);
    case 2: return layout.signed ? view.getInt16(0, le) : view.getUint16(0, le);
    case 4: return layout.signed ? view.getInt32(0, le) : view.getUint32(0, le);
    case 8: {
      const v = layout.signed ? view.getBigInt64(0, le) : view.getBigUint64(0, le);
      const n = Number(v);
      return Number.isSafeInteger(n) ? n : v.toString();
    }
  }
}

export function encodeInt(layout: IntLayout, json: unknown, out: Uint8Array, offset: number, path: string): void {
  if (typeof json === 'string' && /^0x/i.test(json)) {
    out.set(parseHex(json, layout.size, path), offset);
    return;
  }
  const value = parseInteger(json, path);
  const bits = BigInt(layout.size * 8);
  const min = layout.signed ? -(1n << (bits - 1n)) : 0n;
  const max = layout.signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  if (value < min || value > max) {
    throw new JsonFieldError(path, `${value} is out of range for ${layout.signed ? 's' : 'u'}${bits} (${min}..${max})`);
  }
  let raw = BigInt.asUintN(Number(bits), value);
  for (let i = 0; i < layout.size; i++) {
    const at = layout.bigEndian ? offset + layout.size - 1 - i : offset + i;
    out[at] = Number(raw & 0xffn);
    raw >>= 8n;
  }
}

function parseInteger(json: unknown, path: string): bigint {
  if (typeof json === 'number') {
    if (Number.isSafeInteger(json)) return BigInt(json);
    if (Number.isInteger(json)) throw new JsonFieldError(path, `${json} is beyond 2^53: write it as a decimal string`);
  } else if (typeof json === 'string' && DECIMAL_RE.test(json)) {
    // Only for what a number cannot hold: a small "02000000" is far more likely raw hex
    // written without its 0x than a number in quotes, so it must not pass silently.
    const value = BigInt(json);
    if (value > MAX_SAFE || value < -MAX_SAFE) return value;
    throw new JsonFieldError(path, `"${json}": write integers below 2^53 as JSON numbers (raw hex needs a 0x prefix)`);
  }
  throw new JsonFieldError(path, `expected an integer (a number, a decimal string beyond 2^53, or "0x" raw hex), got ${describeJson(json)}`);
}
