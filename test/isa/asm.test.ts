import { describe, expect, it } from 'vitest';
import { assemble, AsmError, disassembleDialect, wordFromInsn } from '../../src/isa/asm.js';
import { insnFromWord, type Insn } from '../../src/isa/insn.js';

const one = (text: string): Insn => {
  const out = assemble(text);
  expect(out).toHaveLength(1);
  return out[0];
};
const I = (opcode: number, dst = 0, src = 0, off = 0, imm = 0): Insn => ({ opcode, dst, src, off, imm });

function asmError(text: string): AsmError {
  try {
    assemble(text);
  } catch (e) {
    if (e instanceof AsmError) return e;
    throw e;
  }
  throw new Error(`expected an AsmError for ${JSON.stringify(text)}`);
}

describe('assemble: one instruction of each class', () => {
  it.each<[string, Insn]>([
    ['mov %r0, 1', I(0xb7, 0, 0, 0, 1)],
    ['mov32 %r1, -1', I(0xb4, 1, 0, 0, -1)],
    ['mov32 %r1, 0xffffffff', I(0xb4, 1, 0, 0, -1)],
    ['mov %r1, 2147483648', I(0xb7, 1, 0, 0, -2147483648)],
    ['add %r1, %r2', I(0x0f, 1, 2)],
    ['add64 %r1, %r2', I(0x0f, 1, 2)],
    ['add32 %r1, 0x10', I(0x04, 1, 0, 0, 16)],
    ['neg %r3', I(0x87, 3)],
    ['neg32 %r3', I(0x84, 3)],
    ['div %r1, 3', I(0x37, 1, 0, 0, 3)],
    ['sdiv %r1, 3', I(0x37, 1, 0, 1, 3)],
    ['smod32 %r1, %r2', I(0x9c, 1, 2, 1)],
    ['arsh32 %r0, %r1', I(0xcc, 0, 1)],
    ['movsx1632 %r0, %r1', I(0xbc, 0, 1, 16)],
    ['movsx832 %r0, %r1', I(0xbc, 0, 1, 8)],
    ['movsx3264 %r0, %r1', I(0xbf, 0, 1, 32)],
    ['be16 %r0', I(0xdc, 0, 0, 0, 16)],
    ['le64 %r2', I(0xd4, 2, 0, 0, 64)],
    ['bswap32 %r0', I(0xd7, 0, 0, 0, 32)],
    ['swap16 %r0', I(0xd7, 0, 0, 0, 16)],
    ['ldxdw %r0, [%r1+8]', I(0x79, 0, 1, 8)],
    ['ldxh %r0, [%r1]', I(0x69, 0, 1)],
    ['ldxb %r8, [%r0+0x1]', I(0x71, 8, 0, 1)],
    ['ldxsw %r0, [%r1-4]', I(0x81, 0, 1, -4)],
    ['ldxsh %r0, [%r1 + 2]', I(0x89, 0, 1, 2)],
    ['ldxsb %r0, [%r10-1]', I(0x91, 0, 10, -1)],
    ['stxw [%r10-4], %r1', I(0x63, 10, 1, -4)],
    ['stxdw [%r10-8], %r0', I(0x7b, 10, 0, -8)],
    ['stb [%r10-1], 0x80', I(0x72, 10, 0, -1, 0x80)],
    ['stdw [%r1+16], -2', I(0x7a, 1, 0, 16, -2)],
    ['lock add [%r1+0], %r2', I(0xdb, 1, 2, 0, 0x00)],
    ['lock add32 [%r10-8], %r1', I(0xc3, 10, 1, -8, 0x00)],
    ['lock fetch xor [%r10-8], %r1', I(0xdb, 10, 1, -8, 0xa1)],
    ['lock fetch and32 [%r10-8], %r1', I(0xc3, 10, 1, -8, 0x51)],
    ['lock or32 fetch [%r10-8], %r1', I(0xc3, 10, 1, -8, 0x41)],
    ['lock xchg [%r10-8], %r1', I(0xdb, 10, 1, -8, 0xe1)],
    ['lock cmpxchg32 [%r10-8], %r1', I(0xc3, 10, 1, -8, 0xf1)],
    ['ja +2', I(0x05, 0, 0, 2)],
    ['ja -1', I(0x05, 0, 0, -1)],
    ['ja 3', I(0x05, 0, 0, 3)],
    ['ja32 +70000', I(0x06, 0, 0, 0, 70000)],
    ['jeq %r1, 5, +1', I(0x15, 1, 0, 1, 5)],
    ['jne32 %r1, %r2, -1', I(0x5e, 1, 2, -1)],
    ['jsle %r1, -3, +0', I(0xd5, 1, 0, 0, -3)],
    ['jset32 %r1, 0x80000000, +4', I(0x46, 1, 0, 4, -2147483648)],
    ['call 5', I(0x85, 0, 0, 0, 5)],
    ['call helper 1', I(0x85, 0, 0, 0, 1)],
    ['call runtime 7', I(0x85, 0, 2, 0, 7)],
    ['call local +3', I(0x85, 0, 1, 0, 3)],
    ['call %r2', I(0x8d, 2)],
    ['callx %r3', I(0x8d, 3)],
    ['exit', I(0x95)],
    ['EXIT', I(0x95)],
    ['ldabsw 0x10', I(0x20, 0, 0, 0, 16)],
    ['ldindb %r2, 3', I(0x50, 0, 2, 0, 3)],
    ['.insn 0x0000000100000a07', I(0x07, 10, 0, 0, 1)],
    ['mov %r15, 1', I(0xb7, 15, 0, 0, 1)],
    ['mov r1, r2', I(0xbf, 1, 2)],
  ])('%s', (text, want) => {
    expect(one(text)).toEqual(want);
  });

  it('lddw takes two slots, low half first (as in lddw.data -- raw)', () => {
    const words = assemble('lddw %r0, 0x1122334455667788\nexit').map(wordFromInsn);
    expect(words).toEqual([0x5566778800000018n, 0x1122334400000000n, 0x0000000000000095n]);
    expect(assemble('lddw %r1, -1')).toEqual([I(0x18, 1, 0, 0, -1), I(0, 0, 0, 0, -1)]);
    expect(assemble('lddw %r1, 0xFFFFFFFF80000000')).toEqual([I(0x18, 1, 0, 0, -2147483648), I(0, 0, 0, 0, -1)]);
  });
});

