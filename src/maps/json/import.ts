// The map JSON format -> map contents. Every map named in the file gets exactly the
// file's entries (cleared first; array slots not listed become zero); maps the file does
// not name are untouched; frozen maps must be listed unchanged. Everything is validated
// before any map changes.

import type { AnyBpfMap } from '../any-map.js';
import type { ArrayOfMapsMap } from '../array-of-maps.js';
import { BPF_ANY, BPF_F_RDONLY, E2BIG, EPERM } from '../constants.js';
import { createMap } from '../create-map.js';
import type { HashOfMapsMap } from '../hash-of-maps.js';
import { innerMapMismatch } from '../inner-map-check.js';
import { readIndex } from '../key-id.js';
import { maskedLpmKey } from '../lpm-prefix.js';
import { MapError } from '../map-error.js';
import { percpuBufferSize, type PercpuInput } from '../percpu-values.js';
import { mapsByName, type MapCollection } from './collection.js';
import { EntryReader, type RawEntry } from './entry-reader.js';
import { exportMap } from './export.js';
import { describeJson, indexPath, JsonFieldError, underField } from './field-error.js';
import { parseHex } from './hex.js';
import { encodeLpmKey } from './lpm-key.js';
import { keyLayoutOf, lpmDataLayout, valueLayoutOf } from './map-layouts.js';
import { encodeValue } from './value-codec.js';

/** Finds the program a prog-array entry names (the VM's handle), or undefined. */
export type ProgramResolver = (name: string) => unknown;

interface ImportContext {
  byName: Map<string, AnyBpfMap>;
  resolveProgram?: ProgramResolver;
}

/** One prepared update: returns 0 or a negative errno. */
type Write = () => number;

/** Throws MapError (map, entry, field) or TypeError (not a map JSON object at all). */
export function importMaps(maps: MapCollection, json: unknown, resolveProgram?: ProgramResolver): void {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new TypeError(`map JSON: expected an object of map name -> entries, got ${describeJson(json)}`);
  }
  const ctx: ImportContext = { byName: mapsByName(maps), ...(resolveProgram ? { resolveProgram } : {}) };
  const applies = Object.entries(json).map(([name, contents]) => {
    const map = ctx.byName.get(name);
    if (map === undefined) throw new MapError(name, `no such map (maps: ${[...ctx.byName.keys()].sort().join(', ')})`);
    return prepareImport(map, contents, ctx);
  });
  for (const apply of applies) apply();
}

/** Validates and encodes one map's contents; the returned function replaces them. */
function prepareImport(map: AnyBpfMap, contents: unknown, ctx: ImportContext): () => void {
  const reader = new EntryReader(map);
  if (map.userReadonly) return checkUnchanged(map, contents, ctx, reader);
  const entries = reader.entries(contents);
  const writes = entries.map((entry) => prepareEntry(map, entry, reader, ctx));
  if (map.kind === 'hash' || map.kind === 'percpu-hash' || map.kind === 'lpm-trie' || map.kind === 'hash-of-maps') {
    if (entries.length > map.maxEntries) reader.fail(`${entries.length} entries, max_entries is ${map.maxEntries}`, E2BIG);
  }
  return () => {
    map.clear();
    writes.forEach((write, index) => {
      const err = write();
      if (err !== 0) reader.fail(`entry ${index}: update failed`, -err);
    });
  };
}

/** A frozen map (.rodata) may be listed with the contents it has, so that dumps load back. */
function checkUnchanged(map: AnyBpfMap, contents: unknown, ctx: ImportContext, reader: EntryReader): () => void {
  const scratch = createMap(
    {
      name: map.name, type: map.type, keySize: map.keySize, valueSize: map.valueSize, maxEntries: map.maxEntries,
      flags: map.flags & ~BPF_F_RDONLY,
      ...(map.keyLayout ? { keyLayout: map.keyLayout } : {}),
      ...(map.valueLayout ? { valueLayout: map.valueLayout } : {}),
      ...('inner' in map ? { inner: map.inner } : {}),
    },
    { nCpus: map.nCpus },
  );
  prepareImport(scratch, contents, ctx)();
  const names = new Map([...ctx.byName].map(([name, m]) => [m, name]));
  const canonical = (m: AnyBpfMap) => JSON.stringify(exportMap(m, (inner) => names.get(inner)));
  if (canonical(scratch) !== canonical(map)) reader.fail('frozen or read-only: the file changes its contents', EPERM);
  return () => {};
}

