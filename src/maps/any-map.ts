// Every map implementation, discriminated by `kind`.

import type { ArrayMap } from './array-map.js';
import type { ArrayOfMapsMap } from './array-of-maps.js';
import type { HashMap } from './hash-map.js';
import type { HashOfMapsMap } from './hash-of-maps.js';
import type { LpmTrieMap } from './lpm-trie-map.js';
import type { PercpuArrayMap } from './percpu-array-map.js';
import type { PercpuHashMap } from './percpu-hash-map.js';
import type { PerfEventArrayMap } from './perf-event-array.js';
import type { ProgArrayMap } from './prog-array-map.js';
import type { RingbufMap } from './ringbuf.js';

export type AnyBpfMap =
  | HashMap
  | PercpuHashMap
  | ArrayMap
  | PercpuArrayMap
  | LpmTrieMap
  | ProgArrayMap<unknown>
  | ArrayOfMapsMap
  | HashOfMapsMap
  | PerfEventArrayMap
  | RingbufMap;
