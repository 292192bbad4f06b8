// bench/progs/helper_loop.c does what bench/run.ts says it does: 128 rounds of four helper
// calls (array lookup, hash lookup, bpf_skb_load_bytes, bpf_csum_diff) whose results all feed
// the returned state, checked against the same computation in TypeScript (BigInt), on the
// process's default engine. No timing here.
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { loadObjectSpec } from '../../src/elf/index.js';
import { LoadedObject, testRun } from '../../src/vm/index.js';
import { CLANG, buildProg, helperMapEntries, helperPacket, type MapEntry } from '../../bench/lib.js';

const haveClang = spawnSync(CLANG, ['--version'], { stdio: 'ignore' }).status === 0;

const M64 = (1n << 64n) - 1n;
const u64 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getBigUint64(0, true);
const u32At = (b: Uint8Array, at: number) => BigInt(new DataView(b.buffer, b.byteOffset).getUint32(at, true));

/** bpf_csum_diff(&from, 4, &to, 4, seed) folded twice to 16 bits: the ones' complement sum mod 0xffff (never 0 for a non-zero sum). */
function csumDiffFolded(from: bigint, to: bigint, seed: bigint): bigint {
  const sum = seed + (~from & 0xffffffffn) + to;
  const r = sum % 0xffffn;
  return r === 0n && sum !== 0n ? 0xffffn : r;
}

/** helper_loop.c, in BigInt. */
function helperReference(pkt: Uint8Array, maps: MapEntry[]): number {
  const table = maps.filter((e) => e.map === 'table').map((e) => u64(e.value));
  const keys = maps.filter((e) => e.map === 'keys').map((e) => u64(e.value));
  let acc = 0x9e3779b97f4a7c15n;
  for (let i = 0n; i < 128n; i++) {
    const idx = Number(((acc & 0xffffffffn) ^ i) & 63n);
    acc = (acc + table[idx]!) & M64;
    const key = Number((acc >> 7n) & 0xffn);
    acc ^= keys[key]!;
    const off = Number((acc >> 17n) & 63n);
    acc = (acc + u32At(pkt, off)) & M64;
    const folded = csumDiffFolded(acc & 0xffffffffn, acc >> 32n, i);
    acc = (((acc << 5n) | (acc >> 59n)) & M64) ^ folded;
  }
  return Number((acc ^ (acc >> 32n)) & 0xffffffffn);
}

describe.skipIf(!haveClang)('helper_loop (VM)', () => {
  test('returns the state of 128 rounds of four helper calls', async () => {
    const obj = LoadedObject.load(await loadObjectSpec(buildProg('helper_loop')));
    const maps = helperMapEntries();
    for (const e of maps) {
      const m = obj.map(e.map) as unknown as { userUpdate(k: Uint8Array, v: Uint8Array): number };
      expect(m.userUpdate(e.key, e.value)).toBe(0);
    }
    const prog = obj.program('helper_loop');
    for (const pkt of [helperPacket(), helperPacket(68), helperPacket(1500)]) {
      const r = testRun(obj, prog, { dataIn: pkt, repeat: 3 });
      expect(r.fault).toBeNull();
      expect(r.retval, `${pkt.length}-byte packet`).toBe(helperReference(pkt, maps));
    }
    // Shorter than the loads need: returns 0 before the loop.
    expect(testRun(obj, prog, { dataIn: helperPacket(67) }).retval).toBe(0);
    // A missing hash key changes the result (the lookups really feed it).
    const emptied = LoadedObject.load(await loadObjectSpec(buildProg('helper_loop')));
    for (const e of maps.filter((x) => x.map === 'table')) (emptied.map('table') as unknown as { userUpdate(k: Uint8Array, v: Uint8Array): number }).userUpdate(e.key, e.value);
    expect(testRun(emptied, emptied.program('helper_loop'), { dataIn: helperPacket() }).retval).not.toBe(helperReference(helperPacket(), maps));
  });
});
