// Maps of either side in one shape (MapSnapshot): the VM's map objects, and the kernel's
// dumps (raw bytes; per-CPU values packed in 8-byte slots; prog ids in fd arrays).

import { splitPerCpu } from '../../harness/testrun.js';
import type { AnyBpfMap } from '../maps/index.js';
import type { MapSnapshot } from './types.js';

type Entry = MapSnapshot['entries'][number];

function shape(m: AnyBpfMap): Omit<MapSnapshot, 'entries'> {
  return {
    name: m.name, kind: m.kind, keySize: m.keySize, valueSize: m.valueSize,
    ...(m.keyLayout ? { keyLayout: m.keyLayout } : {}),
    ...(m.valueLayout ? { valueLayout: m.valueLayout } : {}),
  };
}

/** The VM's map as it stands. */
export function emulatorSnapshot(m: AnyBpfMap): MapSnapshot {
  return { ...shape(m), entries: [...emulatorEntries(m)] };
}

function* emulatorEntries(m: AnyBpfMap): Iterable<Entry> {
  switch (m.kind) {
    case 'hash':
    case 'array':
    case 'lpm-trie':
    case 'percpu-hash':
    case 'percpu-array':
      for (const [key, value] of m.entries()) yield { key, value };
      return;
    case 'prog-array':
    case 'array-of-maps':
    case 'hash-of-maps':
      for (const key of m.keys()) yield { key, value: null };
      return;
    case 'perf-event-array':
    case 'ringbuf':
      return;
  }
}

/** The kernel's dump of the map the VM calls `m`. */
export function kernelSnapshot(m: AnyBpfMap, dump: { key: Uint8Array; value: Uint8Array }[]): MapSnapshot {
  return { ...shape(m), entries: dump.map(({ key, value }) => ({ key, value: kernelValue(m, value) })) };
}

function kernelValue(m: AnyBpfMap, value: Uint8Array): Entry['value'] {
  switch (m.kind) {
    case 'percpu-hash':
    case 'percpu-array':
      return splitPerCpu(value, m.valueSize);
    case 'prog-array':
    case 'array-of-maps':
    case 'hash-of-maps':
      return null;
    default:
      return value;
  }
}
