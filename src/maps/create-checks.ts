// The kernel's map_alloc_check rules: which definitions BPF_MAP_CREATE rejects, and how.

import type { MapDef } from './bpf-map.js';
import {
  BPF_F_ACCESS_MASK, BPF_F_INNER_MAP, BPF_F_MMAPABLE, BPF_F_NO_COMMON_LRU, BPF_F_NO_PREALLOC, BPF_F_NUMA_NODE,
  BPF_F_PRESERVE_ELEMS, BPF_F_RDONLY, BPF_F_RDONLY_PROG, BPF_F_WRONLY, BPF_F_WRONLY_PROG, BPF_F_ZERO_SEED,
  E2BIG, EINVAL, ENOTSUPP, MapType, mapTypeName,
} from './constants.js';
import { MapError } from './map-error.js';

const MAX_BPF_STACK = 512; // a hash key must fit on the program stack
const PCPU_MIN_UNIT_SIZE = 32 * 1024; // per-CPU value limit
const PAGE_SIZE = 4096;
const LPM_DATA_SIZE_MAX = 256;
const HTAB_FLAGS = BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK | BPF_F_ZERO_SEED;
const ARRAY_FLAGS = BPF_F_NUMA_NODE | BPF_F_MMAPABLE | BPF_F_ACCESS_MASK | BPF_F_PRESERVE_ELEMS | BPF_F_INNER_MAP;
const LPM_FLAGS = BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK;

export const MAP_IN_MAP_TYPES: ReadonlySet<number> = new Set([MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS]);

