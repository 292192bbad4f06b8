// The layouts the JSON codec uses for a map: the BTF-derived ones when they fit, else raw
// bytes; array-like maps' keys are u32 indexes even without BTF.

import type { AnyBpfMap } from '../any-map.js';
import { bytesLayout, type Layout, type LayoutField } from '../layout.js';
import { LPM_DATA_OFFSET } from '../lpm-prefix.js';

const U32: Layout = { kind: 'int', size: 4, signed: false };
const INDEXED_KINDS: ReadonlySet<string> = new Set(['array', 'percpu-array', 'prog-array', 'array-of-maps', 'perf-event-array']);

export function keyLayoutOf(map: AnyBpfMap): Layout {
  if (map.keyLayout !== undefined && map.keyLayout.size === map.keySize) return map.keyLayout;
  return INDEXED_KINDS.has(map.kind) ? U32 : bytesLayout(map.keySize);
}

export function valueLayoutOf(map: AnyBpfMap): Layout {
  if (map.valueLayout !== undefined && map.valueLayout.size === map.valueSize) return map.valueLayout;
  return bytesLayout(map.valueSize);
}

/**
 * The layout of an LPM key's data (the bytes after the u32 prefixlen): the key struct's
 * fields past the prefixlen, moved to offset 0; raw bytes when no field boundary allows it.
 */
export function lpmDataLayout(map: AnyBpfMap): Layout {
  const dataSize = map.keySize - LPM_DATA_OFFSET;
  const key = map.keyLayout;
  if (key === undefined || key.kind !== 'struct' || key.size !== map.keySize) return bytesLayout(dataSize);
  const straddles = key.fields.some((f) => f.offset < LPM_DATA_OFFSET && f.offset + f.layout.size > LPM_DATA_OFFSET);
  const fields: LayoutField[] = key.fields
    .filter((f) => f.offset >= LPM_DATA_OFFSET)
    .map((f) => ({ ...f, offset: f.offset - LPM_DATA_OFFSET }));
  if (straddles || fields.length === 0) return bytesLayout(dataSize);
  return { kind: 'struct', size: dataSize, fields };
}
