// Assembler for the bpf_conformance / uBPF dialect. Every mnemonic is derived from the frozen
// OPCODES table (plus the dialect's spellings of fields the table keeps in off/imm: sdiv, movsx,
// le16, lock fetch add, call local), so the opcode numbers are never written down twice.

import { ATOMIC, PSEUDO, OPCODES, type OpInfo } from './opcodes.js';
import { insnFromWord, type Insn } from './insn.js';
import {
  expectOperands, isRegister, parseImmediate, parseInteger, parseMemory, parseRegister,
  parseSigned, parseStatements, type Statement,
} from './asm-syntax.js';

export { AsmError } from './asm-syntax.js';

export interface AssembleOptions {
  /** Added to reported line numbers, so errors name the line of the file the text came from. */
  lineOffset?: number;
}

interface Fixup {
  slot: number;
  label: string;
  field: 'off' | 'imm';
  st: Statement;
}

interface Out {
  insns: Insn[];
  fixups: Fixup[];
}

type Encoder = (st: Statement, out: Out) => void;

const insn = (opcode: number, dst = 0, src = 0, off = 0, imm = 0): Insn => ({ opcode, dst, src, off, imm });

/** `+3`, `-2`, `7` are offsets; anything else names a label, resolved after the last line. */
function jumpTarget(s: string, st: Statement, out: Out, field: 'off' | 'imm'): number {
  if (parseInteger(s) !== undefined) return parseSigned(s, field === 'off' ? 16 : 32, st, 'jump offset');
  if (!/^[A-Za-z_.$][\w.$]*$/.test(s)) st.fail(`expected a label or jump offset, got "${s}"`);
  out.fixups.push({ slot: out.insns.length, label: s, field, st });
  return 0;
}

function imm32(s: string, st: Statement): number {
  return Number(parseImmediate(s, 32, st));
}

/** ALU op with both a K (immediate) and an X (register) form; `off` distinguishes sdiv/smod/movsx. */
function alu(k: number | undefined, x: number | undefined, off = 0): Encoder {
  return (st, out) => {
    expectOperands(st, 2);
    const dst = parseRegister(st.operands[0], st);
    const rhs = st.operands[1];
    if (isRegister(rhs)) {
      if (x === undefined) st.fail(`"${st.mnemonic}" takes an immediate, not a register`);
      out.insns.push(insn(x!, dst, parseRegister(rhs, st), off));
    } else {
      if (k === undefined) st.fail(`"${st.mnemonic}" takes a register, not an immediate`);
      out.insns.push(insn(k!, dst, 0, off, imm32(rhs, st)));
    }
  };
}

function unary(opcode: number, imm = 0): Encoder {
  return (st, out) => {
    expectOperands(st, 1);
    out.insns.push(insn(opcode, parseRegister(st.operands[0], st), 0, 0, imm));
  };
}

function condJump(k: number, x: number): Encoder {
  return (st, out) => {
    expectOperands(st, 3);
    const dst = parseRegister(st.operands[0], st);
    const rhs = st.operands[1];
    const reg = isRegister(rhs);
    const src = reg ? parseRegister(rhs, st) : 0;
    const imm = reg ? 0 : imm32(rhs, st);
    const off = jumpTarget(st.operands[2], st, out, 'off');
    out.insns.push(insn(reg ? x : k, dst, src, off, imm));
  };
}

function ja(opcode: number, field: 'off' | 'imm'): Encoder {
  return (st, out) => {
    expectOperands(st, 1);
    const t = jumpTarget(st.operands[0], st, out, field);
    out.insns.push(field === 'off' ? insn(opcode, 0, 0, t) : insn(opcode, 0, 0, 0, t));
  };
}

