// enum bpf_map_type from include/uapi/linux/bpf.h, keyed by the lower-case names libbpf and
// bpftool print. Other modules index map implementations by these numbers.

export const BPF_MAP_TYPE = {
  unspec: 0,
  hash: 1,
  array: 2,
  prog_array: 3,
  perf_event_array: 4,
  percpu_hash: 5,
  percpu_array: 6,
  stack_trace: 7,
  cgroup_array: 8,
  lru_hash: 9,
  lru_percpu_hash: 10,
  lpm_trie: 11,
  array_of_maps: 12,
  hash_of_maps: 13,
  devmap: 14,
  sockmap: 15,
  cpumap: 16,
  xskmap: 17,
  sockhash: 18,
  cgroup_storage: 19,
  reuseport_sockarray: 20,
  percpu_cgroup_storage: 21,
  queue: 22,
  stack: 23,
  sk_storage: 24,
  devmap_hash: 25,
  struct_ops: 26,
  ringbuf: 27,
  inode_storage: 28,
  task_storage: 29,
  bloom_filter: 30,
  user_ringbuf: 31,
  cgrp_storage: 32,
  arena: 33,
} as const;

export type MapTypeName = keyof typeof BPF_MAP_TYPE;

const NAMES = new Map<number, MapTypeName>(
  Object.entries(BPF_MAP_TYPE).map(([name, n]) => [n, name as MapTypeName]),
);

/** The name for a map type number; undefined for numbers this table does not know. */
export function mapTypeName(type: number): MapTypeName | undefined {
  return NAMES.get(type);
}

/** Map-in-map types, whose values are inner maps. */
export function isMapInMap(type: number): boolean {
  return type === BPF_MAP_TYPE.array_of_maps || type === BPF_MAP_TYPE.hash_of_maps;
}

/** Map flags the loader sets on global-data maps (libbpf does the same). */
export const BPF_F = { NO_PREALLOC: 0x1, RDONLY_PROG: 0x80, MMAPABLE: 0x400 } as const;
