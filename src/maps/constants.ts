// Kernel ABI numbers for maps (include/uapi/linux/bpf.h, errno-base.h).

export const MapType = {
  HASH: 1,
  ARRAY: 2,
  PROG_ARRAY: 3,
  PERF_EVENT_ARRAY: 4,
  PERCPU_HASH: 5,
  PERCPU_ARRAY: 6,
  LRU_HASH: 9,
  LRU_PERCPU_HASH: 10,
  LPM_TRIE: 11,
  ARRAY_OF_MAPS: 12,
  HASH_OF_MAPS: 13,
  RINGBUF: 27,
} as const;
export type MapTypeNumber = (typeof MapType)[keyof typeof MapType];

const typeNames = new Map<number, string>(
  Object.entries(MapType).map(([name, num]) => [num, name.toLowerCase()]),
);

/** "hash", "lru_percpu_hash", ... (bpftool's spelling); "type_N" when unknown. */
export function mapTypeName(type: number): string {
  return typeNames.get(type) ?? `type_${type}`;
}

/** map_flags at creation. */
export const BPF_F_NO_PREALLOC = 1 << 0;
export const BPF_F_NO_COMMON_LRU = 1 << 1;
export const BPF_F_NUMA_NODE = 1 << 2;
export const BPF_F_RDONLY = 1 << 3;
export const BPF_F_WRONLY = 1 << 4;
export const BPF_F_ZERO_SEED = 1 << 6;
export const BPF_F_RDONLY_PROG = 1 << 7;
export const BPF_F_WRONLY_PROG = 1 << 8;
export const BPF_F_MMAPABLE = 1 << 10;
export const BPF_F_PRESERVE_ELEMS = 1 << 11;
export const BPF_F_INNER_MAP = 1 << 12;
export const BPF_F_ACCESS_MASK = BPF_F_RDONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY | BPF_F_WRONLY_PROG;

/** Flags of map_update_elem. */
export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;
export const BPF_F_LOCK = 4;

/** perf_event_output: index meaning "the CPU the program runs on". */
export const BPF_F_CURRENT_CPU = 0xffffffff;

/** Ring buffer output/submit flags and bpf_ringbuf_query() selectors. */
export const BPF_RB_NO_WAKEUP = 1 << 0;
export const BPF_RB_FORCE_WAKEUP = 1 << 1;
export const BPF_RB_AVAIL_DATA = 0;
export const BPF_RB_RING_SIZE = 1;
export const BPF_RB_CONS_POS = 2;
export const BPF_RB_PROD_POS = 3;

/** Positive errno values; map operations return them negated. */
export const ENOENT = 2;
export const E2BIG = 7;
export const EAGAIN = 11;
export const EEXIST = 17;
export const EINVAL = 22;
export const ENOSPC = 28;
export const EPERM = 1;
export const ENOTSUPP = 524;

const errnoNames: Record<number, string> = {
  [EPERM]: 'EPERM', [ENOENT]: 'ENOENT', [E2BIG]: 'E2BIG', [EAGAIN]: 'EAGAIN', [EEXIST]: 'EEXIST',
  [EINVAL]: 'EINVAL', [ENOSPC]: 'ENOSPC', [ENOTSUPP]: 'ENOTSUPP',
};

/** "EEXIST" for 17 or -17. */
export function errnoName(errno: number): string {
  const e = Math.abs(errno);
  return errnoNames[e] ?? `errno ${e}`;
}
