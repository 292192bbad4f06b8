import type { AgreementCase } from '../case.js';
import { concat, ethernet, u32le, u64le, u8, zeros } from '../packets.js';

export const OP = { LOOKUP: 1, UPDATE: 2, DELETE: 3, ADD: 4 } as const;
export const TARGET = { HASH: 0, ARRAY: 1, PERCPU_ARRAY: 2, LRU_HASH: 3 } as const;
export const FLAG = { ANY: 0n, NOEXIST: 1n, EXIST: 2n, LOCK: 4n, UNKNOWN: 8n } as const;
export const REPLY_OFF = 14 + 24;

export interface MapCommand {
  op: number;
  target: number;
  key: number;
  value?: bigint;
  flags?: bigint;
}

export function commandPacket(c: MapCommand): Uint8Array {
  return ethernet(concat(u8(c.op, c.target, 0, 0), u32le(c.key), u64le(c.value ?? 0n), u64le(c.flags ?? 0n), zeros(16)));
}

const run = (cmds: MapCommand[]) => cmds.map((c) => ({ data: commandPacket(c) }));
const { LOOKUP, UPDATE, DELETE, ADD } = OP;

/** Each step with the return code the kernel's map semantics give it (see the VM test). */
export const HASH_SCRIPT: [MapCommand, number][] = [
  [{ op: UPDATE, target: TARGET.HASH, key: 1, value: 10n }, 0],
  [{ op: UPDATE, target: TARGET.HASH, key: 1, value: 11n, flags: FLAG.NOEXIST }, -17], // EEXIST
  [{ op: UPDATE, target: TARGET.HASH, key: 2, value: 20n, flags: FLAG.EXIST }, -2], // ENOENT
  [{ op: UPDATE, target: TARGET.HASH, key: 2, value: 20n, flags: FLAG.NOEXIST }, 0],
  [{ op: UPDATE, target: TARGET.HASH, key: 3, value: 30n }, 0],
  [{ op: UPDATE, target: TARGET.HASH, key: 4, value: 40n }, 0],
  [{ op: UPDATE, target: TARGET.HASH, key: 5, value: 50n }, -7], // E2BIG: full
  [{ op: UPDATE, target: TARGET.HASH, key: 4, value: 41n, flags: FLAG.EXIST }, 0], // replacing works when full
  [{ op: LOOKUP, target: TARGET.HASH, key: 1 }, 0],
  [{ op: ADD, target: TARGET.HASH, key: 1, value: 5n }, 0],
  [{ op: DELETE, target: TARGET.HASH, key: 2 }, 0],
  [{ op: DELETE, target: TARGET.HASH, key: 2 }, -2],
  [{ op: UPDATE, target: TARGET.HASH, key: 5, value: 50n }, 0],
  [{ op: UPDATE, target: TARGET.HASH, key: 6, value: 60n, flags: FLAG.UNKNOWN }, -22],
  [{ op: LOOKUP, target: TARGET.HASH, key: 9 }, -2],
];

export const ARRAY_SCRIPT: [MapCommand, number][] = [
  [{ op: UPDATE, target: TARGET.ARRAY, key: 0, value: 7n, flags: FLAG.NOEXIST }, -17], // every index exists
  [{ op: UPDATE, target: TARGET.ARRAY, key: 1, value: 8n, flags: FLAG.EXIST }, 0],
  [{ op: UPDATE, target: TARGET.ARRAY, key: 4, value: 9n }, -7], // E2BIG: past max_entries
  [{ op: DELETE, target: TARGET.ARRAY, key: 1 }, -22], // arrays cannot delete
  [{ op: LOOKUP, target: TARGET.ARRAY, key: 4 }, -2],
  [{ op: ADD, target: TARGET.ARRAY, key: 2, value: 3n }, 0],
  [{ op: LOOKUP, target: TARGET.ARRAY, key: 1 }, 0],
  [{ op: UPDATE, target: TARGET.ARRAY, key: 3, value: 1n, flags: FLAG.UNKNOWN }, -22],
];

export const PERCPU_SCRIPT: [MapCommand, number][] = [
  [{ op: ADD, target: TARGET.PERCPU_ARRAY, key: 0, value: 5n }, 0],
  [{ op: UPDATE, target: TARGET.PERCPU_ARRAY, key: 1, value: 9n }, 0], // this CPU's slot only
  [{ op: LOOKUP, target: TARGET.PERCPU_ARRAY, key: 1 }, 0],
  [{ op: UPDATE, target: TARGET.PERCPU_ARRAY, key: 2, value: 9n, flags: FLAG.NOEXIST }, -17],
  [{ op: DELETE, target: TARGET.PERCPU_ARRAY, key: 0 }, -22],
];

