// Predecoding: a program's instructions as parallel typed arrays (what the interpreter reads
// on every step), checked once for what the kernel verifier checks structurally: valid
// opcodes and registers, jumps and calls that land on instructions, complete lddw pairs.

import { Insn } from '../isa/insn.js';
import { OPCODES, CLS, JMP, PSEUDO, ALU, ATOMIC } from '../isa/opcodes.js';
import { disassemble } from '../isa/disasm.js';
import { SourceLine } from './fault.js';

export interface DecodedProgram {
  name: string;
  length: number;
  /** Packed per slot: opcode | dst << 8 | src << 12 | off << 16 (one load per step). */
  code: Int32Array;
  /** imm; for an lddw, the low word of the loaded value. */
  imm: Int32Array;
  /** High word of a K operand: sign of imm for ALU64/JMP, the second slot's imm for lddw. */
  immHi: Int32Array;
  insns: readonly Insn[];
  /** C source line of an instruction, from BTF line info when the object has it. */
  lineAt(pc: number): SourceLine | undefined;
  /** Function entry points (pc → name), for traces and calls. */
  funcs: ReadonlyMap<number, string>;
}

export class ProgramError extends Error {
  constructor(readonly pc: number, message: string) {
    super(message);
  }
}

export interface PredecodeOptions {
  name?: string;
  lineAt?: (pc: number) => SourceLine | undefined;
  funcs?: ReadonlyMap<number, string>;
  /** Whether `callx` (call through a register) is allowed; the kernel does not have it. */
  allowCallx?: boolean;
  /**
   * Refuse what the kernel verifier refuses although RFC 9669 defines it (division by an
   * immediate zero, immediate shifts past the operand width). Off for conformance runs.
   */
  kernelStrict?: boolean;
}

/** Decode and validate. Throws ProgramError (with the pc) where the kernel would refuse to load. */
export function predecode(insns: readonly Insn[], opts: PredecodeOptions = {}): DecodedProgram {
  const n = insns.length;
  const p: DecodedProgram = {
    name: opts.name ?? 'prog',
    length: n,
    code: new Int32Array(n),
    imm: new Int32Array(n),
    immHi: new Int32Array(n),
    insns,
    lineAt: opts.lineAt ?? (() => undefined),
    funcs: opts.funcs ?? new Map([[0, opts.name ?? 'prog']]),
  };
  if (n === 0) throw new ProgramError(0, 'empty program');
  const fail = (pc: number, why: string): never => {
    throw new ProgramError(pc, `pc ${pc}: ${why} (${disassemble(insns[pc]!, pc, insns[pc + 1])})`);
  };
  const target = (pc: number, t: number, what: string) => {
    if (t < 0 || t >= n) fail(pc, `${what} to ${t} is outside the program (0..${n - 1})`);
    // Second slots have opcode 0, so a preceding lddw opcode always starts the pair around t.
    if (t > 0 && OPCODES[insns[t - 1]!.opcode]?.kind === 'lddw') {
      fail(pc, `${what} lands in the middle of an lddw at ${t - 1}`);
    }
  };
  for (let pc = 0; pc < n; pc++) {
    const i = insns[pc]!;
    const info = OPCODES[i.opcode];
    if (!info) fail(pc, `invalid opcode 0x${i.opcode.toString(16).padStart(2, '0')}`);
    if (i.dst > 10 || i.src > 10) fail(pc, `invalid register r${Math.max(i.dst, i.src)}`);
    p.code[pc] = i.opcode | (i.dst << 8) | (i.src << 12) | (i.off << 16);
    p.imm[pc] = i.imm;
    p.immHi[pc] = i.imm >> 31;
    const cls = i.opcode & 7;
    const code = i.opcode & 0xf0;
    const writesDst = cls === CLS.ALU || cls === CLS.ALU64 || cls === CLS.LDX || info!.kind === 'lddw';
    if (writesDst && i.dst === 10) fail(pc, 'r10 (frame pointer) is read-only');
    switch (info!.kind) {
      case 'alu':
        if (code === ALU.MOV && i.off !== 0) {
          const ok = info!.is64 ? [8, 16, 32] : [8, 16];
          if (!info!.srcReg || !ok.includes(i.off)) fail(pc, `invalid movsx offset ${i.off}`);
        } else if ((code === ALU.DIV || code === ALU.MOD) && i.off !== 0 && i.off !== 1) {
          fail(pc, `invalid offset ${i.off} for div/mod`);
        }
        if (opts.kernelStrict && !info!.srcReg) {
          if ((code === ALU.DIV || code === ALU.MOD) && i.imm === 0) fail(pc, 'div by zero');
          const width = info!.is64 ? 64 : 32;
          if ((code === ALU.LSH || code === ALU.RSH || code === ALU.ARSH) && (i.imm < 0 || i.imm >= width)) fail(pc, `invalid shift ${i.imm}`);
        }
        break;
      case 'end':
        if (![16, 32, 64].includes(i.imm)) fail(pc, `invalid byte swap width ${i.imm}`);
        break;
      case 'jmp': {
        const isGotol = i.opcode === (CLS.JMP32 | JMP.JA);
        target(pc, pc + 1 + (isGotol ? i.imm : i.off), 'jump');
        break;
      }
      case 'call':
        if (info!.srcReg) {
          if (!opts.allowCallx) fail(pc, 'callx (call through a register) is not supported by the kernel');
        } else if (i.src === PSEUDO.CALL) target(pc, pc + 1 + i.imm, 'call');
        else if (i.src !== 0) fail(pc, `unsupported call kind src=${i.src} (kfuncs are not supported)`);
        break;
      case 'lddw': {
        const next = insns[pc + 1];
        if (!next || next.opcode !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) {
          fail(pc, 'lddw without its second slot');
        }
        if (i.src === PSEUDO.FUNC) target(pc, pc + 1 + i.imm, 'function pointer');
        else if (i.src !== 0 && i.src !== PSEUDO.MAP_FD && i.src !== PSEUDO.MAP_VALUE && i.src !== PSEUDO.MAP_IDX && i.src !== PSEUDO.MAP_IDX_VALUE) {
          fail(pc, `unsupported lddw source ${i.src}`);
        }
        p.immHi[pc] = next!.imm;
        pc++; // the second slot holds no instruction
        p.code[pc] = 0;
        break;
      }
      case 'atomic': {
        const base = i.imm & ~ATOMIC.FETCH;
        const valid = i.imm === ATOMIC.XCHG || i.imm === ATOMIC.CMPXCHG ||
          base === ATOMIC.ADD || base === ATOMIC.OR || base === ATOMIC.AND || base === ATOMIC.XOR;
        if (!valid) fail(pc, `invalid atomic operation 0x${(i.imm >>> 0).toString(16)}`);
        // fetch forms and xchg write the old value back into src (cmpxchg writes r0)
        if (i.src === 10 && i.imm !== ATOMIC.CMPXCHG && (i.imm & ATOMIC.FETCH)) fail(pc, 'frame pointer is read only');
        break;
      }
      default:
        break;
    }
  }
  {
    // The kernel refuses a program whose last slot is not exit or ja, even if unreachable.
    const last = insns[n - 1]!;
    const isLddwHi = n >= 2 && OPCODES[insns[n - 2]!.opcode]?.kind === 'lddw';
    const ok = !isLddwHi && (last.opcode === (CLS.JMP | JMP.EXIT) || last.opcode === (CLS.JMP | JMP.JA) || last.opcode === (CLS.JMP32 | JMP.JA));
    if (!ok) fail(n - 1, 'last insn is not an exit or jmp');
  }
  return p;
}
