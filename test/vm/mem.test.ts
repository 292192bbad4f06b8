// LDX/ST/STX: every width, little-endian, zero- and sign-extending loads, stores that truncate,
// the 512-byte stack at r10, and the faults of accesses outside any region.
import { describe, expect, it } from 'vitest';
import { faultOf, r0Of, runAsm } from './asm-run.js';
import { Rng, hex, lddw, sext, u64 } from './ref.js';

const WIDTHS = [['b', 1], ['h', 2], ['w', 4], ['dw', 8]] as const;

/** Little-endian unsigned value of n bytes at off. */
function le(mem: Uint8Array, off: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(mem[off + i]!);
  return v;
}

function randomBytes(rng: Rng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

describe('loads from the memory at r1', () => {
  it.each(WIDTHS)('ldx%s reads little-endian at every offset (aligned or not) and zero-extends', (w, n) => {
    const rng = new Rng(n);
    const mem = randomBytes(rng, 64);
    for (let off = 0; off + n <= 64; off++) {
      // r0 starts with all bits set: the load must replace all 64 bits.
      const got = r0Of(`mov %r0, -1\nldx${w} %r0, [%r1+${off}]\nexit`, mem);
      expect(hex(got), `ldx${w} at ${off}`).toBe(hex(le(mem, off, n)));
    }
  });

  it.each([['b', 1], ['h', 2], ['w', 4]] as const)('ldxs%s sign-extends to 64 bits', (w, n) => {
    const rng = new Rng(n * 13);
    for (let i = 0; i < 50; i++) {
      const mem = randomBytes(rng, 16);
      if (i % 2 === 0) mem[3 + n - 1] |= 0x80; // make half of them negative
      const got = r0Of(`ldxs${w} %r0, [%r1+3]\nexit`, mem);
      expect(hex(got)).toBe(hex(sext(le(mem, 3, n), n * 8)));
    }
    const neg = new Uint8Array(8).fill(0x80, 0, 8);
    expect(hex(r0Of(`ldxs${w} %r0, [%r1]\nexit`, neg))).toBe(hex(sext(le(neg, 0, n), n * 8)));
  });

  it('hand-computed sign extension: 0x80 → -128, 0x8000 → -32768, 0x7f stays 127', () => {
    const mem = Uint8Array.from([0x80, 0x00, 0x80, 0x7f, 0, 0, 0, 0x80]);
    expect(r0Of('ldxsb %r0, [%r1]\nexit', mem)).toBe(u64(-128n));
    expect(r0Of('ldxsh %r0, [%r1+1]\nexit', mem)).toBe(u64(-32768n));
    expect(r0Of('ldxsb %r0, [%r1+3]\nexit', mem)).toBe(127n);
    expect(r0Of('ldxsw %r0, [%r1+4]\nexit', mem)).toBe(u64(-0x80000000n));
    expect(r0Of('ldxw %r0, [%r1+4]\nexit', mem)).toBe(0x80000000n);
  });

  it('negative offsets from an advanced pointer, and dst = src', () => {
    const mem = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    expect(r0Of('add %r1, 8\nldxb %r0, [%r1-3]\nexit', mem)).toBe(6n);
    expect(r0Of('ldxh %r1, [%r1+2]\nmov %r0, %r1\nexit', mem)).toBe(0x0403n);
  });

  it('r2 holds the memory length', () => {
    expect(r0Of('mov %r0, %r2\nexit', new Uint8Array(37))).toBe(37n);
  });
});

describe('stores', () => {
  it.each(WIDTHS)('stx%s stores the low bytes of the register, little-endian, and nothing else', (w, n) => {
    const rng = new Rng(100 + n);
    for (let i = 0; i < 30; i++) {
      const v = rng.value();
      const mem = new Uint8Array(24).fill(0xee);
      const off = rng.int(24 - n + 1);
      r0Of(`${lddw(2, v)}\nstx${w} [%r1+${off}], %r2\nmov %r0, 0\nexit`, mem);
      const want = new Uint8Array(24).fill(0xee);
      for (let k = 0; k < n; k++) want[off + k] = Number((v >> BigInt(8 * k)) & 0xffn);
      expect(Buffer.from(mem).toString('hex')).toBe(Buffer.from(want).toString('hex'));
    }
  });

  it.each(WIDTHS)('st%s stores the immediate (stdw sign-extends it to 64 bits)', (w, n) => {
    for (const k of [-2, 0x12345678, -0x80000000, 0x7f, 0x1ff]) {
      const mem = new Uint8Array(16).fill(0xee);
      r0Of(`st${w} [%r1+4], ${k}\nmov %r0, 0\nexit`, mem);
      expect(le(mem, 4, n)).toBe(BigInt.asUintN(n * 8, BigInt(k)));
      expect(mem[3]).toBe(0xee);
      expect(mem[4 + n]).toBe(0xee);
    }
  });

  it('a value stored is read back', () => {
    expect(r0Of(`${lddw(3, 0x0123456789abcdefn)}\nstxdw [%r1+8], %r3\nldxdw %r0, [%r1+8]\nexit`)).toBe(0x0123456789abcdefn);
    expect(r0Of('stw [%r1], -1\nldxw %r0, [%r1]\nexit')).toBe(0xffffffffn);
    expect(r0Of('stdw [%r1], -1\nldxdw %r0, [%r1]\nexit')).toBe(u64(-1n));
  });
});

describe('the stack (r10 = top of 512 bytes)', () => {
  it('r10-8 and r10-512 are valid; the stack starts zeroed', () => {
    expect(r0Of(`${lddw(1, 0xdeadbeefcafef00dn)}\nstxdw [%r10-8], %r1\nldxdw %r0, [%r10-8]\nexit`)).toBe(0xdeadbeefcafef00dn);
    expect(r0Of('stb [%r10-512], 0x5a\nldxb %r0, [%r10-512]\nexit')).toBe(0x5an);
    expect(r0Of('ldxdw %r0, [%r10-512]\nexit')).toBe(0n);
  });

  it('pointer arithmetic on r10 in another register', () => {
    expect(r0Of('mov %r3, %r10\nadd %r3, -16\nstw [%r3+4], 77\nldxw %r0, [%r10-12]\nexit')).toBe(77n);
  });

  it.each<[string, string, number]>([
    ['a read below the bottom of the stack', 'ldxb %r0, [%r10-513]\nexit', 0],
    ['a read at the top (r10+0)', 'mov %r0, 0\nldxb %r0, [%r10+0]\nexit', 1],
    ['an 8-byte read crossing the top', 'ldxdw %r0, [%r10-4]\nexit', 0],
    ['an 8-byte read crossing the bottom', 'mov %r0, 0\nldxdw %r0, [%r10-516]\nexit', 1],
    ['a write below the bottom', 'stdw [%r10-520], 1\nexit', 0],
    ['a write above the top', 'mov %r0, 0\nmov %r0, 1\nstxw [%r10+0], %r0\nexit', 2],
  ])('%s is out-of-bounds', (_name, text, pc) => {
    const f = faultOf(text);
    expect(f.kind).toBe('out-of-bounds');
    expect(f.pc).toBe(pc);
    expect(f.message).toMatch(/stack/);
  });
});

describe('memory faults', () => {
  it.each<[string, string, number]>([
    ['one byte past the end', 'ldxb %r0, [%r1+64]\nexit', 0],
    ['a word straddling the end', 'mov %r0, 0\nldxw %r0, [%r1+62]\nexit', 1],
    ['one byte before the start', 'ldxb %r0, [%r1-1]\nexit', 0],
    ['a store past the end', 'stxdw [%r1+60], %r1\nexit', 0],
    ['a store through a pointer advanced past the end', 'add %r1, 64\nstb [%r1], 1\nexit', 1],
  ])('%s is out-of-bounds with its pc', (_name, text, pc) => {
    const f = faultOf(text, new Uint8Array(64));
    expect(f.kind).toBe('out-of-bounds');
    expect(f.pc).toBe(pc);
  });

  it.each<[string, string, number]>([
    ['a load through NULL', 'mov %r3, 0\nldxw %r0, [%r3]\nexit', 1],
    ['a load through a small scalar', 'mov %r3, 4096\nldxb %r0, [%r3+8]\nexit', 1],
    ['a store through a scalar', 'mov %r3, -1\nstb [%r3], 1\nexit', 1],
    ['a pointer truncated by a 32-bit move', 'mov32 %r1, %r1\nldxb %r0, [%r1]\nexit', 1],
    ['a pointer truncated by a 32-bit add', 'add32 %r1, 0\nldxb %r0, [%r1]\nexit', 1],
    ['r2 (a length) used as a pointer', 'ldxb %r0, [%r2]\nexit', 0],
  ])('%s is invalid-address', (_name, text, pc) => {
    const f = faultOf(text);
    expect(f.kind).toBe('invalid-address');
    expect(f.pc).toBe(pc);
  });

  // fixed in dpsim (memory.ts regionOf); it was: a region is chosen by the pointer's high word alone, so
  // adding or subtracting 2^32 turns a pointer into a valid pointer to the neighbouring region
  // (here: the memory at r1 minus 2^32 reads stack frame 7; r10 + 2^32 reads stack frame 1).
  it('moving a pointer by 2^32 does not make it point into another region', () => {
    // The kernel verifier refuses such an access (offset outside the memory); a VM without a
    // verifier must still fault rather than read whatever region the high word now selects.
    const a = runAsm(`${lddw(3, 0x100000000n)}\nsub %r1, %r3\nldxb %r0, [%r1]\nexit`);
    expect(a.ok, 'r1 - 2^32 read succeeded').toBe(false);
    const b = runAsm(`${lddw(3, 0x100000000n)}\nmov %r1, %r10\nadd %r1, %r3\nldxb %r0, [%r1-1]\nexit`);
    expect(b.ok, 'r10 + 2^32 read succeeded').toBe(false);
  });

  it('a fault leaves no partial store behind', () => {
    const mem = new Uint8Array(8).fill(0xaa);
    faultOf(`${lddw(2, 0n)}\nstxdw [%r1+4], %r2\nexit`, mem);
    expect([...mem]).toEqual(new Array(8).fill(0xaa));
  });
});
