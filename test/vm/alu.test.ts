// ALU and ALU64: every operation in its 32- and 64-bit, register and immediate forms, checked
// against the BigInt model of RFC 9669 in ref.ts on edge values and seeded random operands.
import { describe, expect, it } from 'vitest';
import { r0Of } from './asm-run.js';
import {
  EDGES, IMM_EDGES, M32, Rng, alu32, alu64, bswap, hex, lddw, sext, u32, u64, type AluOp,
} from './ref.js';

const BINARY: AluOp[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'mod', 'smod', 'or', 'and', 'xor', 'lsh', 'rsh', 'arsh', 'mov'];
const RANDOM_CASES = 150;

const mnemonic = (op: string, bits: 32 | 64) => (bits === 32 ? `${op}32` : op);

/** Collect mismatches instead of failing on the first, so a report shows the pattern. */
function check(cases: { text: string; want: bigint }[]): string[] {
  const bad: string[] = [];
  for (const c of cases) {
    const got = r0Of(c.text);
    if (got !== c.want) bad.push(`${c.text.replace(/\n/g, '; ')} => ${hex(got)}, want ${hex(c.want)}`);
  }
  return bad;
}

describe('binary ALU operations, register operand', () => {
  for (const bits of [64, 32] as const) {
    for (const op of BINARY) {
      it(`${mnemonic(op, bits)} dst, src: edge pairs and ${RANDOM_CASES} random pairs`, () => {
        const rng = new Rng(0xa1 + BINARY.indexOf(op) * 7 + bits);
        const pairs: [bigint, bigint][] = [];
        for (const a of EDGES) for (const b of EDGES) pairs.push([a, b]);
        for (let i = 0; i < RANDOM_CASES; i++) {
          // Shifts: random amounts beyond the width check the masking.
          const b = op === 'lsh' || op === 'rsh' || op === 'arsh' ? (rng.int(3) === 0 ? rng.value() : BigInt(rng.int(200))) : rng.value();
          pairs.push([rng.value(), b]);
        }
        const model = bits === 64 ? alu64 : alu32;
        const bad = check(pairs.map(([a, b]) => ({
          text: [lddw(0, a), lddw(1, b), `${mnemonic(op, bits)} %r0, %r1`, 'exit'].join('\n'),
          want: model(op, a, b),
        })));
        expect(bad.slice(0, 10)).toEqual([]);
      });
    }
  }
});

describe('binary ALU operations, immediate operand', () => {
  for (const bits of [64, 32] as const) {
    for (const op of BINARY) {
      it(`${mnemonic(op, bits)} dst, imm: imm sign-extended for ALU64, taken as 32 bits for ALU`, () => {
        const rng = new Rng(0xb2 + BINARY.indexOf(op) * 11 + bits);
        const pairs: [bigint, number][] = [];
        for (const a of EDGES) for (const k of IMM_EDGES) pairs.push([a, k]);
        for (let i = 0; i < RANDOM_CASES; i++) pairs.push([rng.value(), rng.imm()]);
        const bad = check(pairs.map(([a, k]) => ({
          text: [lddw(0, a), `${mnemonic(op, bits)} %r0, ${k}`, 'exit'].join('\n'),
          // RFC 9669: for ALU64 the imm is sign-extended to 64 bits; for ALU it is a 32-bit value.
          want: bits === 64 ? alu64(op, a, sext(BigInt(k), 32)) : alu32(op, a, u32(BigInt(k))),
        })));
        expect(bad.slice(0, 10)).toEqual([]);
      });
    }
  }
});

