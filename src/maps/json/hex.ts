// Raw bytes in JSON: lower-case hex, two digits per byte, in memory order ("0a000001").
// Parsing also takes a "0x" prefix and upper case.

import { describeJson, JsonFieldError } from './field-error.js';

const HEX_DIGITS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const HEX_RE = /^(0x)?([0-9a-fA-F]*)$/;

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_DIGITS[bytes[i]];
  return out;
}

export function isHexString(json: unknown): json is string {
  return typeof json === 'string' && HEX_RE.test(json) && json.length % 2 === 0;
}

/** Exactly `size` bytes of hex; throws a JsonFieldError at `path` otherwise. */
export function parseHex(json: unknown, size: number, path: string): Uint8Array {
  const match = typeof json === 'string' ? HEX_RE.exec(json) : null;
  if (match === null) throw new JsonFieldError(path, `expected ${size} bytes as a hex string, got ${describeJson(json)}`);
  const digits = match[2];
  if (digits.length !== size * 2) {
    throw new JsonFieldError(path, `expected ${size} bytes of hex (${size * 2} digits), got ${digits.length} digits`);
  }
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}
