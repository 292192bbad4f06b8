import { describe, expect, it } from 'vitest';
import { conformancePlugin } from '../../src/conformance/plugin.js';
import { assemble } from '../../src/isa/asm.js';
import { encodeInsns } from '../../src/isa/insn.js';

/** Hex text the way the bpf_conformance runner writes it: each byte followed by two spaces. */
const runnerHex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0') + '  ').join('');
const program = (asm: string) => encodeInsns(assemble(asm));
const stdinOf = (asm: string) => runnerHex(program(asm)) + '\n';

/** A minimal little-endian ELF64 relocatable file: a null section and one section holding `code`. */
function elfWith(code: Uint8Array, flags = 0x6): Uint8Array {
  const shoff = 64 + code.length;
  const out = new Uint8Array(shoff + 2 * 64);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setUint16(0x10, 1, true); // ET_REL
  v.setUint16(0x12, 247, true); // EM_BPF
  v.setBigUint64(0x28, BigInt(shoff), true);
  v.setUint16(0x34, 64, true);
  v.setUint16(0x3a, 64, true);
  v.setUint16(0x3c, 2, true);
  out.set(code, 64);
  const sh = shoff + 64;
  v.setUint32(sh + 4, 1, true); // SHT_PROGBITS
  v.setBigUint64(sh + 8, BigInt(flags), true);
  v.setBigUint64(sh + 24, 64n, true);
  v.setBigUint64(sh + 32, BigInt(code.length), true);
  return out;
}

describe('conformancePlugin', () => {
  it('runs the program from stdin and prints r0 in hex', async () => {
    expect(await conformancePlugin([], stdinOf('mov %r0, 0x2a\nexit'))).toEqual({ stdout: '2a\n', stderr: '', exitCode: 0 });
  });

  it('prints all 64 bits of r0', async () => {
    const out = await conformancePlugin([], stdinOf('lddw %r0, 0xfedcba9876543210\nexit'));
    expect(out.stdout).toBe('fedcba9876543210\n');
  });

  it('hands argv[1] memory to the program in r1/r2', async () => {
    const mem = runnerHex(Uint8Array.from([0x11, 0x22, 0x33]));
    expect((await conformancePlugin([mem], stdinOf('mov %r0, %r2\nexit'))).stdout).toBe('3\n');
    expect((await conformancePlugin([mem], stdinOf('ldxb %r0, [%r1+2]\nexit'))).stdout).toBe('33\n');
  });

  it('accepts an empty memory argument (older runners) and options without memory', async () => {
    expect((await conformancePlugin(['', ''], stdinOf('mov %r0, %r2\nexit'))).stdout).toBe('0\n');
    expect((await conformancePlugin(['--program', runnerHex(program('mov %r0, 5\nexit'))], '')).stdout).toBe('5\n');
  });

  it('reads an ELF object with --elf', async () => {
    const elf = elfWith(program('mov %r0, 9\nexit'));
    expect(await conformancePlugin(['--elf'], runnerHex(elf))).toMatchObject({ stdout: '9\n', exitCode: 0 });
    const mem = runnerHex(Uint8Array.from([1, 2]));
    expect((await conformancePlugin([mem, '--elf'], runnerHex(elfWith(program('mov %r0, %r2\nexit'))))).stdout).toBe('2\n');
  });

  it('calls the suite helpers, callx included', async () => {
    expect((await conformancePlugin([], stdinOf('mov %r1, -1\nmov %r2, 5\ncall %r2\nmov %r0, 2\nexit'))).stdout).toBe('2\n');
    expect((await conformancePlugin([], stdinOf('mov %r1, 0\ncall 5\nmov %r0, 2\nexit'))).stdout).toBe('0\n');
  });

  it.each<[string, string[], string, RegExp]>([
    ['an unknown option', ['--jit'], stdinOf('exit'), /^Invalid arguments: --jit$/],
    ['--program without a value', ['--program'], '', /^Invalid arguments: --program$/],
    ['a bad program byte', [], '95 00 00 00 00 00 00 zz', /Invalid program: "zz" is not a hex byte/],
    ['a bad memory byte', ['0g'], stdinOf('exit'), /Invalid memory: "0g"/],
    ['a partial instruction', [], '95 00 00 00', /4 bytes is not a whole number of instructions/],
    ['an empty program', [], '\n', /empty program/],
    ['a non-ELF with --elf', ['--elf'], stdinOf('exit'), /ELF: not an ELF file/],
    ['an ELF without code', ['--elf'], runnerHex(elfWith(program('exit'), 0x2)), /ELF: no executable section/],
    ['a runtime fault', [], stdinOf('ldxdw %r0, [%r1+8]\nexit'), /./],
    ['an invalid program', [], stdinOf('ja +5\nexit'), /./],
  ])('fails with exit 1 and the error text on stdout and stderr for %s', async (_what, argv, stdin, message) => {
    const out = await conformancePlugin(argv, stdin);
    expect(out.exitCode).toBe(1);
    expect(out.stdout.trim()).toMatch(message);
    expect(out.stderr).toBe(out.stdout);
    expect(out.stdout.endsWith('\n')).toBe(true);
  });
});