/** Throws the MapError BPF_MAP_CREATE's failure corresponds to. */
export function checkMapDef(def: MapDef): void {
  const fail = (detail: string, errno = EINVAL): never => {
    throw new MapError(def.name, detail, errno);
  };
  for (const field of ['keySize', 'valueSize', 'maxEntries'] as const) {
    if (!Number.isInteger(def[field]) || def[field] < 0 || def[field] > 0xffffffff) fail(`${field} ${def[field]} is not a u32`);
  }
  const flags = def.flags ?? 0;
  if (!Number.isInteger(flags) || flags < 0) fail(`flags ${flags} is not a u32`);
  // bpf_map_flags_access_ok: read-only and write-only at once makes no sense.
  if ((flags & (BPF_F_RDONLY | BPF_F_WRONLY)) === (BPF_F_RDONLY | BPF_F_WRONLY)) fail('BPF_F_RDONLY with BPF_F_WRONLY');
  if ((flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) === (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) {
    fail('BPF_F_RDONLY_PROG with BPF_F_WRONLY_PROG');
  }

  switch (def.type) {
    case MapType.HASH:
    case MapType.LRU_HASH:
    case MapType.PERCPU_HASH:
    case MapType.LRU_PERCPU_HASH:
    case MapType.HASH_OF_MAPS:
      return checkHash(def, flags, fail);
    case MapType.ARRAY:
    case MapType.PERCPU_ARRAY:
    case MapType.PROG_ARRAY:
    case MapType.PERF_EVENT_ARRAY:
    case MapType.ARRAY_OF_MAPS:
      return checkArray(def, flags, fail);
    case MapType.LPM_TRIE:
      return checkLpm(def, flags, fail);
    case MapType.RINGBUF:
      return checkRingbuf(def, flags, fail);
    default:
      fail(`unsupported map type ${def.type}`);
  }
}

type Fail = (detail: string, errno?: number) => never;

function checkHash(def: MapDef, flags: number, fail: Fail): void {
  const lru = def.type === MapType.LRU_HASH || def.type === MapType.LRU_PERCPU_HASH;
  const percpu = def.type === MapType.PERCPU_HASH || def.type === MapType.LRU_PERCPU_HASH;
  if (flags & ~HTAB_FLAGS) fail(`flags 0x${flags.toString(16)} not allowed for ${typeLabel(def)}`);
  if (lru && flags & BPF_F_NO_PREALLOC) fail('LRU maps must be preallocated (no BPF_F_NO_PREALLOC)', ENOTSUPP);
  if (!lru && flags & BPF_F_NO_COMMON_LRU) fail('BPF_F_NO_COMMON_LRU needs an LRU map');
  if (def.maxEntries === 0) fail('max_entries is 0');
  if (def.keySize === 0) fail('key_size is 0');
  if (def.valueSize === 0) fail('value_size is 0');
  if (def.keySize > MAX_BPF_STACK) fail(`key_size ${def.keySize} > ${MAX_BPF_STACK}`, E2BIG);
  if (percpu && def.valueSize > PCPU_MIN_UNIT_SIZE) fail(`per-CPU value_size ${def.valueSize} > ${PCPU_MIN_UNIT_SIZE}`, E2BIG);
  if (def.type === MapType.HASH_OF_MAPS) checkMapInMap(def, fail);
}

function checkArray(def: MapDef, flags: number, fail: Fail): void {
  const fdArray = def.type === MapType.PROG_ARRAY || def.type === MapType.PERF_EVENT_ARRAY || def.type === MapType.ARRAY_OF_MAPS;
  if (fdArray && def.valueSize !== 4) fail(`value_size must be 4 (a file descriptor), not ${def.valueSize}`);
  if (fdArray && flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) fail('BPF_F_RDONLY_PROG/WRONLY_PROG not allowed');
  if (def.maxEntries === 0) fail('max_entries is 0');
  if (def.keySize !== 4) fail(`key_size must be 4 for ${typeLabel(def)}, not ${def.keySize}`);
  if (def.valueSize === 0) fail('value_size is 0');
  if (flags & ~ARRAY_FLAGS) fail(`flags 0x${flags.toString(16)} not allowed for ${typeLabel(def)}`);
  if (flags & BPF_F_MMAPABLE && def.type !== MapType.ARRAY) fail('BPF_F_MMAPABLE needs a plain ARRAY');
  if (flags & BPF_F_PRESERVE_ELEMS && def.type !== MapType.PERF_EVENT_ARRAY) fail('BPF_F_PRESERVE_ELEMS needs a PERF_EVENT_ARRAY');
  if (def.type === MapType.PERCPU_ARRAY && flags & BPF_F_NUMA_NODE) fail('BPF_F_NUMA_NODE not allowed for percpu_array');
  if (def.type === MapType.PERCPU_ARRAY && def.valueSize > PCPU_MIN_UNIT_SIZE) {
    fail(`per-CPU value_size ${def.valueSize} > ${PCPU_MIN_UNIT_SIZE}`, E2BIG);
  }
  if (def.type === MapType.ARRAY_OF_MAPS) checkMapInMap(def, fail);
}

function checkLpm(def: MapDef, flags: number, fail: Fail): void {
  if (def.maxEntries === 0) fail('max_entries is 0');
  if (!(flags & BPF_F_NO_PREALLOC)) fail('lpm_trie needs BPF_F_NO_PREALLOC');
  if (flags & ~LPM_FLAGS) fail(`flags 0x${flags.toString(16)} not allowed for lpm_trie`);
  if (def.keySize < 5 || def.keySize > 4 + LPM_DATA_SIZE_MAX) {
    fail(`key_size ${def.keySize}: an LPM key is a u32 prefixlen and 1..${LPM_DATA_SIZE_MAX} data bytes`);
  }
  if (def.valueSize === 0) fail('value_size is 0');
}

function checkRingbuf(def: MapDef, flags: number, fail: Fail): void {
  if (flags & ~BPF_F_NUMA_NODE) fail(`flags 0x${flags.toString(16)} not allowed for ringbuf`);
  if (def.keySize !== 0 || def.valueSize !== 0) fail('ringbuf key_size and value_size must be 0');
  const size = def.maxEntries;
  if (size === 0 || (size & (size - 1)) !== 0 || size % PAGE_SIZE !== 0) {
    fail(`ringbuf max_entries ${size} must be a power of 2 and a multiple of ${PAGE_SIZE}`);
  }
}

function checkMapInMap(def: MapDef, fail: Fail): void {
  if (def.valueSize !== 4) fail(`value_size must be 4 (a map fd), not ${def.valueSize}`);
  if (def.inner === undefined) fail('map-in-map needs an inner map template');
  if (MAP_IN_MAP_TYPES.has(def.inner!.type)) fail('inner map cannot itself be a map-in-map');
  checkMapDef(def.inner!);
}

function typeLabel(def: MapDef): string {
  return mapTypeName(def.type);
}
