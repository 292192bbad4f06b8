// Atomic read-modify-write instructions (BPF_STX | BPF_ATOMIC, RFC 9669 §5.3): add/or/and/xor
// with and without BPF_FETCH, xchg and cmpxchg, 32 and 64 bits, checked against a BigInt model.
import { describe, expect, it } from 'vitest';
import { faultOf, r0Of, runAsm } from './asm-run.js';
import { M32, Rng, hex, lddw, u64 } from './ref.js';

type Op = 'add' | 'or' | 'and' | 'xor';
const OPS: Op[] = ['add', 'or', 'and', 'xor'];

function apply(op: Op, a: bigint, b: bigint, bits: 32 | 64): bigint {
  const m = bits === 64 ? (1n << 64n) - 1n : M32;
  switch (op) {
    case 'add': return (a + b) & m;
    case 'or': return (a | b) & m;
    case 'and': return a & b & m;
    case 'xor': return (a ^ b) & m;
  }
}

function le(mem: Uint8Array, off: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(mem[off + i]!);
  return v;
}
function putLe(mem: Uint8Array, off: number, n: number, v: bigint): void {
  for (let i = 0; i < n; i++) mem[off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

/**
 * Run `insn` on the 8 bytes at [r1+0] with r2 = src and r0 = r0in; r2 is stored at [r1+8] after
 * it, so the run reports memory, r0 and r2.
 */
function runAtomic(insn: string, memInit: bigint, src: bigint, r0in: bigint) {
  const mem = new Uint8Array(16);
  putLe(mem, 0, 8, memInit);
  const r0 = r0Of([lddw(2, src), lddw(0, r0in), insn, 'stxdw [%r1+8], %r2', 'exit'].join('\n'), mem);
  return { mem: le(mem, 0, 8), r0, r2: le(mem, 8, 8) };
}

describe('add/or/and/xor', () => {
  for (const bits of [64, 32] as const) {
    for (const op of OPS) {
      for (const fetch of [false, true]) {
        const mn = `lock ${fetch ? 'fetch ' : ''}${op}${bits === 32 ? '32' : ''}`;
        it(`${mn}: memory updated, src ${fetch ? 'gets the old value' : 'unchanged'}, r0 untouched`, () => {
          const rng = new Rng(bits + OPS.indexOf(op) * 5 + (fetch ? 1000 : 0));
          for (let i = 0; i < 60; i++) {
            const init = rng.value(), src = rng.value(), r0in = rng.value();
            const got = runAtomic(`${mn} [%r1+0], %r2`, init, src, r0in);
            const old = bits === 64 ? init : init & M32;
            const next = apply(op, old, bits === 64 ? src : src & M32, bits);
            // 32-bit forms leave the upper 4 bytes of the 8 alone
            const wantMem = bits === 64 ? next : (init & ~M32 & ((1n << 64n) - 1n)) | next;
            expect(hex(got.mem), `mem after ${mn} ${hex(init)}, ${hex(src)}`).toBe(hex(wantMem));
            // fetch: the old value, zero-extended for 32 bits; otherwise src keeps all 64 bits
            expect(hex(got.r2), `src after ${mn}`).toBe(hex(fetch ? old : src));
            expect(hex(got.r0), 'r0').toBe(hex(r0in));
          }
        });
      }
    }
  }

  it('hand-computed: lock add32 wraps within the word and does not carry into the next', () => {
    const got = runAtomic('lock add32 [%r1+0], %r2', 0x00000001ffffffffn, 1n, 0n);
    expect(hex(got.mem)).toBe('0x100000000');
    const got64 = runAtomic('lock add [%r1+0], %r2', 0x00000001ffffffffn, 1n, 0n);
    expect(hex(got64.mem)).toBe('0x200000000');
  });

  it('hand-computed: lock fetch or returns the old value', () => {
    const got = runAtomic('lock fetch or [%r1+0], %r2', 0xf0n, 0x0fn, 7n);
    expect(got).toEqual({ mem: 0xffn, r2: 0xf0n, r0: 7n });
  });
});

describe('xchg', () => {
  it.each([64, 32] as const)('lock xchg%s swaps memory and src (src zero-extended for 32 bits)', (bits) => {
    const rng = new Rng(bits * 3);
    for (let i = 0; i < 60; i++) {
      const init = rng.value(), src = rng.value(), r0in = rng.value();
      const got = runAtomic(`lock xchg${bits === 32 ? '32' : ''} [%r1+0], %r2`, init, src, r0in);
      if (bits === 64) {
        expect(got).toEqual({ mem: src, r2: init, r0: r0in });
      } else {
        expect(hex(got.mem)).toBe(hex((init & ~M32 & u64(-1n)) | (src & M32)));
        expect(hex(got.r2)).toBe(hex(init & M32));
        expect(got.r0).toBe(r0in);
      }
    }
  });
});

describe('cmpxchg', () => {
  it('lock cmpxchg (64): stores src when memory equals r0; r0 gets the old value either way', () => {
    const rng = new Rng(64);
    for (let i = 0; i < 80; i++) {
      const init = rng.value(), src = rng.value();
      const r0in = i % 2 === 0 ? init : rng.value();
      const got = runAtomic('lock cmpxchg [%r1+0], %r2', init, src, r0in);
      expect(hex(got.mem)).toBe(hex(r0in === init ? src : init));
      expect(hex(got.r0)).toBe(hex(init));
      expect(hex(got.r2)).toBe(hex(src));
    }
  });

  it('lock cmpxchg32: compares only the low 32 bits of r0; r0 = zero-extended old value', () => {
    const rng = new Rng(32);
    for (let i = 0; i < 80; i++) {
      const init = rng.value(), src = rng.value();
      // Half of the time r0's low word equals memory while its high word is random.
      const r0in = i % 2 === 0 ? ((BigInt(rng.u32()) << 32n) | (init & M32)) : rng.value();
      const got = runAtomic('lock cmpxchg32 [%r1+0], %r2', init, src, r0in);
      const equal = (r0in & M32) === (init & M32);
      const hiMem = init & ~M32 & u64(-1n);
      expect(hex(got.mem)).toBe(hex(hiMem | (equal ? src & M32 : init & M32)));
      expect(hex(got.r0)).toBe(hex(init & M32));
      expect(hex(got.r2)).toBe(hex(src));
    }
  });

  it('hand-computed: a failed cmpxchg leaves memory alone', () => {
    expect(runAtomic('lock cmpxchg [%r1+0], %r2', 5n, 9n, 6n)).toEqual({ mem: 5n, r0: 5n, r2: 9n });
    expect(runAtomic('lock cmpxchg [%r1+0], %r2', 5n, 9n, 5n)).toEqual({ mem: 9n, r0: 5n, r2: 9n });
  });
});

describe('atomics on the stack and faults', () => {
  it('work on the stack', () => {
    expect(r0Of('stdw [%r10-8], 5\nmov %r2, 3\nlock add [%r10-8], %r2\nldxdw %r0, [%r10-8]\nexit')).toBe(8n);
    expect(r0Of('stw [%r10-4], 5\nmov %r2, 3\nlock fetch xor32 [%r10-4], %r2\nmov %r0, %r2\nexit')).toBe(5n);
  });

  it('out of bounds is a fault with the pc', () => {
    const f = faultOf('mov %r2, 1\nlock add [%r1+60], %r2\nexit', new Uint8Array(64));
    expect(f.kind).toBe('out-of-bounds');
    expect(f.pc).toBe(1);
    expect(faultOf('mov %r2, 1\nlock add32 [%r10+0], %r2\nexit').kind).toBe('out-of-bounds');
  });

  it('through a scalar is invalid-address', () => {
    const f = faultOf('mov %r3, 64\nmov %r2, 1\nlock xchg [%r3+0], %r2\nexit');
    expect(f.kind).toBe('invalid-address');
    expect(f.pc).toBe(2);
  });

  it('a faulting atomic changes neither memory nor registers', () => {
    const mem = new Uint8Array(8).fill(1);
    const res = runAsm('mov %r2, 7\nlock fetch add [%r1+4], %r2\nexit', mem);
    expect(res.ok).toBe(false);
    expect([...mem]).toEqual(new Array(8).fill(1));
  });
});
