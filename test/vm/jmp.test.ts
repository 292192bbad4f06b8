// JMP and JMP32: every condition in 32 and 64 bits, register and immediate forms, on all pairs
// of the edge values; ja/gotol and offsets; the instruction budget.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/isa/asm.js';
import { runRaw } from '../../src/vm/raw.js';
import { faultOf, r0Of, runAsm } from './asm-run.js';
import { EDGES, IMM_EDGES, JMP_OPS, Rng, cond, hex, lddw, sext, u64 } from './ref.js';

/** r0 = 1 when the jump is taken, 0 when it falls through. */
function takenReg(op: string, a: bigint, b: bigint): string {
  return [lddw(1, a), lddw(2, b), 'mov %r0, 0', `${op} %r1, %r2, +1`, 'exit', 'mov %r0, 1', 'exit'].join('\n');
}
function takenImm(op: string, a: bigint, k: number): string {
  return [lddw(1, a), 'mov %r0, 0', `${op} %r1, ${k}, +1`, 'exit', 'mov %r0, 1', 'exit'].join('\n');
}

describe('conditional jumps, register operand, all edge pairs', () => {
  for (const bits of [64, 32] as const) {
    for (const op of JMP_OPS) {
      const mn = bits === 32 ? `${op}32` : op;
      it(`${mn}`, () => {
        const rng = new Rng(op.length * 101 + bits);
        const pairs: [bigint, bigint][] = [];
        for (const a of EDGES) for (const b of EDGES) pairs.push([a, b]);
        // Values that differ only in the high word, or only in the low word.
        for (let i = 0; i < 60; i++) {
          const a = rng.value();
          pairs.push([a, a ^ (BigInt(rng.u32()) << 32n)], [a, a ^ BigInt(rng.u32())], [a, a], [a, rng.value()]);
        }
        const bad: string[] = [];
        for (const [a, b] of pairs) {
          const got = r0Of(takenReg(mn, a, b));
          const want = cond(op, a, b, bits) ? 1n : 0n;
          if (got !== want) bad.push(`${mn} ${hex(a)}, ${hex(b)}: taken=${got}, want ${want}`);
        }
        expect(bad.slice(0, 10)).toEqual([]);
      });
    }
  }
});

describe('conditional jumps, immediate operand', () => {
  for (const bits of [64, 32] as const) {
    for (const op of JMP_OPS) {
      const mn = bits === 32 ? `${op}32` : op;
      it(`${mn}: imm sign-extended to 64 bits (JMP) or compared as 32 bits (JMP32)`, () => {
        const bad: string[] = [];
        const values = [...EDGES, 0xffffffff7fffffffn, 0x80000000ffffffffn];
        for (const a of values) {
          for (const k of IMM_EDGES) {
            const got = r0Of(takenImm(mn, a, k));
            const want = cond(op, a, sext(BigInt(k), 32), bits) ? 1n : 0n;
            if (got !== want) bad.push(`${mn} ${hex(a)}, ${k}: taken=${got}, want ${want}`);
          }
        }
        expect(bad.slice(0, 10)).toEqual([]);
      });
    }
  }

  it('hand-computed: jeq with imm -1 matches 2^64-1 but not 2^32-1; jeq32 matches both', () => {
    expect(r0Of(takenImm('jeq', u64(-1n), -1))).toBe(1n);
    expect(r0Of(takenImm('jeq', 0xffffffffn, -1))).toBe(0n);
    expect(r0Of(takenImm('jeq32', 0xffffffffn, -1))).toBe(1n);
    expect(r0Of(takenImm('jeq32', u64(-1n), -1))).toBe(1n);
  });

  it('hand-computed: unsigned vs signed compares of 2^63 and 1', () => {
    expect(r0Of(takenReg('jgt', 0x8000000000000000n, 1n))).toBe(1n);
    expect(r0Of(takenReg('jsgt', 0x8000000000000000n, 1n))).toBe(0n);
    expect(r0Of(takenReg('jslt', 0x8000000000000000n, 1n))).toBe(1n);
    // 2^32 is 0 in its low word
    expect(r0Of(takenReg('jgt32', 0x100000000n, 0n))).toBe(0n);
    expect(r0Of(takenReg('jgt', 0x100000000n, 0n))).toBe(1n);
    expect(r0Of(takenReg('jset', 0x100000000n, 0x100000000n))).toBe(1n);
    expect(r0Of(takenReg('jset32', 0x100000000n, 0x100000000n))).toBe(0n);
    // INT32_MIN: signed-less than 0 in 32 bits, greater than 0 as a zero-extended 64-bit value
    expect(r0Of(takenReg('jslt32', 0x80000000n, 0n))).toBe(1n);
    expect(r0Of(takenReg('jslt', 0x80000000n, 0n))).toBe(0n);
    expect(r0Of(takenImm('jsgt', 0x7fffffffn, -0x80000000))).toBe(1n);
  });
});

