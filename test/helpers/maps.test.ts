// Map helpers (test/fixtures/vm/maps.c): bpf_map_update/lookup/delete_elem return codes on a
// hash and an array as the kernel's htab and arraymap implement them, writes through a looked-up
// value, and bpf_for_each_map_elem with a callback (count, early stop, flags, writes).
import { beforeEach, describe, expect, it } from 'vitest';
import type { LoadedObject } from '../../src/vm/loaded-object.js';
import { haveClang, loadVmFixture } from '../vm/compile.js';
import { IPPROTO_UDP, ipv4Packet } from './packets.js';
import { E2BIG, EEXIST, EINVAL, ENOENT, Struct, getValue, key0, keyU32, ret, run, s32At, setValue, u32At, u64At } from './run.js';

const BPF_ANY = 0n, BPF_NOEXIST = 1n, BPF_EXIST = 2n, BPF_F_LOCK = 4n;
const PKT = ipv4Packet({ proto: IPPROTO_UDP });

describe.skipIf(!haveClang)('map helpers', () => {
  let obj: LoadedObject;
  beforeEach(async () => {
    obj = await loadVmFixture('maps');
  });

  /** struct args: key 0, value 8, flags 16, extra 24. */
  function call(prog: string, key: number, value = 0n, flags = 0n, extra = 0n): number {
    setValue(obj, 'args', key0(), new Struct(32).u32(0, key).u64(8, value).u64(16, flags).u64(24, extra).bytes);
    return ret(run(obj, prog, { dataIn: PKT }));
  }

  describe('array', () => {
    beforeEach(() => {
      for (const [k, v] of [[0, 10n], [1, 20n], [2, 30n], [3, 40n]] as const) expect(call('arr_update', k, v)).toBe(0);
    });

    it('lookups return the stored values; an index past max_entries gives NULL', () => {
      expect([0, 1, 2, 3].map((k) => call('arr_lookup', k))).toEqual([10, 20, 30, 40]);
      expect(call('arr_lookup', 4)).toBe(-1);
    });

    it('update return codes', () => {
      expect(call('arr_update', 4, 1n)).toBe(-E2BIG);
      expect(call('arr_update', 1, 1n, BPF_NOEXIST)).toBe(-EEXIST); // every element exists
      expect(call('arr_update', 9, 1n, BPF_NOEXIST)).toBe(-E2BIG); // the index is checked first
      expect(call('arr_update', 1, 21n, BPF_EXIST)).toBe(0);
      expect(call('arr_update', 1, 1n, 3n)).toBe(-EINVAL);
      expect(call('arr_lookup', 1)).toBe(21);
    });

    // arraymap's update refuses BPF_F_LOCK on a value without a bpf_spin_lock (-EINVAL; checked
    // on Linux 6.18). fixed in dpsim (maps); it was: the VM accepts the flag and writes the value.
    it('BPF_F_LOCK without a spin lock in the value is -EINVAL', () => {
      expect(call('arr_update', 1, 99n, BPF_F_LOCK)).toBe(-EINVAL);
      expect(call('arr_lookup', 1)).toBe(20);
    });

    it('elements cannot be deleted', () => {
      expect(call('arr_delete', 1)).toBe(-EINVAL);
      expect(call('arr_delete', 7)).toBe(-EINVAL);
    });

    it('writes through the looked-up pointer change the map', () => {
      expect(call('arr_incr', 2, 5n)).toBe(0);
      expect(u64At(getValue(obj, 'arr', keyU32(2))!, 0)).toBe(35n);
    });
  });

  describe('hash', () => {
    it('update flags: NOEXIST, EXIST, ANY', () => {
      expect(call('hash_delete', 5)).toBe(-ENOENT);
      expect(call('hash_update', 5, 50n, BPF_EXIST)).toBe(-ENOENT);
      expect(call('hash_update', 5, 50n, BPF_ANY)).toBe(0);
      expect(call('hash_update', 5, 51n, BPF_NOEXIST)).toBe(-EEXIST);
      expect(call('hash_lookup', 5)).toBe(50);
      expect(call('hash_update', 5, 52n, BPF_EXIST)).toBe(0);
      expect(call('hash_lookup', 5)).toBe(52);
      expect(call('hash_update', 5, 1n, 3n)).toBe(-EINVAL);
    });

    it('a full map refuses a new key with -E2BIG but still updates existing ones', () => {
      for (const k of [1, 2, 3, 4]) expect(call('hash_update', k, BigInt(k * 10))).toBe(0);
      expect(call('hash_update', 5, 50n)).toBe(-E2BIG);
      expect(call('hash_update', 4, 41n)).toBe(0);
      expect(call('hash_update', 4, 42n, BPF_EXIST)).toBe(0);
      expect(call('hash_lookup', 4)).toBe(42);
      expect(call('hash_delete', 4)).toBe(0);
      expect(call('hash_update', 5, 50n)).toBe(0);
    });

    it('delete removes; lookups of a missing key give NULL', () => {
      expect(call('hash_update', 8, 80n)).toBe(0);
      expect(call('hash_delete', 8)).toBe(0);
      expect(call('hash_lookup', 8)).toBe(-1);
      expect(call('hash_delete', 8)).toBe(-ENOENT);
      expect(call('hash_incr', 8, 1n)).toBe(-1);
    });

    // htab_map_update_elem: BPF_F_LOCK needs a bpf_spin_lock in the value (-EINVAL, Linux 6.18).
    it('BPF_F_LOCK without a spin lock in the value is -EINVAL', () => {
      expect(call('hash_update', 6, 60n, BPF_F_LOCK)).toBe(-EINVAL);
      expect(call('hash_lookup', 6)).toBe(-1);
    });

    it('writes through the looked-up pointer change the map', () => {
      expect(call('hash_update', 7, 70n)).toBe(0);
      expect(call('hash_incr', 7, 5n)).toBe(0);
      expect(call('hash_lookup', 7)).toBe(75);
    });
  });

  describe('for_each_map_elem', () => {
    /** struct each_out: ret 0 (s64), sum 8, visited 16, last_key 20, keys[8] 24. */
    function each(prog: 'arr_each' | 'hash_each', stopAt = 999n, flags = 0n, double = false) {
      const r = call(prog, 0, stopAt, flags, double ? 1n : 0n);
      const o = getValue(obj, 'out', key0())!;
      const visited = u32At(o, 16);
      return {
        r, ret: s32At(o, 0), sum: u64At(o, 8), visited, lastKey: u32At(o, 20),
        keys: Array.from({ length: Math.min(visited, 8) }, (_, i) => u32At(o, 24 + 4 * i)),
      };
    }

    it('visits every array element in index order and returns the count', () => {
      for (const [k, v] of [[0, 10n], [1, 20n], [2, 30n], [3, 40n]] as const) call('arr_update', k, v);
      expect(each('arr_each')).toEqual({ r: 4, ret: 4, sum: 100n, visited: 4, lastKey: 3, keys: [0, 1, 2, 3] });
    });

    it('stops when the callback returns 1; the stopping element is counted', () => {
      for (const [k, v] of [[0, 10n], [1, 20n], [2, 30n], [3, 40n]] as const) call('arr_update', k, v);
      expect(each('arr_each', 30n)).toEqual({ r: 3, ret: 3, sum: 60n, visited: 3, lastKey: 2, keys: [0, 1, 2] });
    });

    it('visits zero-valued array elements too', () => {
      expect(each('arr_each')).toMatchObject({ ret: 4, sum: 0n, visited: 4 });
    });

    it('non-zero flags are -EINVAL and the callback never runs', () => {
      expect(each('arr_each', 999n, 1n)).toMatchObject({ r: -EINVAL, visited: 0, sum: 0n });
    });

    it('the callback can write the value through its pointer', () => {
      for (const [k, v] of [[0, 1n], [1, 2n], [2, 3n], [3, 4n]] as const) call('arr_update', k, v);
      expect(each('arr_each', 999n, 0n, true).ret).toBe(4);
      expect([0, 1, 2, 3].map((k) => u64At(getValue(obj, 'arr', keyU32(k))!, 0))).toEqual([2n, 4n, 6n, 8n]);
    });

    it('visits every hash entry once (in some order)', () => {
      for (const [k, v] of [[5, 50n], [6, 60n], [7, 70n]] as const) call('hash_update', k, v);
      const e = each('hash_each');
      expect(e).toMatchObject({ r: 3, ret: 3, sum: 180n, visited: 3 });
      expect([...e.keys].sort()).toEqual([5, 6, 7]);
      expect(e.lastKey).toBe(e.keys[2]);
    });

    it('stops a hash walk at the entry whose callback returned 1', () => {
      for (const [k, v] of [[5, 50n], [6, 60n], [7, 70n]] as const) call('hash_update', k, v);
      const e = each('hash_each', 60n);
      expect(e.ret).toBe(e.visited);
      expect(e.lastKey).toBe(6);
      const values: Record<number, bigint> = { 5: 50n, 6: 60n, 7: 70n };
      expect(e.sum).toBe(e.keys.reduce((s, k) => s + values[k]!, 0n));
    });

    it('an empty hash gives 0', () => {
      expect(each('hash_each')).toMatchObject({ r: 0, visited: 0 });
    });
  });
});
