// Disassembler to the bpf_conformance / uBPF dialect, the inverse of asm-assemble.ts. Jump
// targets are written as numeric offsets (+3 / -2) so each line stands alone. An instruction
// the dialect cannot spell exactly (unknown opcode, stray bits in unused fields, a pseudo lddw)
// becomes `.insn 0xWORD`, so assemble(disassembleDialect(x)) always reproduces x slot for slot.

import { ATOMIC, OPCODES, PSEUDO } from './opcodes.js';
import type { Insn } from './insn.js';
import { assemble } from './asm-assemble.js';

/** The 64-bit word of one slot, as written in bpf_conformance `-- raw` sections. */
export function wordFromInsn(i: Insn): bigint {
  return (
    (BigInt.asUintN(32, BigInt(i.imm)) << 32n) |
    (BigInt.asUintN(16, BigInt(i.off)) << 16n) |
    (BigInt(i.src & 0xf) << 12n) |
    (BigInt(i.dst & 0xf) << 8n) |
    BigInt(i.opcode & 0xff)
  );
}

const reg = (r: number) => `%r${r}`;
const target = (n: number) => (n >= 0 ? `+${n}` : `${n}`);
const imm = (v: number) => (v < 0 || v <= 9 ? `${v}` : `0x${(v >>> 0).toString(16)}`);
const mem = (r: number, off: number) => (off === 0 ? `[${reg(r)}]` : `[${reg(r)}${off > 0 ? '+' : ''}${off}]`);

const ATOMIC_NAMES = new Map<number, string>([
  [ATOMIC.ADD, 'add'], [ATOMIC.OR, 'or'], [ATOMIC.AND, 'and'], [ATOMIC.XOR, 'xor'],
]);

function atomicText(i: Insn, is64: boolean): string | undefined {
  const width = is64 ? '' : '32';
  const tail = `${mem(i.dst, i.off)}, ${reg(i.src)}`;
  if (i.imm === ATOMIC.XCHG) return `lock xchg${width} ${tail}`;
  if (i.imm === ATOMIC.CMPXCHG) return `lock cmpxchg${width} ${tail}`;
  const name = ATOMIC_NAMES.get(i.imm & ~ATOMIC.FETCH);
  if (name === undefined) return undefined;
  return `lock ${i.imm & ATOMIC.FETCH ? 'fetch ' : ''}${name}${width} ${tail}`;
}

function aluName(base: string, i: Insn, is64: boolean): string {
  const suffix = is64 ? '' : '32';
  const plain = base.endsWith('32') ? base.slice(0, -2) : base;
  if ((plain === 'div' || plain === 'mod') && i.off === 1) return `s${plain}${suffix}`;
  if (plain === 'mov' && i.off !== 0) return `movsx${i.off}${is64 ? 64 : 32}`;
  return base;
}

/** The dialect text of the instruction at `at`, before checking it re-assembles exactly. */
function spell(insns: readonly Insn[], at: number): { text: string; slots: number } | undefined {
  const i = insns[at];
  const op = OPCODES[i.opcode];
  if (!op) return undefined;
  const one = (text: string) => ({ text, slots: 1 });
  switch (op.kind) {
    case 'alu': {
      const name = aluName(op.mnemonic, i, op.is64);
      if (name.startsWith('neg')) return one(`${name} ${reg(i.dst)}`);
      return one(`${name} ${reg(i.dst)}, ${op.srcReg ? reg(i.src) : imm(i.imm)}`);
    }
    case 'end':
      return one(`${op.mnemonic}${i.imm} ${reg(i.dst)}`);
    case 'jmp':
      if (op.mnemonic === 'ja') return one(`ja ${target(i.off)}`);
      if (op.mnemonic === 'ja32') return one(`ja32 ${target(i.imm)}`);
      return one(`${op.mnemonic} ${reg(i.dst)}, ${op.srcReg ? reg(i.src) : imm(i.imm)}, ${target(i.off)}`);
    case 'call':
      if (op.srcReg) return one(`call ${reg(i.dst)}`);
      if (i.src === PSEUDO.CALL) return one(`call local ${target(i.imm)}`);
      if (i.src === PSEUDO.KFUNC_CALL) return one(`call runtime ${imm(i.imm)}`);
      return one(`call ${imm(i.imm)}`);
    case 'exit':
      return one('exit');
    case 'lddw': {
      if (at + 1 >= insns.length) return undefined;
      const v = (BigInt.asUintN(32, BigInt(insns[at + 1].imm)) << 32n) | BigInt.asUintN(32, BigInt(i.imm));
      return { text: `lddw ${reg(i.dst)}, 0x${v.toString(16)}`, slots: 2 };
    }
    case 'ldx':
      return one(`${op.mnemonic} ${reg(i.dst)}, ${mem(i.src, i.off)}`);
    case 'st':
      return one(`${op.mnemonic} ${mem(i.dst, i.off)}, ${imm(i.imm)}`);
    case 'stx':
      return one(`${op.mnemonic} ${mem(i.dst, i.off)}, ${reg(i.src)}`);
    case 'atomic': {
      const text = atomicText(i, op.is64);
      return text === undefined ? undefined : one(text);
    }
    case 'ldabs':
      return one(op.srcReg ? `${op.mnemonic} ${reg(i.src)}, ${imm(i.imm)}` : `${op.mnemonic} ${imm(i.imm)}`);
  }
}

function sameSlots(a: readonly Insn[], b: readonly Insn[]): boolean {
  return a.length === b.length && a.every((x, n) => wordFromInsn(x) === wordFromInsn(b[n]));
}

/** One line per instruction (lddw: one line for both slots), newline-terminated. */
export function disassembleDialect(insns: readonly Insn[]): string {
  const lines: string[] = [];
  for (let at = 0; at < insns.length; ) {
    const s = spell(insns, at);
    if (s && sameSlots(assemble(s.text), insns.slice(at, at + s.slots))) {
      lines.push(s.text);
      at += s.slots;
    } else {
      lines.push(`.insn 0x${wordFromInsn(insns[at]).toString(16).padStart(16, '0')}`);
      at += 1;
    }
  }
  return lines.map((l) => l + '\n').join('');
}
