// Keys and values <-> JSON by Layout (see docs/map-json.md):
//   int -> number (decimal string beyond 2^53); struct -> object by field name;
//   array -> JSON array, except arrays of bytes -> hex; union, bytes -> hex.
// Encoding also takes raw hex for any whole key/value or field (ints: "0x"-prefixed).

import type { Layout } from '../layout.js';
import { describeJson, fieldPath, indexPath, JsonFieldError } from './field-error.js';
import { parseHex, toHex } from './hex.js';
import { decodeInt, encodeInt } from './int-codec.js';
import type { JsonValue } from './types.js';

export function decodeValue(layout: Layout, bytes: Uint8Array): JsonValue {
  if (bytes.length !== layout.size) throw new JsonFieldError('', `${bytes.length} bytes for a layout of ${layout.size}`);
  return decodeAt(layout, bytes, 0);
}

/** Throws JsonFieldError naming the field that does not fit. */
export function encodeValue(layout: Layout, json: unknown): Uint8Array {
  const out = new Uint8Array(layout.size);
  encodeAt(layout, json, out, 0, '');
  return out;
}

/** The JSON key of a struct field: its name, or "_anon<offset>" for an anonymous member. */
export function fieldKey(name: string, offset: number): string {
  return name === '' ? `_anon${offset}` : name;
}

function decodeAt(layout: Layout, bytes: Uint8Array, offset: number): JsonValue {
  switch (layout.kind) {
    case 'int':
      return decodeInt(layout, bytes, offset);
    case 'struct': {
      const out: { [field: string]: JsonValue } = {};
      for (const f of layout.fields) out[fieldKey(f.name, f.offset)] = decodeAt(f.layout, bytes, offset + f.offset);
      return out;
    }
    case 'array':
      if (isByteSized(layout.elem)) break;
      return Array.from({ length: layout.count }, (_, i) => decodeAt(layout.elem, bytes, offset + i * layout.elem.size));
    case 'union':
    case 'bytes':
      break;
  }
  return toHex(bytes.subarray(offset, offset + layout.size));
}

function encodeAt(layout: Layout, json: unknown, out: Uint8Array, offset: number, path: string): void {
  if (layout.kind === 'int') return encodeInt(layout, json, out, offset, path);
  if (typeof json === 'string') {
    out.set(parseHex(json, layout.size, path), offset);
    return;
  }
  switch (layout.kind) {
    case 'struct':
    case 'union':
      return encodeFields(layout, json, out, offset, path);
    case 'array': {
      if (!Array.isArray(json)) throw new JsonFieldError(path, `expected an array of ${layout.count} or hex, got ${describeJson(json)}`);
      if (json.length !== layout.count) throw new JsonFieldError(path, `expected ${layout.count} elements, got ${json.length}`);
      json.forEach((elem, i) => encodeAt(layout.elem, elem, out, offset + i * layout.elem.size, indexPath(path, i)));
      return;
    }
    case 'bytes':
      throw new JsonFieldError(path, `expected ${layout.size} bytes as a hex string, got ${describeJson(json)}`);
  }
}

/** Named fields; fields left out are zero, unknown names are errors (typos must not pass). */
function encodeFields(
  layout: Extract<Layout, { kind: 'struct' | 'union' }>,
  json: unknown,
  out: Uint8Array,
  offset: number,
  path: string,
): void {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new JsonFieldError(path, `expected an object with fields of ${layout.name ?? layout.kind} or hex, got ${describeJson(json)}`);
  }
  const fields = new Map(layout.fields.map((f) => [fieldKey(f.name, f.offset), f]));
  for (const [name, value] of Object.entries(json)) {
    const field = fields.get(name);
    if (field === undefined) {
      throw new JsonFieldError(fieldPath(path, name), `no such field (fields: ${[...fields.keys()].join(', ')})`);
    }
    encodeAt(field.layout, value, out, offset + field.offset, fieldPath(path, name));
  }
}

function isByteSized(layout: Layout): boolean {
  return layout.size === 1 && (layout.kind === 'int' || layout.kind === 'bytes');
}

