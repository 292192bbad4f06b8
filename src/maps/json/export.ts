// Map contents -> the map JSON format. Deterministic so dumps diff cleanly: maps by name,
// entries by key (see docs/map-json.md for the orders), all-zero array slots left out.

import type { AnyBpfMap } from '../any-map.js';
import { compareBytes, readIndex } from '../key-id.js';
import { LPM_DATA_OFFSET, maskedLpmKey } from '../lpm-prefix.js';
import { mapsByName, type MapCollection } from './collection.js';
import { decodeLpmKey } from './lpm-key.js';
import { keyLayoutOf, lpmDataLayout, valueLayoutOf } from './map-layouts.js';
import type { JsonValue, MapContentsJson, MapsJson } from './types.js';
import { decodeValue } from './value-codec.js';

/** Maps with no entries to write: their output is captured events, not state. */
const EVENT_KINDS: ReadonlySet<string> = new Set(['perf-event-array', 'ringbuf']);

/** Every stateful map of the collection; ring buffers and perf event arrays are left out. */
export function exportMaps(maps: MapCollection): MapsJson {
  const byName = mapsByName(maps);
  const nameOf = new Map([...byName].map(([name, map]) => [map as AnyBpfMap, name]));
  const out: MapsJson = {};
  for (const name of [...byName.keys()].sort()) {
    const map = byName.get(name)!;
    if (!EVENT_KINDS.has(map.kind)) out[name] = exportMap(map, (inner) => nameOf.get(inner));
  }
  return out;
}

/**
 * One map's entries. Inner maps of a map-in-map are written by the name `innerName`
 * gives, or inline (their own entries) when it gives none.
 */
export function exportMap(map: AnyBpfMap, innerName: (inner: AnyBpfMap) => string | undefined = () => undefined): MapContentsJson {
  const key = (k: Uint8Array) => decodeValue(keyLayoutOf(map), k);
  const value = (v: Uint8Array) => decodeValue(valueLayoutOf(map), v);
  const innerMap = (inner: AnyBpfMap): JsonValue => innerName(inner) ?? exportMap(inner, innerName);
  switch (map.kind) {
    case 'hash':
      return byKeyBytes([...map.entries()]).map(([k, v]) => ({ key: key(k), value: value(v) }));
    case 'percpu-hash':
      return byKeyBytes([...map.entries()]).map(([k, vs]) => ({ key: key(k), value: vs.map(value) }));
    case 'array':
      return [...map.entries()].filter(([, v]) => !isZero(v)).map(([k, v]) => ({ key: key(k), value: value(v) }));
    case 'percpu-array':
      return [...map.entries()].filter(([, vs]) => !vs.every(isZero)).map(([k, vs]) => ({ key: key(k), value: vs.map(value) }));
    case 'lpm-trie': {
      const data = lpmDataLayout(map);
      return byLpmKey([...map.entries()]).map(([k, v]) => ({ key: decodeLpmKey(k, data), value: value(v) }));
    }
    case 'prog-array':
      return [...map.entries()].map(([k]) => ({ key: key(k), value: map.programName(readIndex(k))! }));
    case 'array-of-maps':
      return [...map.entries()].map(([k, inner]) => ({ key: key(k), value: innerMap(inner) }));
    case 'hash-of-maps':
      return byKeyBytes([...map.entries()]).map(([k, inner]) => ({ key: key(k), value: innerMap(inner) }));
    case 'perf-event-array':
    case 'ringbuf':
      return [];
  }
}

function byKeyBytes<V>(entries: [Uint8Array, V][]): [Uint8Array, V][] {
  return entries.sort(([a], [b]) => compareBytes(a, b));
}

/** Address order (data bits within the prefix), then shorter prefix first: a covering prefix precedes what it covers. */
function byLpmKey<V>(entries: [Uint8Array, V][]): [Uint8Array, V][] {
  const sortKey = new Map(entries.map(([k]) => [k, maskedLpmKey(k).subarray(LPM_DATA_OFFSET)]));
  return entries.sort(([a], [b]) => compareBytes(sortKey.get(a)!, sortKey.get(b)!) || readIndex(a) - readIndex(b));
}

function isZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}