/** `call N`, `call helper N`, `call local LABEL`, `call runtime N`, `call %rN` (callx: register in dst). */
function call(callOp: number, callxOp: number): Encoder {
  return (st, out) => {
    expectOperands(st, 1);
    const mode = st.words[0] ?? 'helper';
    const target = st.operands[0];
    if (st.words.length > 1) st.fail('unexpected words after "call"');
    if (mode === 'local') {
      out.insns.push(insn(callOp, 0, PSEUDO.CALL, 0, jumpTarget(target, st, out, 'imm')));
    } else if (isRegister(target)) {
      if (mode !== 'helper') st.fail(`"call ${mode}" takes a number`);
      out.insns.push(insn(callxOp, parseRegister(target, st)));
    } else {
      out.insns.push(insn(callOp, 0, mode === 'runtime' ? PSEUDO.KFUNC_CALL : 0, 0, imm32(target, st)));
    }
  };
}

function lddw(opcode: number): Encoder {
  return (st, out) => {
    expectOperands(st, 2);
    const v = parseImmediate(st.operands[1], 64, st);
    const dst = parseRegister(st.operands[0], st);
    out.insns.push(insn(opcode, dst, 0, 0, Number(BigInt.asIntN(32, v))), insn(0, 0, 0, 0, Number(v >> 32n)));
  };
}

function load(opcode: number): Encoder {
  return (st, out) => {
    expectOperands(st, 2);
    const dst = parseRegister(st.operands[0], st);
    const m = parseMemory(st.operands[1], st);
    out.insns.push(insn(opcode, dst, m.reg, m.off));
  };
}

function store(opcode: number, fromRegister: boolean): Encoder {
  return (st, out) => {
    expectOperands(st, 2);
    const m = parseMemory(st.operands[0], st);
    const v = st.operands[1];
    out.insns.push(fromRegister ? insn(opcode, m.reg, parseRegister(v, st), m.off) : insn(opcode, m.reg, 0, m.off, imm32(v, st)));
  };
}

/** Legacy packet loads: `ldabsw IMM`, `ldindw %rS, IMM`. */
function packetLoad(opcode: number, indirect: boolean): Encoder {
  return (st, out) => {
    expectOperands(st, indirect ? 2 : 1);
    const src = indirect ? parseRegister(st.operands[0], st) : 0;
    out.insns.push(insn(opcode, 0, src, 0, imm32(st.operands[indirect ? 1 : 0], st)));
  };
}

const ATOMIC_OPS: Record<string, number> = {
  add: ATOMIC.ADD, or: ATOMIC.OR, and: ATOMIC.AND, xor: ATOMIC.XOR, xchg: ATOMIC.XCHG, cmpxchg: ATOMIC.CMPXCHG,
};

/** `lock [fetch] OP[32] [%rD+off], %rS` (the fetch word is also accepted after OP). */
function atomic(op32: number, op64: number): Encoder {
  return (st, out) => {
    expectOperands(st, 2);
    const fetch = st.words.includes('fetch');
    const names = st.words.filter((w) => w !== 'fetch');
    if (names.length !== 1) st.fail('expected "lock [fetch] OP [%rN+off], %rM"');
    const m = /^([a-z]+?)(32|64)?$/.exec(names[0]);
    const code = m ? ATOMIC_OPS[m[1]] : undefined;
    if (code === undefined) st.fail(`unknown atomic operation "${names[0]}"`);
    const mem = parseMemory(st.operands[0], st);
    const src = parseRegister(st.operands[1], st);
    const imm = fetch ? code! | ATOMIC.FETCH : code!;
    out.insns.push(insn(m![2] === '32' ? op32 : op64, mem.reg, src, mem.off, imm));
  };
}

/** `.insn 0xWORD`: one raw slot, for instructions the dialect cannot spell. */
const rawSlot: Encoder = (st, out) => {
  expectOperands(st, 1);
  const v = parseImmediate(st.operands[0], 64, st, 'instruction word');
  out.insns.push(insnFromWord(v));
};

