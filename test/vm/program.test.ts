// Load-time validation (what the kernel verifier refuses structurally): each case must come back
// as ok:false with kind 'invalid-program', the pc of the offending instruction, and never run.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/isa/asm.js';
import { insnFromWord, type Insn } from '../../src/isa/insn.js';
import { predecode, ProgramError } from '../../src/vm/program.js';
import { runRaw } from '../../src/vm/raw.js';

function invalid(insns: Insn[], opts: { allowCallx?: boolean } = {}) {
  let helperRan = false;
  const res = runRaw(insns, new Uint8Array(16), { ...opts, helpers: new Map([[1, () => { helperRan = true; return 0n; }]]) });
  expect(helperRan, 'an invalid program must not run').toBe(false);
  if (res.ok) throw new Error(`expected invalid-program, the program ran and returned ${res.r0}`);
  return res.fault;
}

/** `.insn` word: opcode | dst << 8 | src << 12 | off << 16 | imm << 32. */
const word = (opcode: number, dst = 0, src = 0, off = 0, imm = 0): Insn =>
  insnFromWord(BigInt(opcode) | (BigInt(dst) << 8n) | (BigInt(src) << 12n) | (BigInt(off & 0xffff) << 16n) | (BigInt(imm >>> 0) << 32n));

describe('invalid programs are refused before running', () => {
  const CASES: [string, () => Insn[], number][] = [
    ['opcode 0xff', () => [...assemble('call 1\nmov %r0, 0'), word(0xff), ...assemble('exit')], 2],
    ['opcode 0x00 outside an lddw', () => [...assemble('call 1\nmov %r0, 0'), word(0x00), ...assemble('exit')], 2],
    ['an 8-bit atomic (no such opcode)', () => [...assemble('call 1\nmov %r2, 1'), word(0xd3, 1, 2, 0, 0), ...assemble('exit')], 2],
    ['an unknown atomic operation (imm 0x10)', () => [...assemble('call 1'), word(0xdb, 1, 2, 0, 0x10), ...assemble('exit')], 1],
    ['xchg without BPF_FETCH (imm 0xe0)', () => [...assemble('call 1'), word(0xdb, 1, 2, 0, 0xe0), ...assemble('exit')], 1],
    ['a byte swap of width 8', () => [...assemble('call 1'), word(0xd4, 0, 0, 0, 8), ...assemble('exit')], 1],
    ['movsx with offset 7', () => [...assemble('call 1'), word(0xbf, 0, 1, 7), ...assemble('exit')], 1],
    ['movsx32 from 32 bits (only 8 and 16 exist)', () => [...assemble('call 1'), word(0xbc, 0, 1, 32), ...assemble('exit')], 1],
    ['div with offset 2', () => [...assemble('call 1'), word(0x3f, 0, 1, 2), ...assemble('exit')], 1],
    ['register r11', () => assemble('call 1\nmov %r11, 1\nexit'), 1],
    ['source register r12', () => assemble('call 1\nmov %r0, %r12\nexit'), 1],
    ['a jump past the end', () => assemble('call 1\nja +5\nexit'), 1],
    ['a jump to one past the last instruction', () => assemble('call 1\njeq %r0, 0, +1\nexit'), 1],
    ['a jump before the start', () => assemble('call 1\nmov %r0, 0\nja -4\nexit'), 2],
    ['a gotol past the end', () => assemble('call 1\nja32 +100\nexit'), 1],
    ['a jump into the second slot of an lddw', () => assemble('call 1\nja +1\nlddw %r0, 0x100000001\nexit'), 1],
    ['a call local past the end', () => assemble('call 1\ncall local +9\nexit'), 1],
    ['a call local into the second slot of an lddw', () => assemble('call 1\ncall local +1\nlddw %r0, 1\nexit'), 1],
    ['lddw as the last slot', () => assemble('call 1\nlddw %r0, 0x100000001').slice(0, 2), 1],
    ['lddw followed by an instruction', () => { const p = assemble('call 1\nlddw %r0, 1\nexit'); p[2] = assemble('exit')[0]!; return p; }, 1],
    ['lddw whose second slot has a register', () => { const p = assemble('call 1\nlddw %r0, 1\nexit'); p[2]!.dst = 1; return p; }, 1],
    ['lddw with an unknown src (7)', () => { const p = assemble('call 1\nlddw %r0, 1\nexit'); p[1]!.src = 7; return p; }, 1],
    ['mov to r10', () => assemble('call 1\nmov %r10, 0\nexit'), 1],
    ['add to r10', () => assemble('call 1\nadd %r10, 8\nexit'), 1],
    ['add32 to r10', () => assemble('call 1\nadd32 %r10, 8\nexit'), 1],
    ['neg r10', () => assemble('call 1\nneg %r10\nexit'), 1],
    ['a byte swap of r10', () => assemble('call 1\nbe16 %r10\nexit'), 1],
    ['a load into r10', () => assemble('call 1\nldxdw %r10, [%r1]\nexit'), 1],
    ['an lddw into r10', () => assemble('call 1\nlddw %r10, 5\nexit'), 1],
    // BPF_FETCH writes the old value into src: the kernel's check_atomic marks src as written
    // (check_reg_arg(..., DST_OP)), which refuses r10 ("frame pointer is read only"; checked on
    // Linux 6.18). fixed in dpsim (program.ts predecode); it was: writesDst ignores BPF_FETCH, so these load
    // and the atomic overwrites r10 at run time.
    ['lock fetch add with r10 as the fetch register', () => assemble('call 1\nlock fetch add [%r1+0], %r10\nexit'), 1],
    ['lock xchg with r10 as the fetch register', () => assemble('call 1\nlock xchg [%r1+0], %r10\nexit'), 1],
    ['an empty program', () => [], 0],
    // check_subprogs: "last insn is not an exit or jmp" (checked on Linux 6.18), even when the
    // last instruction cannot be reached. fixed in dpsim (program.ts predecode); it was: not checked; the
    // first program faults at run time with 'fell-off-end', the second runs and returns 1.
    ['a program that falls off its end (last insn not exit/ja)', () => assemble('call 1\nmov %r0, 1'), 1],
    ['unreachable trailing code after the exit', () => assemble('call 1\nmov %r0, 1\nexit\nmov %r0, 2'), 3],
  ];

  it.each(CASES)('%s', (_name, build, pc) => {
    const f = invalid(build());
    expect(f.kind).toBe('invalid-program');
    expect(f.pc).toBe(pc);
    if (pc > 0 || build().length > 0) expect(f.message).toMatch(new RegExp(`pc ${pc}\\b`));
  });

  it('callx is refused when not allowed (the kernel has no callx)', () => {
    const f = invalid(assemble('call 1\nmov %r2, 1\ncallx %r2\nexit'), { allowCallx: false });
    expect(f.kind).toBe('invalid-program');
    expect(f.pc).toBe(2);
  });

  it('valid neighbours of those cases load and run', () => {
    // Storing r10 to memory, and reading it, are fine; so is a jump to the last instruction.
    expect(runRaw(assemble('stxdw [%r10-8], %r10\nmov %r0, %r10\njeq %r0, 0, +0\nexit'), new Uint8Array(8)).ok).toBe(true);
    expect(runRaw(assemble('lddw %r0, 0x100000001\nja +0\nexit'), new Uint8Array(8))).toMatchObject({ ok: true, r0: 0x100000001n });
  });
});