describe('assemble: labels and offsets', () => {
  it('resolves forward and backward labels relative to the next slot', () => {
    const out = assemble(['start:', 'mov %r0, 0', 'jeq %r0, 0, done', 'ja start', 'done:', 'exit'].join('\n'));
    expect(out.map((i) => i.off)).toEqual([0, 1, -3, 0]);
  });

  it('counts both lddw slots when resolving', () => {
    const out = assemble('ja over\nlddw %r0, 1\nover: exit');
    expect(out[0].off).toBe(2);
  });

  it('puts ja32 and call local targets in imm', () => {
    const out = assemble('ja32 L2\nL1:\nexit\nL2:\ncall local L1\nja32 L1\nexit');
    expect(out[0]).toEqual(I(0x06, 0, 0, 0, 1));
    expect(out[2]).toEqual(I(0x85, 0, 1, 0, -2));
    expect(out[3]).toEqual(I(0x06, 0, 0, 0, -3));
  });

  it('lets "exit" name the first exit instruction unless a label says otherwise', () => {
    expect(assemble('jne %r0, 1, exit\nmov %r0, 2\nexit\nexit')[0].off).toBe(1);
    expect(assemble('jne %r0, 1, exit\nexit\nexit:\nexit')[0].off).toBe(1);
  });

  it('ignores comments, blank lines and CRLF', () => {
    const out = assemble('# heading\r\n\r\nmov %r0, 1 # trailing\r\n  exit  \r\n');
    expect(out).toEqual([I(0xb7, 0, 0, 0, 1), I(0x95)]);
  });
});

