// LPM trie keys in JSON. Written as "10.0.0.0/8" / "fd00::/8" when the data is 4 or 16
// bytes (an IPv4/IPv6 prefix), else as {"prefixlen": N, "data": ...} with the data decoded
// by the rest of the key layout. Reading takes either form, or raw hex of the whole key.

import ipaddr from 'ipaddr.js';
import type { Layout } from '../layout.js';
import { LPM_DATA_OFFSET } from '../lpm-prefix.js';
import { describeJson, JsonFieldError, underField } from './field-error.js';
import { isHexString, parseHex } from './hex.js';
import { decodeValue, encodeValue } from './value-codec.js';
import type { JsonValue } from './types.js';

export function decodeLpmKey(key: Uint8Array, dataLayout: Layout): JsonValue {
  const prefixlen = new DataView(key.buffer, key.byteOffset).getUint32(0, true);
  const data = key.subarray(LPM_DATA_OFFSET);
  if (data.length === 4 || data.length === 16) return `${ipString(data)}/${prefixlen}`;
  return { prefixlen, data: decodeValue(dataLayout, data) };
}

/** The key bytes; throws JsonFieldError (paths relative to the key). */
export function encodeLpmKey(json: unknown, dataLayout: Layout): Uint8Array {
  const dataSize = dataLayout.size;
  if (typeof json === 'string' && json.includes('/')) return fromCidr(json, dataSize);
  if (isHexString(json)) {
    const key = parseHex(json, LPM_DATA_OFFSET + dataSize, '');
    checkedPrefixLen(new DataView(key.buffer).getUint32(0, true), dataSize, 'prefixlen');
    return key;
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new JsonFieldError('', `expected "addr/len", {"prefixlen": N, "data": ...} or hex, got ${describeJson(json)}`);
  }
  const { prefixlen, data, ...rest } = json as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new JsonFieldError(extra[0], 'no such field (an LPM key has prefixlen and data)');
  if (data === undefined) throw new JsonFieldError('data', 'missing');
  const dataBytes = underField('data', () => encodeValue(dataLayout, data));
  return keyBytes(checkedPrefixLen(prefixlen, dataSize, 'prefixlen'), dataBytes);
}

function fromCidr(text: string, dataSize: number): Uint8Array {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let len: number;
  try {
    [addr, len] = ipaddr.parseCIDR(text);
  } catch {
    throw new JsonFieldError('', `"${text}" is not an address/prefixlen`);
  }
  const bytes = addr.toByteArray();
  if (bytes.length !== dataSize) {
    throw new JsonFieldError('', `"${text}" is ${bytes.length} bytes of address, the key has ${dataSize} bytes of data`);
  }
  return keyBytes(len, Uint8Array.from(bytes));
}

function checkedPrefixLen(value: unknown, dataSize: number, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > dataSize * 8) {
    throw new JsonFieldError(path, `expected an integer 0..${dataSize * 8} (bits of data), got ${describeJson(value)}`);
  }
  return value;
}

function keyBytes(prefixLen: number, data: Uint8Array): Uint8Array {
  const key = new Uint8Array(LPM_DATA_OFFSET + data.length);
  new DataView(key.buffer).setUint32(0, prefixLen, true);
  key.set(data, LPM_DATA_OFFSET);
  return key;
}

function ipString(data: Uint8Array): string {
  const addr = ipaddr.fromByteArray([...data]);
  return addr.kind() === 'ipv6' ? (addr as ipaddr.IPv6).toRFC5952String() : addr.toString();
}
