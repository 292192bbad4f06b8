// The helper functions the bpf_conformance suite's tests call, as uBPF's conformance plugin
// defines them (ubpf_plugin/test_helpers.h) with helper 5 registered as the "unwind" helper:
// when it returns 0 the program stops at once with r0 = 0.

type Helper = (args: bigint[]) => bigint | 'unwind';

const U64 = (v: bigint) => BigInt.asUintN(64, v);

/** Helper 0: packs the low bytes of r1..r5 into one value, r1's byte highest. */
const gatherBytes: Helper = ([a, b, c, d, e]) =>
  ((a & 0xffn) << 32n) | ((b & 0xffn) << 24n) | ((c & 0xffn) << 16n) | ((d & 0xffn) << 8n) | (e & 0xffn);

const noOp: Helper = () => 0n;

/** Helper 3: integer square root through a double, as the C helper's std::sqrt does. */
const sqrti: Helper = ([a]) => U64(BigInt(Math.floor(Math.sqrt(Number(a)))));

/** Helper 5: returns its argument; a zero result unwinds (ends) the program. */
const unwind: Helper = ([a]) => (a === 0n ? 'unwind' : a);

/**
 * Helpers by id. memfrob (1) and strcmp_ext (4) dereference pointers, which runRaw's helper
 * interface cannot do; no test in the suite calls them, so a call reports an unknown helper.
 */
export function conformanceHelpers(): Map<number, Helper> {
  return new Map<number, Helper>([
    [0, gatherBytes],
    [2, noOp],
    [3, sqrti],
    [5, unwind],
  ]);
}
