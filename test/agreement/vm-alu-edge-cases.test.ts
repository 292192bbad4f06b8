// The ALU example's results against C semantics computed here with BigInt, plus the BPF
// rules C leaves undefined: x / 0 = 0, x % 0 = x (32-bit: x truncated to 32 bits).
import { expect, test } from 'vitest';
import { ALU_OPERANDS, ALU_RESULTS, ALU_RESULTS_OFF, aluPacket, type AluOperands } from './cases/alu-edge-cases.js';
import { readU64le } from './packets.js';
import { runInVm } from './vm-run.js';

const M64 = (1n << 64n) - 1n;
const M32 = (1n << 32n) - 1n;
const u64 = (v: bigint) => BigInt.asUintN(64, v);
const s64 = (v: bigint) => BigInt.asIntN(64, v);
const s32 = (v: bigint) => BigInt.asIntN(32, v);
const bswap = (v: bigint, bytes: number) => {
  let out = 0n;
  for (let i = 0; i < bytes; i++) out = (out << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  return out;
};
/** C's truncating division; BigInt division truncates toward zero too. */
const cdiv = (a: bigint, b: bigint) => (b === 0n ? 0n : a / b);
const cmod = (a: bigint, b: bigint) => (b === 0n ? a : a % b);

function expected(o: AluOperands): bigint[] {
  const a = u64(o.a), b = u64(o.b), c = BigInt(o.c), d = BigInt(o.d);
  const a32 = a & M32;
  return [
    cdiv(a, b),
    cmod(a, b),
    cdiv(c, d),
    cmod(a32, d),
    u64(BigInt.asIntN(64, cdiv(s64(a), s64(b)))), // INT64_MIN / -1 wraps back to INT64_MIN
    u64(cmod(s64(a), s64(b))),
    u64(s32(cdiv(s32(c), s32(d)))),
    u64(a << (c & 63n)),
    a >> (c & 63n),
    u64(s64(a) >> (c & 63n)),
    (a32 << (d & 31n)) & M32,
    a32 >> (d & 31n),
    u64(s32(a32) >> (d & 31n)) & M32,
    bswap(a & 0xffffn, 2),
    bswap(a32, 4),
    bswap(a, 8),
    u64(BigInt.asIntN(8, a)),
    u64(BigInt.asIntN(16, a)),
    u64(BigInt.asIntN(32, a)),
    u64(-s32(c)) & M32,
    (a * b) & M64,
    (c * d) & M32,
    (c - d) & M32,
    (~a & M64) ^ b,
  ];
}

test.each(ALU_OPERANDS.map((o) => [o]))('ALU results for %o match C semantics and BPF div/mod-by-zero rules', async (o) => {
  const { results } = await runInVm('alu_edge_cases', [{ data: aluPacket(o) }]);
  const out = results[0]!.dataOut;
  const got = Array.from({ length: ALU_RESULTS }, (_, i) => readU64le(out, ALU_RESULTS_OFF + 8 * i));
  expect(got).toEqual(expected(o));
  expect(results[0]!.retval).toBe(Number(expected(o)[2]));
});
