// Which ISA version (cpu v1..v4) and conformance groups (RFC 9669 section 2.4) a program needs,
// decided from its opcodes the way the bpf_conformance runner does: each recognised instruction
// raises the requirement; unrecognised ones raise nothing (the VM will reject them instead).

import { ALU, CLS, JMP, MODE, OPCODES, PSEUDO, SIZE, ATOMIC } from '../isa/opcodes.js';
import type { Insn } from '../isa/insn.js';

export type CpuVersion = 1 | 2 | 3 | 4;
export type ConformanceGroup = 'base32' | 'base64' | 'atomic32' | 'atomic64' | 'divmul32' | 'divmul64' | 'packet' | 'callx';

export interface Requirement {
  cpuVersion: CpuVersion;
  groups: Set<ConformanceGroup>;
}

/** The groups the suite's runner enables by default; callx and packet are opt-in. */
export const DEFAULT_GROUPS: readonly ConformanceGroup[] = ['base32', 'base64', 'atomic32', 'atomic64', 'divmul32', 'divmul64'];

interface Need {
  cpu: CpuVersion;
  group: ConformanceGroup;
}

const ATOMIC_IMMS = new Set<number>([
  ATOMIC.ADD, ATOMIC.OR, ATOMIC.AND, ATOMIC.XOR,
  ATOMIC.ADD | ATOMIC.FETCH, ATOMIC.OR | ATOMIC.FETCH, ATOMIC.AND | ATOMIC.FETCH, ATOMIC.XOR | ATOMIC.FETCH,
  ATOMIC.XCHG, ATOMIC.CMPXCHG,
]);
/** Jumps added by cpu v2. */
const V2_JUMPS = new Set<number>([JMP.JLT, JMP.JLE, JMP.JSLT, JMP.JSLE]);

function aluNeed(i: Insn, is64: boolean): Need | undefined {
  const op = i.opcode & 0xf0;
  const base: ConformanceGroup = is64 ? 'base64' : 'base32';
  const signedOrPlain = (): CpuVersion | undefined => (i.off === 0 ? 1 : i.off === 1 ? 4 : undefined); // sdiv/smod: off 1
  switch (op) {
    case ALU.MUL:
      return { cpu: 1, group: is64 ? 'divmul64' : 'divmul32' };
    case ALU.DIV:
    case ALU.MOD: {
      const cpu = signedOrPlain();
      return cpu && { cpu, group: is64 ? 'divmul64' : 'divmul32' };
    }
    case ALU.MOV: {
      if (!(i.opcode & 0x08) || i.off === 0) return { cpu: 1, group: base };
      const movsx = is64 ? [8, 16, 32] : [8, 16];
      return movsx.includes(i.off) ? { cpu: 4, group: base } : undefined;
    }
    case ALU.END: {
      if (![16, 32, 64].includes(i.imm)) return undefined;
      const group = i.imm === 64 ? 'base64' : 'base32';
      return { cpu: is64 ? 4 : 1, group }; // ALU64 END is the v4 unconditional bswap
    }
    default:
      return { cpu: 1, group: base };
  }
}

function jumpNeed(i: Insn, cls: number): Need | undefined {
  const op = i.opcode & 0xf0;
  if (i.opcode === (CLS.JMP | JMP.CALL)) {
    if (i.src === 0) return { cpu: 1, group: 'base32' };
    return i.src === PSEUDO.CALL || i.src === PSEUDO.KFUNC_CALL ? { cpu: 3, group: 'base32' } : undefined;
  }
  if (op === JMP.CALL) return { cpu: 1, group: 'callx' };
  if (op === JMP.EXIT) return { cpu: 1, group: 'base32' };
  if (cls === CLS.JMP32) return { cpu: op === JMP.JA ? 4 : 3, group: 'base32' };
  return { cpu: V2_JUMPS.has(op) ? 2 : 1, group: 'base64' };
}

/** What one instruction needs, or undefined when it is not a recognised instruction. */
export function instructionNeed(i: Insn): Need | undefined {
  const info = OPCODES[i.opcode];
  if (!info) return undefined;
  const cls = i.opcode & 0x07;
  const mode = i.opcode & 0xe0;
  const wide = (i.opcode & 0x18) === SIZE.DW;
  switch (cls) {
    case CLS.LD:
      if (info.kind === 'ldabs') return { cpu: 1, group: 'packet' };
      return i.src <= PSEUDO.MAP_IDX_VALUE ? { cpu: 1, group: 'base64' } : undefined;
    case CLS.LDX:
      if (mode === MODE.MEMSX) return { cpu: 4, group: 'base32' }; // sign-extending loads are v4
      return { cpu: 1, group: wide ? 'base64' : 'base32' };
    case CLS.ST:
      return { cpu: 1, group: wide ? 'base64' : 'base32' };
    case CLS.STX:
      if (mode !== MODE.ATOMIC) return { cpu: 1, group: wide ? 'base64' : 'base32' };
      return ATOMIC_IMMS.has(i.imm) ? { cpu: 3, group: wide ? 'atomic64' : 'atomic32' } : undefined;
    case CLS.ALU:
    case CLS.ALU64:
      return aluNeed(i, cls === CLS.ALU64);
    default:
      return jumpNeed(i, cls);
  }
}

export function programRequirement(insns: readonly Insn[]): Requirement {
  const req: Requirement = { cpuVersion: 1, groups: new Set() };
  for (let at = 0; at < insns.length; at++) {
    const i = insns[at];
    const need = instructionNeed(i);
    if (need) {
      req.cpuVersion = Math.max(req.cpuVersion, need.cpu) as CpuVersion;
      req.groups.add(need.group);
    }
    if (i.opcode === (CLS.LD | SIZE.DW | MODE.IMM)) at++; // the second lddw slot is not an instruction
  }
  return req;
}

/** Why the program cannot run with these settings, or undefined when it can. */
export function unmetRequirement(req: Requirement, cpuVersion: CpuVersion, groups: ReadonlySet<ConformanceGroup>): string | undefined {
  if (req.cpuVersion > cpuVersion) return `needs cpu v${req.cpuVersion} (running v${cpuVersion})`;
  const missing = [...req.groups].filter((g) => !groups.has(g));
  return missing.length ? `needs conformance group ${missing.join(', ')}` : undefined;
}