function buildMnemonics(): Map<string, Encoder> {
  const table = new Map<string, Encoder>();
  const define = (name: string, enc: Encoder) => {
    if (table.has(name)) throw new Error(`assembler: mnemonic ${name} defined twice`);
    table.set(name, enc);
  };
  const byName = new Map<string, OpInfo[]>();
  for (const op of OPCODES) if (op) byName.set(op.mnemonic, [...(byName.get(op.mnemonic) ?? []), op]);
  const code = (name: string, srcReg: boolean) => byName.get(name)?.find((o) => o.srcReg === srcReg)?.opcode;
  const only = (name: string) => byName.get(name)![0].opcode;

  for (const [name, ops] of byName) {
    const { kind, is64 } = ops[0];
    const k = code(name, false);
    const x = code(name, true);
    switch (kind) {
      case 'alu': {
        const base = is64 ? name : name.slice(0, -2);
        const names = is64 ? [name, `${name}64`] : [name];
        for (const n of names) define(n, base === 'neg' ? unary(k!) : alu(k, x));
        const width = is64 ? '' : '32';
        if (base === 'div' || base === 'mod') {
          define(`s${base}${width}`, alu(k, x, 1));
          if (is64) define(`s${base}64`, alu(k, x, 1));
        }
        if (base === 'mov') {
          for (const from of is64 ? [8, 16, 32] : [8, 16]) define(`movsx${from}${is64 ? 64 : 32}`, alu(undefined, x, from));
        }
        break;
      }
      case 'end':
        for (const w of [16, 32, 64]) {
          define(`${name}${w}`, unary(ops[0].opcode, w));
          if (name === 'bswap') define(`swap${w}`, unary(ops[0].opcode, w)); // older suite spelling
        }
        break;
      case 'jmp':
        if (name === 'ja') define(name, ja(only(name), 'off'));
        else if (name === 'ja32') define(name, ja(only(name), 'imm')); // gotol: target in imm
        else define(name, condJump(k!, x!));
        break;
      case 'call':
        break; // both call forms are handled together below
      case 'exit':
        define(name, (st, out) => {
          expectOperands(st, 0);
          out.insns.push(insn(only(name)));
        });
        break;
      case 'lddw':
        define(name, lddw(only(name)));
        break;
      case 'ldx':
        define(name, load(only(name)));
        break;
      case 'st':
      case 'stx':
        define(name, store(only(name), kind === 'stx'));
        break;
      case 'atomic':
        break; // lock32/lock64 are spelled `lock OP[32]`, below
      case 'ldabs':
        define(name, packetLoad(only(name), ops[0].srcReg));
        break;
    }
  }
  const callOp = code('call', false)!;
  const callxOp = code('callx', true)!;
  define('call', call(callOp, callxOp));
  define('callx', call(callOp, callxOp));
  define('lock', atomic(only('lock32'), only('lock64')));
  define('.insn', rawSlot);
  return table;
}

const MNEMONICS = buildMnemonics();

/** Assemble dialect text into instruction slots (an lddw yields two). Throws AsmError. */
export function assemble(text: string, options: AssembleOptions = {}): Insn[] {
  const out: Out = { insns: [], fixups: [] };
  const labels = new Map<string, number>();
  let firstExit: number | undefined;
  for (const st of parseStatements(text, options.lineOffset ?? 0)) {
    if (st.label !== undefined) {
      if (labels.has(st.label)) st.fail(`duplicate label "${st.label}"`);
      labels.set(st.label, out.insns.length);
    }
    if (st.mnemonic === undefined) continue;
    const encode = MNEMONICS.get(st.mnemonic);
    if (!encode) st.fail(`unknown mnemonic "${st.mnemonic}"`);
    if (st.mnemonic === 'exit') firstExit ??= out.insns.length;
    encode!(st, out);
  }
  // As in the suite's assembler, `exit` names the first exit instruction unless a label says otherwise.
  if (firstExit !== undefined && !labels.has('exit')) labels.set('exit', firstExit);
  for (const f of out.fixups) resolve(f, labels, out.insns);
  return out.insns;
}

function resolve(f: Fixup, labels: Map<string, number>, insns: Insn[]): void {
  const at = labels.get(f.label);
  if (at === undefined) f.st.fail(`undefined label "${f.label}"`);
  const delta = at! - f.slot - 1;
  if (f.field === 'off') {
    if (delta < -32768 || delta > 32767) f.st.fail(`label "${f.label}" is ${delta} slots away, beyond a 16-bit jump`);
    insns[f.slot].off = delta;
  } else {
    insns[f.slot].imm = delta;
  }
}