describe('assemble: errors name the line', () => {
  it.each<[string, number, RegExp]>([
    ['mov %r0, 1\nfrob %r0', 2, /unknown mnemonic "frob"/],
    ['mov %r0', 1, /takes 2 operands, got 1/],
    ['exit %r0', 1, /takes 0 operands/],
    ['mov %r16, 1', 1, /expected a register/],
    ['mov %r0, 0x100000000', 1, /does not fit in 32 bits/],
    ['mov %r0, -2147483649', 1, /does not fit in 32 bits/],
    ['mov %r0, banana', 1, /expected an integer/],
    ['ldxw %r0, [%r1+32768]', 1, /does not fit in a signed 16-bit field/],
    ['ldxw %r0, %r1', 1, /expected a memory operand/],
    ['stw [%r1], %r2', 1, /expected an integer/],
    ['neg %r0, 1', 1, /takes 1 operand/],
    ['movsx1632 %r0, 5', 1, /takes a register, not an immediate/],
    ['lock frob [%r1], %r2', 1, /unknown atomic operation "frob"/],
    ['lock [%r1], %r2', 1, /expected "lock \[fetch\] OP/],
    ['exit\n\nja nowhere', 3, /undefined label "nowhere"/],
    ['a:\nexit\na:\nexit', 3, /duplicate label "a"/],
    ['ja +40000', 1, /does not fit in a signed 16-bit field/],
    ['jeq %r0, 1, @x', 1, /expected a label or jump offset/],
    ['call runtime %r1', 1, /takes a number/],
    ['mov %r0, 1,', 1, /empty operand/],
  ])('%j', (text, line, reason) => {
    const e = asmError(text);
    expect(e.line).toBe(line);
    expect(e.reason).toMatch(reason);
    expect(e.message).toContain(`line ${line}:`);
    expect(e.message).toContain(text.split('\n')[line - 1].trim());
  });

  it('shifts line numbers by lineOffset', () => {
    try {
      assemble('exit\nbogus', { lineOffset: 10 });
      expect.unreachable();
    } catch (e) {
      expect((e as AsmError).line).toBe(12);
    }
  });

  it('reports a jump too far for 16 bits', () => {
    const text = ['ja far', ...Array(40000).fill('mov %r0, 0'), 'far: exit'].join('\n');
    expect(asmError(text).reason).toMatch(/beyond a 16-bit jump/);
  });
});

describe('disassembleDialect', () => {
  it('spells instructions in the dialect', () => {
    const text = [
      'mov %r0, 1', 'sdiv32 %r1, %r2', 'movsx864 %r3, %r4', 'be32 %r0', 'bswap64 %r1',
      'ldxsh %r0, [%r1-2]', 'stxb [%r10-1], %r2', 'sth [%r1], 0x1234', 'lock fetch add32 [%r1+4], %r2',
      'lock cmpxchg [%r1], %r3', 'jslt %r1, -5, +1', 'ja32 -2', 'call local +1', 'call %r2', 'call 5',
      'lddw %r0, 0x123456789abcdef0', 'neg32 %r4', 'exit',
    ].join('\n') + '\n';
    expect(disassembleDialect(assemble(text))).toBe(text);
  });

  it('falls back to .insn for what the dialect cannot spell, and still round-trips', () => {
    const odd = [
      insnFromWord(0x00000000000000ffn), // no such opcode
      I(0xb7, 0, 3, 0, 1), // mov with a stray src register
      I(0x18, 1, 1, 0, 5), I(0, 0, 0, 0, 0), // lddw map-fd pseudo
      I(0xdb, 1, 2, 0, 0x02), // atomic with an unknown operation
      I(0x18, 2, 0, 0, 7), // lddw cut short at the end
    ];
    const text = disassembleDialect(odd);
    expect(text).toContain('.insn 0x00000000000000ff');
    expect(assemble(text)).toEqual(odd);
  });
});
