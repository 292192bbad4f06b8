// BPF_MAP_CREATE: validate a definition as the kernel would, then build the implementation.

import type { AnyBpfMap } from './any-map.js';
import { ArrayMap } from './array-map.js';
import { ArrayOfMapsMap } from './array-of-maps.js';
import type { MapDef, MapOptions } from './bpf-map.js';
import { BPF_F_NO_COMMON_LRU, EINVAL, MapType } from './constants.js';
import { checkMapDef } from './create-checks.js';
import { HashMap } from './hash-map.js';
import { HashOfMapsMap } from './hash-of-maps.js';
import { LpmTrieMap } from './lpm-trie-map.js';
import { MapError } from './map-error.js';
import { PercpuArrayMap } from './percpu-array-map.js';
import { PercpuHashMap } from './percpu-hash-map.js';
import { PerfEventArrayMap } from './perf-event-array.js';
import { ProgArrayMap } from './prog-array-map.js';
import { RingbufMap } from './ringbuf.js';

/** Throws a MapError naming the map when the kernel would refuse the definition. */
export function createMap(definition: MapDef, opts: MapOptions = {}): AnyBpfMap {
  const nCpus = opts.nCpus ?? 1;
  if (!Number.isInteger(nCpus) || nCpus < 1) throw new MapError(definition.name, `nCpus ${nCpus} must be >= 1`, EINVAL);
  const def = adjustLikeLibbpf(definition, nCpus);
  checkMapDef(def);
  const options = { nCpus };
  switch (def.type) {
    case MapType.HASH:
    case MapType.LRU_HASH:
      return new HashMap(def, options);
    case MapType.PERCPU_HASH:
    case MapType.LRU_PERCPU_HASH:
      return new PercpuHashMap(def, options);
    case MapType.ARRAY:
      return new ArrayMap(def, options);
    case MapType.PERCPU_ARRAY:
      return new PercpuArrayMap(def, options);
    case MapType.LPM_TRIE:
      return new LpmTrieMap(def, options);
    case MapType.PROG_ARRAY:
      return new ProgArrayMap<unknown>(def, options);
    case MapType.PERF_EVENT_ARRAY:
      return new PerfEventArrayMap(def, options);
    case MapType.ARRAY_OF_MAPS:
      return new ArrayOfMapsMap({ ...def, inner: def.inner! }, options);
    case MapType.HASH_OF_MAPS:
      return new HashOfMapsMap({ ...def, inner: def.inner! }, options);
    case MapType.RINGBUF:
      return new RingbufMap(def, options);
    default:
      throw new MapError(def.name, `unsupported map type ${def.type}`, EINVAL); // checkMapDef threw already
  }
}

/**
 * What the loader and kernel change before the map exists: libbpf sizes a perf event array
 * with max_entries 0 to the CPU count; the kernel rounds the max_entries of a
 * BPF_F_NO_COMMON_LRU map to a multiple of the CPU count (one LRU list per CPU).
 */
function adjustLikeLibbpf(def: MapDef, nCpus: number): MapDef {
  if (def.type === MapType.PERF_EVENT_ARRAY && def.maxEntries === 0) return { ...def, maxEntries: nCpus };
  const perCpuLru = (def.type === MapType.LRU_HASH || def.type === MapType.LRU_PERCPU_HASH) && (def.flags ?? 0) & BPF_F_NO_COMMON_LRU;
  if (perCpuLru && def.maxEntries % nCpus !== 0) {
    const up = Math.ceil(def.maxEntries / nCpus) * nCpus;
    return { ...def, maxEntries: up <= 0xffffffff ? up : Math.floor(def.maxEntries / nCpus) * nCpus };
  }
  return def;
}
