// Disassembly in the C-like syntax of llvm-objdump and the kernel verifier
// ("r0 = *(u32 *)(r1 + 76)", "if r2 > r3 goto +5"), which datapath engineers read daily.

import { Insn } from './insn.js';
import { OPCODES, ALU, JMP, MODE, ATOMIC, PSEUDO, CLS } from './opcodes.js';
import { helperName } from './helper-names.js';

const ALU_OPS: Record<number, string> = {
  [ALU.ADD]: '+=', [ALU.SUB]: '-=', [ALU.MUL]: '*=', [ALU.DIV]: '/=', [ALU.OR]: '|=', [ALU.AND]: '&=',
  [ALU.LSH]: '<<=', [ALU.RSH]: '>>=', [ALU.MOD]: '%=', [ALU.XOR]: '^=', [ALU.MOV]: '=', [ALU.ARSH]: 's>>=',
};
const JMP_OPS: Record<number, string> = {
  [JMP.JEQ]: '==', [JMP.JGT]: '>', [JMP.JGE]: '>=', [JMP.JSET]: '&', [JMP.JNE]: '!=', [JMP.JSGT]: 's>',
  [JMP.JSGE]: 's>=', [JMP.JLT]: '<', [JMP.JLE]: '<=', [JMP.JSLT]: 's<', [JMP.JSLE]: 's<=',
};
const SIZE_TYPES: Record<number, string> = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' };

function signed(n: number): string {
  return n < 0 ? `- ${-n}` : `+ ${n}`;
}
function rel(n: number): string {
  return n < 0 ? `${n}` : `+${n}`;
}

export interface DisasmOptions {
  /** Name for the target of a map ld_imm64 (src=1/2/5/6), e.g. from the ELF relocation. */
  mapName?: (pc: number) => string | undefined;
}

/**
 * One instruction as text. `next` is the following slot (the high half of an lddw).
 * Unknown opcodes come back as `.insn 0x..` rather than throwing.
 */
export function disassemble(insn: Insn, pc = 0, next?: Insn, opts: DisasmOptions = {}): string {
  const info = OPCODES[insn.opcode];
  if (!info) return `.insn 0x${insn.opcode.toString(16).padStart(2, '0')} (invalid opcode)`;
  const w = info.is64 ? 'r' : 'w';
  const d = `${w}${insn.dst}`;
  const s = `${w}${insn.src}`;
  const code = insn.opcode & 0xf0;
  switch (info.kind) {
    case 'alu': {
      const operand = info.srcReg ? s : `${insn.imm}`;
      if (code === ALU.NEG) return `${d} = -${d}`;
      if (code === ALU.MOV && insn.off !== 0) return `${d} = (s${insn.off})${info.srcReg ? s : insn.imm}`;
      if ((code === ALU.DIV || code === ALU.MOD) && insn.off === 1) return `${d} s${ALU_OPS[code]} ${operand}`;
      return `${d} ${ALU_OPS[code]} ${operand}`;
    }
    case 'end':
      if (info.is64) return `r${insn.dst} = bswap${insn.imm} r${insn.dst}`;
      return `r${insn.dst} = ${info.srcReg ? 'be' : 'le'}${insn.imm} r${insn.dst}`;
    case 'jmp': {
      if (code === JMP.JA) return `goto ${rel(insn.opcode === (CLS.JMP32 | JMP.JA) ? insn.imm : insn.off)}`;
      const rhs = info.srcReg ? s : `${insn.imm}`;
      return `if ${d} ${JMP_OPS[code]} ${rhs} goto ${rel(insn.off)}`;
    }
    case 'call':
      if (info.srcReg) return `callx r${insn.dst}`;
      if (insn.src === PSEUDO.CALL) return `call ${rel(insn.imm)} <pc ${pc + 1 + insn.imm}>`;
      if (insn.src === PSEUDO.KFUNC_CALL) return `call kfunc#${insn.imm}`;
      return `call ${helperName(insn.imm)}#${insn.imm}`;
    case 'exit':
      return 'exit';
    case 'lddw': {
      const hi = next ? next.imm >>> 0 : 0;
      const value = (BigInt(hi) << 32n) | BigInt(insn.imm >>> 0);
      const name = opts.mapName?.(pc);
      if (insn.src === PSEUDO.MAP_FD || insn.src === PSEUDO.MAP_IDX) return `r${insn.dst} = map[${name ?? `fd:${insn.imm}`}] ll`;
      if (insn.src === PSEUDO.MAP_VALUE || insn.src === PSEUDO.MAP_IDX_VALUE) {
        return `r${insn.dst} = map_value[${name ?? `fd:${insn.imm}`}] + ${hi} ll`;
      }
      if (insn.src === PSEUDO.FUNC) return `r${insn.dst} = func <pc ${pc + 1 + insn.imm}> ll`;
      return `r${insn.dst} = 0x${value.toString(16)} ll`;
    }
    case 'ldx': {
      const sx = (insn.opcode & 0xe0) === MODE.MEMSX ? 's' : 'u';
      return `r${insn.dst} = *(${sx}${info.size * 8} *)(r${insn.src} ${signed(insn.off)})`;
    }
    case 'st':
      return `*(${SIZE_TYPES[info.size]} *)(r${insn.dst} ${signed(insn.off)}) = ${insn.imm}`;
    case 'stx':
      return `*(${SIZE_TYPES[info.size]} *)(r${insn.dst} ${signed(insn.off)}) = r${insn.src}`;
    case 'atomic': {
      const mem = `*(${SIZE_TYPES[info.size]} *)(r${insn.dst} ${signed(insn.off)})`;
      const v = `${info.size === 8 ? 'r' : 'w'}${insn.src}`;
      if (insn.imm === ATOMIC.XCHG) return `${v} = xchg(${mem}, ${v})`;
      if (insn.imm === ATOMIC.CMPXCHG) return `${info.size === 8 ? 'r' : 'w'}0 = cmpxchg(${mem}, ${info.size === 8 ? 'r' : 'w'}0, ${v})`;
      const op = { [ATOMIC.ADD]: '+', [ATOMIC.OR]: '|', [ATOMIC.AND]: '&', [ATOMIC.XOR]: '^' }[insn.imm & ~ATOMIC.FETCH];
      if (op === undefined) return `.insn atomic imm=0x${(insn.imm >>> 0).toString(16)} (invalid)`;
      if (insn.imm & ATOMIC.FETCH) return `${v} = atomic_fetch_${{ '+': 'add', '|': 'or', '&': 'and', '^': 'xor' }[op]}(${mem}, ${v})`;
      return `lock ${mem} ${op}= ${v}`;
    }
    case 'ldabs':
      return (insn.opcode & 0xe0) === MODE.ABS
        ? `r0 = *(${SIZE_TYPES[info.size]} *)skb[${insn.imm}]`
        : `r0 = *(${SIZE_TYPES[info.size]} *)skb[r${insn.src} + ${insn.imm}]`;
  }
}

/** A whole program, one line per slot ("  12: r0 = 1"), the lddw high slot skipped. */
export function disassembleAll(insns: readonly Insn[], opts: DisasmOptions = {}): string[] {
  const out: string[] = [];
  for (let pc = 0; pc < insns.length; pc++) {
    const insn = insns[pc]!;
    out.push(`${String(pc).padStart(5)}: ${disassemble(insn, pc, insns[pc + 1], opts)}`);
    if (OPCODES[insn.opcode]?.kind === 'lddw') pc++;
  }
  return out;
}
