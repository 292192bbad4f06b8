// Reads one map's entries from JSON, turning every failure into a MapError that names the
// map, the entry index and the field.

import type { AnyBpfMap } from '../any-map.js';
import { MapError } from '../map-error.js';
import { describeJson, fieldPath, JsonFieldError } from './field-error.js';
import { toHex } from './hex.js';

export interface RawEntry {
  index: number;
  key: unknown;
  value: unknown;
}

export class EntryReader {
  readonly #seenKeys = new Set<string>();

  constructor(readonly map: AnyBpfMap) {}

  /** The entries of `contents`, which must be an array of {key, value}. */
  entries(contents: unknown): RawEntry[] {
    if (!Array.isArray(contents)) this.fail(`expected an array of {"key", "value"} entries, got ${describeJson(contents)}`);
    return contents.map((entry: unknown, index) => {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        this.fail(`entry ${index}: expected {"key": ..., "value": ...}, got ${describeJson(entry)}`);
      }
      const { key, value, ...rest } = entry as Record<string, unknown>;
      const extra = Object.keys(rest)[0];
      if (extra !== undefined) this.fail(`entry ${index}: unknown member "${extra}" (an entry has key and value)`);
      if (key === undefined) this.fail(`entry ${index}: key is missing`);
      if (value === undefined) this.fail(`entry ${index}: value is missing`);
      return { index, key, value };
    });
  }

  /** Runs an encoder, naming entry and field in its errors. */
  encode<T>(entry: RawEntry, part: 'key' | 'value', run: () => T): T {
    try {
      return run();
    } catch (e) {
      if (e instanceof JsonFieldError) this.fail(`entry ${entry.index}: ${fieldPath(part, e.field)}: ${e.reason}`);
      throw e;
    }
  }

  /** Fails on a key seen before in this map; `identity` is the key as the map compares it. */
  checkUnique(entry: RawEntry, identity: Uint8Array): void {
    const id = toHex(identity);
    if (this.#seenKeys.has(id)) this.fail(`entry ${entry.index}: duplicate key ${describeJson(entry.key)}`);
    this.#seenKeys.add(id);
  }

  fail(detail: string, errno?: number): never {
    throw new MapError(this.map.name, detail, errno);
  }
}
