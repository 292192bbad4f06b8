// Map keys and values written the way the map JSON format writes them (BTF field names,
// numbers, "10.0.0.0/8" for LPM keys), so a map divergence reads like the map's own dump.

import { bytesLayout, decodeLpmKey, decodeValue, type JsonValue, type Layout } from '../maps/index.js';
import type { MapSnapshot } from './types.js';

const U32: Layout = { kind: 'int', size: 4, signed: false };
const INDEXED = new Set(['array', 'percpu-array', 'prog-array', 'array-of-maps']);

function keyLayout(map: MapSnapshot): Layout {
  if (map.keyLayout?.size === map.keySize) return map.keyLayout;
  return INDEXED.has(map.kind) ? U32 : bytesLayout(map.keySize);
}

function valueLayout(map: MapSnapshot): Layout {
  return map.valueLayout?.size === map.valueSize ? map.valueLayout : bytesLayout(map.valueSize);
}

function text(json: JsonValue): string {
  return typeof json === 'string' ? json : JSON.stringify(json);
}

export function describeKey(map: MapSnapshot, key: Uint8Array): string {
  if (key.length !== map.keySize) return `0x${Buffer.from(key).toString('hex')}`;
  if (map.kind === 'lpm-trie') return text(decodeLpmKey(key, bytesLayout(map.keySize - 4)));
  return text(decodeValue(keyLayout(map), key));
}

export function describeValue(map: MapSnapshot, value: Uint8Array): string {
  if (value.length !== map.valueSize) return `0x${Buffer.from(value).toString('hex')} (${value.length} bytes)`;
  return text(decodeValue(valueLayout(map), value));
}