describe('unconditional jumps and offsets', () => {
  it('ja skips forward; offsets are relative to the next instruction', () => {
    expect(r0Of('mov %r0, 1\nja +1\nmov %r0, 2\nexit')).toBe(1n);
    expect(r0Of('mov %r0, 1\nja +0\nmov %r0, 2\nexit')).toBe(2n);
  });

  it('ja32 (gotol) takes its offset from imm', () => {
    const insns = assemble('mov %r0, 1\nja32 +1\nmov %r0, 2\nexit');
    expect(insns[1]).toMatchObject({ opcode: 0x06, off: 0, imm: 1 });
    expect(runRaw(insns, new Uint8Array(8))).toMatchObject({ ok: true, r0: 1n });
  });

  it('a backward loop counts down (sum 1..10 = 55) and insnCount is exact', () => {
    const res = runAsm([
      'mov %r0, 0', // 0
      'mov %r1, 10', // 1
      'loop: add %r0, %r1', // 2
      'sub %r1, 1', // 3
      'jne %r1, 0, loop', // 4
      'exit', // 5
    ].join('\n'));
    // 2 + 10 * 3 + 1 instructions executed
    expect(res).toEqual({ ok: true, r0: 55n, insnCount: 33 });
  });

  it('jumps compare with the current values (r0 as the counter of a nested loop)', () => {
    const text = [
      'mov %r0, 0',
      'mov %r1, 0',
      'outer: mov %r2, 0',
      'inner: add %r0, 1',
      'add %r2, 1',
      'jlt %r2, 7, inner',
      'add %r1, 1',
      'jlt %r1, 5, outer',
      'exit',
    ].join('\n');
    expect(r0Of(text)).toBe(35n);
  });
});

describe('instruction budget', () => {
  it('a runaway loop stops with budget-exceeded at the looping instruction', () => {
    const f = faultOf('mov %r0, 0\nja -1\nexit', undefined, { budget: 1000 });
    expect(f.kind).toBe('budget-exceeded');
    expect(f.pc).toBe(1);
    expect(f.message).toMatch(/1000/);
  });

  it('a two-instruction loop reports a pc inside the loop', () => {
    const f = faultOf('mov %r0, 0\nadd %r0, 1\nja -2\nexit', undefined, { budget: 500 });
    expect(f.kind).toBe('budget-exceeded');
    expect([1, 2]).toContain(f.pc);
  });

  it('a loop that fits in the budget runs; the same loop with a smaller budget does not', () => {
    const text = 'mov %r0, 0\nmov %r1, 100\nloop: add %r0, 1\nsub %r1, 1\njne %r1, 0, loop\nexit';
    const ok = runAsm(text, undefined, { budget: 1000 });
    expect(ok).toMatchObject({ ok: true, r0: 100n, insnCount: 303 });
    expect(runAsm(text, undefined, { budget: 303 })).toMatchObject({ ok: true, r0: 100n });
    const f = faultOf(text, undefined, { budget: 150 });
    expect(f.kind).toBe('budget-exceeded');
    expect([2, 3, 4]).toContain(f.pc);
  });

  it('recursion through BPF-to-BPF calls also counts against the budget', () => {
    // main calls f, which loops forever: the fault is in f, not a call-depth fault.
    const f = faultOf('call local f\nexit\nf: mov %r0, 0\nja -1\nexit', undefined, { budget: 100 });
    expect(f.kind).toBe('budget-exceeded');
    expect(f.pc).toBe(3);
  });
});