const lru = (op: number, key: number, value?: bigint): MapCommand => ({ op, target: TARGET.LRU_HASH, key, ...(value !== undefined ? { value } : {}) });

export const mapCases: AgreementCase[] = [
  { name: 'hash: flags, full map, delete', example: 'map_update_lookup_delete', inputs: run(HASH_SCRIPT.map(([c]) => c)) },
  { name: 'array: flags, bounds, no delete', example: 'map_update_lookup_delete', inputs: run(ARRAY_SCRIPT.map(([c]) => c)) },
  {
    name: 'per-CPU array: CPU 0 slots change, CPU 1 keeps its initial values',
    example: 'map_update_lookup_delete',
    maps: { percpu_map: [{ key: 0, value: [1, 100] }, { key: 1, value: [2, 200] }] },
    inputs: run(PERCPU_SCRIPT.map(([c]) => c)),
  },
  {
    name: 'initial hash and array contents from JSON',
    example: 'map_update_lookup_delete',
    maps: { hash_map: [{ key: 7, value: 70 }, { key: 8, value: 80 }], array_map: [{ key: 3, value: 33 }] },
    inputs: run([
      { op: LOOKUP, target: TARGET.HASH, key: 7 },
      { op: ADD, target: TARGET.ARRAY, key: 3, value: 1n },
      { op: UPDATE, target: TARGET.HASH, key: 9, value: 90n, flags: FLAG.NOEXIST },
      { op: DELETE, target: TARGET.HASH, key: 8 },
    ]),
  },
  {
    // BPF_F_LOCK is a known flag, but only for values holding a struct bpf_spin_lock.
    name: 'BPF_F_LOCK on hash, array and LRU values without a bpf_spin_lock',
    example: 'map_update_lookup_delete',
    inputs: run([
      { op: UPDATE, target: TARGET.HASH, key: 1, value: 1n, flags: FLAG.LOCK },
      { op: UPDATE, target: TARGET.ARRAY, key: 1, value: 1n, flags: FLAG.LOCK },
      { op: UPDATE, target: TARGET.LRU_HASH, key: 1, value: 1n, flags: FLAG.LOCK },
    ]),
  },
  {
    name: 'LRU hash: inserting into a full map evicts the least recently used entry',
    example: 'map_update_lookup_delete',
    inputs: run([lru(UPDATE, 1, 1n), lru(UPDATE, 2, 2n), lru(UPDATE, 3, 3n), lru(UPDATE, 4, 4n), lru(UPDATE, 5, 5n), lru(LOOKUP, 1), lru(LOOKUP, 2)]),
  },
  {
    name: 'LRU hash: a looked-up entry survives the next eviction',
    example: 'map_update_lookup_delete',
    inputs: run([
      lru(UPDATE, 1, 1n), lru(UPDATE, 2, 2n), lru(UPDATE, 3, 3n), lru(UPDATE, 4, 4n),
      lru(LOOKUP, 1), lru(UPDATE, 5, 5n), lru(UPDATE, 6, 6n),
    ]),
  },
  {
    name: 'LRU hash: updating an existing key of a full map',
    example: 'map_update_lookup_delete',
    inputs: run([lru(UPDATE, 1, 1n), lru(UPDATE, 2, 2n), lru(UPDATE, 3, 3n), lru(UPDATE, 4, 4n), lru(UPDATE, 2, 22n)]),
  },
  {
    name: 'LRU hash: a NOEXIST update refused on a full map',
    example: 'map_update_lookup_delete',
    inputs: run([
      lru(UPDATE, 1, 1n), lru(UPDATE, 2, 2n), lru(UPDATE, 3, 3n), lru(UPDATE, 4, 4n),
      { op: UPDATE, target: TARGET.LRU_HASH, key: 3, value: 33n, flags: FLAG.NOEXIST },
    ]),
  },
  {
    name: 'LRU hash: delete frees a slot, no eviction',
    example: 'map_update_lookup_delete',
    inputs: run([lru(UPDATE, 1, 1n), lru(UPDATE, 2, 2n), lru(UPDATE, 3, 3n), lru(UPDATE, 4, 4n), lru(DELETE, 3), lru(UPDATE, 5, 5n)]),
  },
];