describe('kernel-strict validation (what C programs are loaded with)', () => {
  /** The pc predecode refuses in kernel-strict mode, or undefined when it accepts. */
  function strictRefusal(text: string): number | undefined {
    try {
      predecode(assemble(text), { kernelStrict: true });
      return undefined;
    } catch (e) {
      if (e instanceof ProgramError) return e.pc;
      throw e;
    }
  }

  // check_alu_op: "div by zero" for BPF_K div/mod by 0, "invalid shift" for an immediate shift
  // amount outside [0, width). RFC 9669 defines both (the conformance suite runs them), so raw
  // runs accept them; the kernel verifier does not.
  it.each([
    ['div imm 0', 'mov %r0, 1\ndiv %r0, 0\nexit', 1],
    ['mod32 imm 0', 'mov %r0, 1\nmod32 %r0, 0\nexit', 1],
    ['sdiv imm 0', 'mov %r0, 1\nsdiv %r0, 0\nexit', 1],
    ['lsh by 64', 'mov %r0, 1\nlsh %r0, 64\nexit', 1],
    ['rsh32 by 32', 'mov %r0, 1\nrsh32 %r0, 32\nexit', 1],
    ['arsh by -1', 'mov %r0, 1\narsh %r0, -1\nexit', 1],
  ])('refuses %s', (_n, text, pc) => {
    expect(strictRefusal(text)).toBe(pc);
    expect(runRaw(assemble(text), new Uint8Array(8)).ok, 'a raw (RFC) run accepts it').toBe(true);
  });

  it.each([
    ['div imm 1', 'mov %r0, 1\ndiv %r0, 1\nexit'],
    ['div by a register holding 0', 'mov %r0, 1\nmov %r1, 0\ndiv %r0, %r1\nexit'],
    ['lsh by 63', 'mov %r0, 1\nlsh %r0, 63\nexit'],
    ['lsh32 by 31', 'mov %r0, 1\nlsh32 %r0, 31\nexit'],
    ['lsh by a register holding 64', 'mov %r0, 1\nmov %r1, 64\nlsh %r0, %r1\nexit'],
  ])('accepts %s', (_n, text) => {
    expect(strictRefusal(text)).toBeUndefined();
  });
});
