// The eBPF instruction set (RFC 9669): encoding constants and ONE frozen table that names
// every valid opcode. The decoder, disassembler, assembler and interpreter all read this table,
// so an opcode is defined in exactly one place.

export const CLS = { LD: 0, LDX: 1, ST: 2, STX: 3, ALU: 4, JMP: 5, JMP32: 6, ALU64: 7 } as const;
export const SRC_K = 0x00;
export const SRC_X = 0x08;

export const ALU = {
  ADD: 0x00, SUB: 0x10, MUL: 0x20, DIV: 0x30, OR: 0x40, AND: 0x50, LSH: 0x60, RSH: 0x70,
  NEG: 0x80, MOD: 0x90, XOR: 0xa0, MOV: 0xb0, ARSH: 0xc0, END: 0xd0,
} as const;

export const JMP = {
  JA: 0x00, JEQ: 0x10, JGT: 0x20, JGE: 0x30, JSET: 0x40, JNE: 0x50, JSGT: 0x60, JSGE: 0x70,
  CALL: 0x80, EXIT: 0x90, JLT: 0xa0, JLE: 0xb0, JSLT: 0xc0, JSLE: 0xd0,
} as const;

export const SIZE = { W: 0x00, H: 0x08, B: 0x10, DW: 0x18 } as const;
export const MODE = { IMM: 0x00, ABS: 0x20, IND: 0x40, MEM: 0x60, MEMSX: 0x80, ATOMIC: 0xc0 } as const;

export const ATOMIC = { ADD: 0x00, OR: 0x40, AND: 0x50, XOR: 0xa0, FETCH: 0x01, XCHG: 0xe1, CMPXCHG: 0xf1 } as const;

/** src_reg values of LDDW (ld_imm64) and CALL that give the immediate a special meaning. */
export const PSEUDO = {
  MAP_FD: 1, MAP_VALUE: 2, BTF_ID: 3, FUNC: 4, MAP_IDX: 5, MAP_IDX_VALUE: 6,
  CALL: 1, KFUNC_CALL: 2,
} as const;

export type OpKind =
  | 'alu' // ALU/ALU64 binary or unary operation
  | 'end' // byte swap / endianness conversion
  | 'jmp' // conditional or unconditional jump
  | 'call' | 'exit'
  | 'lddw' // 64-bit immediate load (two slots)
  | 'ldx' | 'st' | 'stx' | 'atomic'
  | 'ldabs'; // legacy packet access (BPF_ABS / BPF_IND)

export interface OpInfo {
  readonly opcode: number;
  readonly kind: OpKind;
  /** Mnemonic in the bpf_conformance/uBPF assembly dialect (e.g. "add32", "ldxdw", "jsgt"). */
  readonly mnemonic: string;
  readonly is64: boolean;
  readonly srcReg: boolean; // operand comes from a register (X), not the immediate (K)
  readonly size: 1 | 2 | 4 | 8 | 0; // memory access width
}

const ALU_NAMES: Record<number, string> = {
  [ALU.ADD]: 'add', [ALU.SUB]: 'sub', [ALU.MUL]: 'mul', [ALU.DIV]: 'div', [ALU.OR]: 'or',
  [ALU.AND]: 'and', [ALU.LSH]: 'lsh', [ALU.RSH]: 'rsh', [ALU.NEG]: 'neg', [ALU.MOD]: 'mod',
  [ALU.XOR]: 'xor', [ALU.MOV]: 'mov', [ALU.ARSH]: 'arsh',
};
const JMP_NAMES: Record<number, string> = {
  [JMP.JA]: 'ja', [JMP.JEQ]: 'jeq', [JMP.JGT]: 'jgt', [JMP.JGE]: 'jge', [JMP.JSET]: 'jset',
  [JMP.JNE]: 'jne', [JMP.JSGT]: 'jsgt', [JMP.JSGE]: 'jsge', [JMP.JLT]: 'jlt', [JMP.JLE]: 'jle',
  [JMP.JSLT]: 'jslt', [JMP.JSLE]: 'jsle',
};
const SIZE_NAMES: Record<number, [string, 1 | 2 | 4 | 8]> = {
  [SIZE.B]: ['b', 1], [SIZE.H]: ['h', 2], [SIZE.W]: ['w', 4], [SIZE.DW]: ['dw', 8],
};