function prepareEntry(map: AnyBpfMap, entry: RawEntry, reader: EntryReader, ctx: ImportContext): Write {
  switch (map.kind) {
    case 'perf-event-array':
    case 'ringbuf':
      return reader.fail('has no entries: its output is events, not state');
    case 'lpm-trie': {
      const key = reader.encode(entry, 'key', () => encodeLpmKey(entry.key, lpmDataLayout(map)));
      reader.checkUnique(entry, maskedLpmKey(key));
      const value = reader.encode(entry, 'value', () => encodeValue(valueLayoutOf(map), entry.value));
      return () => map.userUpdate(key, value, BPF_ANY);
    }
    case 'hash':
    case 'array': {
      const key = keyOf(map, entry, reader);
      const value = reader.encode(entry, 'value', () => encodeValue(valueLayoutOf(map), entry.value));
      return () => map.userUpdate(key, value, BPF_ANY);
    }
    case 'percpu-hash':
    case 'percpu-array': {
      const key = keyOf(map, entry, reader);
      const values = reader.encode(entry, 'value', () => percpuValue(map, entry.value));
      return () => map.userUpdate(key, values, BPF_ANY);
    }
    case 'prog-array': {
      const index = readIndex(keyOf(map, entry, reader));
      const name = entry.value;
      if (typeof name !== 'string') reader.fail(`entry ${entry.index}: value: expected a program name, got ${describeJson(name)}`);
      if (ctx.resolveProgram === undefined) reader.fail(`entry ${entry.index}: no program resolver to find "${name}"`);
      const program = ctx.resolveProgram(name);
      if (program === undefined) reader.fail(`entry ${entry.index}: value: no program named "${name}"`);
      return () => map.setProgram(index, program, name);
    }
    case 'array-of-maps':
    case 'hash-of-maps': {
      const key = keyOf(map, entry, reader);
      const { inner, apply } = innerMapOf(map, entry, reader, ctx);
      return () => {
        apply?.();
        return map.userUpdate(key, inner, BPF_ANY);
      };
    }
  }
}

/** Key bytes by the key layout; indexes of array-like maps must be below max_entries. */
function keyOf(map: AnyBpfMap, entry: RawEntry, reader: EntryReader): Uint8Array {
  const key = reader.encode(entry, 'key', () => encodeValue(keyLayoutOf(map), entry.key));
  const indexed = map.kind !== 'hash' && map.kind !== 'percpu-hash' && map.kind !== 'hash-of-maps';
  if (indexed && readIndex(key) >= map.maxEntries) {
    reader.fail(`entry ${entry.index}: key: index ${readIndex(key)} >= max_entries ${map.maxEntries}`, E2BIG);
  }
  reader.checkUnique(entry, key);
  return key;
}

/** One value per CPU (or one for every CPU), or hex of the kernel's packed per-CPU buffer. */
function percpuValue(map: AnyBpfMap, json: unknown): PercpuInput {
  if (typeof json === 'string') return parseHex(json, percpuBufferSize(map.valueSize, map.nCpus), '');
  if (!Array.isArray(json) || (json.length !== map.nCpus && json.length !== 1)) {
    throw new JsonFieldError('', `expected an array of ${map.nCpus} per-CPU values (or 1 for every CPU), got ${describeJson(json)}`);
  }
  return json.map((v, cpu) => underField(indexPath('', cpu), () => encodeValue(valueLayoutOf(map), v)));
}

/** An inner map by name (a map of the collection) or inline (a new map from the template). */
function innerMapOf(
  map: ArrayOfMapsMap | HashOfMapsMap,
  entry: RawEntry,
  reader: EntryReader,
  ctx: ImportContext,
): { inner: AnyBpfMap; apply?: () => void } {
  if (typeof entry.value === 'string') {
    const inner = ctx.byName.get(entry.value);
    if (inner === undefined) reader.fail(`entry ${entry.index}: value: no map named "${entry.value}"`);
    const mismatch = innerMapMismatch(map.inner, inner);
    if (mismatch !== undefined) reader.fail(`entry ${entry.index}: value: ${mismatch}`);
    return { inner };
  }
  if (!Array.isArray(entry.value)) {
    reader.fail(`entry ${entry.index}: value: expected an inner map name or its entries, got ${describeJson(entry.value)}`);
  }
  const inner = createMap({ ...map.inner, name: `${map.name}/${JSON.stringify(entry.key)}` }, { nCpus: map.nCpus });
  return { inner, apply: prepareImport(inner, entry.value, ctx) };
}