describe('hand-computed cases (division, modulo, shifts, zero extension)', () => {
  const INT64_MIN = 0x8000000000000000n;
  it.each<[string, string, bigint]>([
    // division and modulo by zero (register form: the kernel verifier accepts it)
    ['div64 x/0 = 0', `${lddw(0, 1234n)}\nmov %r1, 0\ndiv %r0, %r1\nexit`, 0n],
    ['div32 x/0 = 0', `${lddw(0, 0xffffffffffffffffn)}\nmov %r1, 0\ndiv32 %r0, %r1\nexit`, 0n],
    ['sdiv64 x/0 = 0', `${lddw(0, u64(-5n))}\nmov %r1, 0\nsdiv %r0, %r1\nexit`, 0n],
    ['mod64 x%0 = x', `${lddw(0, 0x1234567812345678n)}\nmov %r1, 0\nmod %r0, %r1\nexit`, 0x1234567812345678n],
    ['mod32 x%0 = (u32)x', `${lddw(0, 0x1234567887654321n)}\nmov %r1, 0\nmod32 %r0, %r1\nexit`, 0x87654321n],
    ['smod64 -7%0 = -7', `mov %r0, -7\nmov %r1, 0\nsmod %r0, %r1\nexit`, u64(-7n)],
    ['smod32 -7%0 = (u32)-7', `mov %r0, -7\nmov %r1, 0\nsmod32 %r0, %r1\nexit`, 0xfffffff9n],
    ['mod32 by a divisor whose low word is 0', `mov %r0, 7\n${lddw(1, 0x100000000n)}\nmod32 %r0, %r1\nexit`, 7n],
    ['div32 ignores the divisor high word', `mov %r0, 100\n${lddw(1, 0x100000007n)}\ndiv32 %r0, %r1\nexit`, 14n],
    // signed division truncates toward zero; the remainder takes the dividend's sign
    ['sdiv64 -7/2 = -3', `mov %r0, -7\nsdiv %r0, 2\nexit`, u64(-3n)],
    ['sdiv32 -7/2 = -3', `mov32 %r0, -7\nsdiv32 %r0, 2\nexit`, 0xfffffffdn],
    ['smod64 -7%2 = -1', `mov %r0, -7\nsmod %r0, 2\nexit`, u64(-1n)],
    ['smod64 7%-2 = 1', `mov %r0, 7\nsmod %r0, -2\nexit`, 1n],
    ['smod32 -7%-2 = -1', `mov32 %r0, -7\nsmod32 %r0, -2\nexit`, 0xffffffffn],
    ['sdiv64 INT64_MIN/-1 = INT64_MIN', `${lddw(0, INT64_MIN)}\nsdiv %r0, -1\nexit`, INT64_MIN],
    ['smod64 INT64_MIN%-1 = 0', `${lddw(0, INT64_MIN)}\nsmod %r0, -1\nexit`, 0n],
    ['sdiv32 INT32_MIN/-1 = INT32_MIN', `mov32 %r0, 0x80000000\nsdiv32 %r0, -1\nexit`, 0x80000000n],
    ['smod32 INT32_MIN%-1 = 0', `mov32 %r0, 0x80000000\nsmod32 %r0, -1\nexit`, 0n],
    ['div64 by -1 imm is unsigned division by 2^64-1', `${lddw(0, u64(-1n))}\ndiv %r0, -1\nexit`, 1n],
    ['div32 by -1 imm is division by 0xffffffff', `mov32 %r0, -1\ndiv32 %r0, -1\nexit`, 1n],
    // shift masking
    ['lsh64 by 65 shifts by 1', `mov %r0, 1\nmov %r1, 65\nlsh %r0, %r1\nexit`, 2n],
    ['lsh32 by 33 shifts by 1', `mov %r0, 1\nmov %r1, 33\nlsh32 %r0, %r1\nexit`, 2n],
    ['rsh32 by -1 (0xffffffff) shifts by 31', `mov32 %r0, 0x80000000\nmov %r1, -1\nrsh32 %r0, %r1\nexit`, 1n],
    ['arsh32 sign-extends within 32 bits', `mov32 %r0, 0x80000000\narsh32 %r0, 4\nexit`, 0xf8000000n],
    ['arsh64 -16 >> 2 = -4', `mov %r0, -16\narsh %r0, 2\nexit`, u64(-4n)],
    ['rsh32 only sees the low word', `${lddw(0, 0xffffffff80000000n)}\nrsh32 %r0, 4\nexit`, 0x08000000n],
    ['lsh64 by 63', `mov %r0, 3\nlsh %r0, 63\nexit`, INT64_MIN],
    // 32-bit results are zero-extended
    ['add32 wraps and zero-extends', `${lddw(0, 0xffffffffffffffffn)}\nadd32 %r0, 1\nexit`, 0n],
    ['add32 of 0 clears the high word', `${lddw(0, 0xffffffffffffffffn)}\nadd32 %r0, 0\nexit`, 0xffffffffn],
    ['mov32 reg clears the high word', `${lddw(1, 0xaaaaaaaabbbbbbbbn)}\nmov32 %r0, %r1\nexit`, 0xbbbbbbbbn],
    ['mov32 imm -1 = 0xffffffff', 'mov32 %r0, -1\nexit', 0xffffffffn],
    ['mov64 imm -1 sign-extends', 'mov %r0, -1\nexit', M32 | (M32 << 32n)],
    ['mul32 INT_MIN * -1', `mov32 %r0, 0x80000000\nmul32 %r0, -1\nexit`, 0x80000000n],
    ['mul64 high word', `${lddw(0, 0x100000000n)}\n${lddw(1, 0x100000000n)}\nmul %r0, %r1\nexit`, 0n],
    ['mul64 carries into the high word', `${lddw(0, 0xffffffffn)}\n${lddw(1, 0xffffffffn)}\nmul %r0, %r1\nexit`, 0xfffffffe00000001n],
    ['sub64 borrows', `mov %r0, 0\nsub %r0, 1\nexit`, u64(-1n)],
    ['xor32 with a negative imm stays 32-bit', `${lddw(0, 0x1234567800000000n)}\nxor32 %r0, -1\nexit`, 0xffffffffn],
    ['and64 with a negative imm keeps the high word', `${lddw(0, 0x1234567800000000n)}\nand %r0, -1\nexit`, 0x1234567800000000n],
    ['or64 with a negative imm sets the high word', `mov %r0, 0\nor %r0, -2147483648\nexit`, 0xffffffff80000000n],
  ])('%s', (_name, text, want) => {
    expect(hex(r0Of(text))).toBe(hex(want));
  });
});