function build(): ReadonlyArray<OpInfo | undefined> {
  const t: (OpInfo | undefined)[] = new Array(256).fill(undefined);
  const add = (opcode: number, kind: OpKind, mnemonic: string, is64: boolean, srcReg: boolean, size: OpInfo['size'] = 0) => {
    t[opcode] = Object.freeze({ opcode, kind, mnemonic, is64, srcReg, size });
  };
  for (const [codeStr, name] of Object.entries(ALU_NAMES)) {
    const code = Number(codeStr);
    for (const src of [SRC_K, SRC_X]) {
      if (code === ALU.NEG && src === SRC_X) continue;
      add(CLS.ALU64 | code | src, 'alu', name, true, src === SRC_X);
      add(CLS.ALU | code | src, 'alu', name + '32', false, src === SRC_X);
    }
  }
  add(CLS.ALU | ALU.END | SRC_K, 'end', 'le', false, false);
  add(CLS.ALU | ALU.END | SRC_X, 'end', 'be', false, true);
  add(CLS.ALU64 | ALU.END | SRC_K, 'end', 'bswap', true, false);
  for (const [codeStr, name] of Object.entries(JMP_NAMES)) {
    const code = Number(codeStr);
    for (const src of [SRC_K, SRC_X]) {
      if (code === JMP.JA && src === SRC_X) continue;
      add(CLS.JMP | code | src, 'jmp', name, true, src === SRC_X);
      add(CLS.JMP32 | code | src, 'jmp', code === JMP.JA ? 'ja32' : name + '32', false, src === SRC_X);
    }
  }
  add(CLS.JMP | JMP.CALL, 'call', 'call', true, false);
  add(CLS.JMP | JMP.CALL | SRC_X, 'call', 'callx', true, true);
  add(CLS.JMP | JMP.EXIT, 'exit', 'exit', true, false);
  add(CLS.LD | SIZE.DW | MODE.IMM, 'lddw', 'lddw', true, false, 8);
  for (const [sizeStr, [sn, bytes]] of Object.entries(SIZE_NAMES)) {
    const size = Number(sizeStr);
    add(CLS.LDX | size | MODE.MEM, 'ldx', 'ldx' + sn, true, true, bytes);
    if (bytes !== 8) add(CLS.LDX | size | MODE.MEMSX, 'ldx', 'ldxs' + sn, true, true, bytes);
    add(CLS.ST | size | MODE.MEM, 'st', 'st' + sn, true, false, bytes);
    add(CLS.STX | size | MODE.MEM, 'stx', 'stx' + sn, true, true, bytes);
    if (bytes >= 4) add(CLS.STX | size | MODE.ATOMIC, 'atomic', bytes === 8 ? 'lock64' : 'lock32', bytes === 8, true, bytes);
    if (bytes !== 8) {
      add(CLS.LD | size | MODE.ABS, 'ldabs', 'ldabs' + sn, true, false, bytes);
      add(CLS.LD | size | MODE.IND, 'ldabs', 'ldind' + sn, true, true, bytes);
    }
  }
  return Object.freeze(t);
}

/** Every valid opcode byte → its description; undefined for an invalid opcode. */
export const OPCODES: ReadonlyArray<OpInfo | undefined> = build();

/** Kernel limits the VM enforces the same way. */
export const LIMITS = {
  STACK_SIZE: 512,
  MAX_CALL_DEPTH: 8, // MAX_CALL_FRAMES in the kernel verifier
  MAX_TAIL_CALLS: 33, // MAX_TAIL_CALL_CNT
  DEFAULT_INSN_BUDGET: 1_000_000,
} as const;