describe('neg', () => {
  it('neg64 and neg32 on edge values and random values', () => {
    const rng = new Rng(77);
    const values = [...EDGES, ...Array.from({ length: 100 }, () => rng.value())];
    const bad: string[] = [];
    for (const a of values) {
      const g64 = r0Of(`${lddw(0, a)}\nneg %r0\nexit`);
      if (g64 !== u64(-a)) bad.push(`neg ${hex(a)} => ${hex(g64)}`);
      const g32 = r0Of(`${lddw(0, a)}\nneg32 %r0\nexit`);
      if (g32 !== u32(-a)) bad.push(`neg32 ${hex(a)} => ${hex(g32)}`);
    }
    expect(bad).toEqual([]);
  });

  it('neg of INT_MIN is INT_MIN', () => {
    expect(r0Of(`${lddw(0, 0x8000000000000000n)}\nneg %r0\nexit`)).toBe(0x8000000000000000n);
    expect(r0Of('mov32 %r0, 0x80000000\nneg32 %r0\nexit')).toBe(0x80000000n);
  });
});

describe('movsx (sign-extending moves)', () => {
  const FORMS: [string, number, 32 | 64][] = [
    ['movsx864', 8, 64], ['movsx1664', 16, 64], ['movsx3264', 32, 64], ['movsx832', 8, 32], ['movsx1632', 16, 32],
  ];
  it.each(FORMS)('%s on edge and random values', (mn, from, bits) => {
    const rng = new Rng(from * 3 + bits);
    const values = [...EDGES, 0x80n, 0x7fn, 0xff7fn, 0x8000n, 0x7fffn, ...Array.from({ length: 100 }, () => rng.value())];
    const bad: string[] = [];
    for (const v of values) {
      const got = r0Of(`${lddw(0, 0xdeadbeefdeadbeefn)}\n${lddw(1, v)}\n${mn} %r0, %r1\nexit`);
      const want = bits === 64 ? sext(v, from) : u32(sext(v, from));
      if (got !== want) bad.push(`${mn} ${hex(v)} => ${hex(got)}, want ${hex(want)}`);
    }
    expect(bad).toEqual([]);
  });

  it('hand-computed: 0x80 → -128 (64) and 0xffffff80 (32)', () => {
    expect(r0Of('mov %r1, 0x80\nmovsx864 %r0, %r1\nexit')).toBe(0xffffffffffffff80n);
    expect(r0Of('mov %r1, 0x80\nmovsx832 %r0, %r1\nexit')).toBe(0xffffff80n);
    expect(r0Of('mov32 %r1, 0x80000000\nmovsx3264 %r0, %r1\nexit')).toBe(0xffffffff80000000n);
  });
});

describe('byte order (le, be, bswap)', () => {
  const rng = new Rng(4242);
  const values = [...EDGES, 0x1122334455667788n, ...Array.from({ length: 60 }, () => rng.value())];
  const FORMS: [string, (v: bigint) => bigint][] = [
    // On a little-endian machine le is a truncation, be a swap of the low bytes (zero-extended).
    ['le16', (v) => v & 0xffffn],
    ['le32', (v) => v & M32],
    ['le64', (v) => v],
    ['be16', (v) => bswap(v & 0xffffn, 16)],
    ['be32', (v) => bswap(v & M32, 32)],
    ['be64', (v) => bswap(v, 64)],
    ['bswap16', (v) => bswap(v & 0xffffn, 16)],
    ['bswap32', (v) => bswap(v & M32, 32)],
    ['bswap64', (v) => bswap(v, 64)],
  ];
  it.each(FORMS)('%s', (mn, model) => {
    const bad: string[] = [];
    for (const v of values) {
      const got = r0Of(`${lddw(0, v)}\n${mn} %r0\nexit`);
      if (got !== model(v)) bad.push(`${mn} ${hex(v)} => ${hex(got)}, want ${hex(model(v))}`);
    }
    expect(bad).toEqual([]);
  });

  it('hand-computed swaps of 0x1122334455667788', () => {
    const v = lddw(0, 0x1122334455667788n);
    expect(hex(r0Of(`${v}\nbe16 %r0\nexit`))).toBe('0x8877');
    expect(hex(r0Of(`${v}\nbe32 %r0\nexit`))).toBe('0x88776655');
    expect(hex(r0Of(`${v}\nbswap64 %r0\nexit`))).toBe('0x8877665544332211');
    expect(hex(r0Of(`${v}\nle16 %r0\nexit`))).toBe('0x7788');
  });
});

describe('lddw', () => {
  it('loads a full 64-bit constant in two slots', () => {
    const rng = new Rng(9);
    for (let i = 0; i < 50; i++) {
      const v = rng.u64();
      expect(r0Of(`${lddw(0, v)}\nexit`)).toBe(v);
    }
  });
});
