// Build one program the way libbpf does: its own instructions, then every subprogram it
// (transitively) calls or takes the address of, appended once each in discovery order, with
// call and function-address immediates rewritten pc-relative to the appended copies.
// Map relocations, line info and func info of each piece move along with it.

import type { Insn } from '../isa/insn.js';
import { PSEUDO } from '../isa/opcodes.js';
import type { FuncInfo, LineInfo } from './btf-ext.js';
import { ElfError } from './errors.js';
import type { CodeSection, FuncUnit } from './functions.js';
import { funcContaining } from './functions.js';
import type { CodeReloc } from './relocations.js';
import type { FuncSpan, Reloc } from './spec.js';

const OP_LDDW = 0x18;
const OP_CALL = 0x85;

export interface LinkInput {
  path: string;
  /** Code sections by ELF section index. */
  code: Map<number, CodeSection>;
  relocs: Map<number, Map<number, CodeReloc>>;
  lineInfo: Map<string, LineInfo[]>;
  funcInfo: Map<string, FuncInfo[]>;
}

export interface LinkedProgram {
  insns: Insn[];
  relocs: Reloc[];
  funcs: FuncSpan[];
  lineInfo: LineInfo[];
}

export function linkProgram(entry: FuncUnit, input: LinkInput): LinkedProgram {
  const insns: Insn[] = [];
  const relocs: Reloc[] = [];
  const funcs: FuncSpan[] = [];
  const lineInfo: LineInfo[] = [];
  const placed = new Map<FuncUnit, number>();
  const queue: FuncUnit[] = [];

  const place = (unit: FuncUnit): number => {
    const at = insns.length;
    const code = input.code.get(unit.section.index)!;
    placed.set(unit, at);
    queue.push(unit);
    for (let i = 0; i < unit.length; i++) insns.push({ ...code.insns[unit.start + i]! });
    const btfFunc = input.funcInfo.get(unit.section.name)?.find((f) => f.insn === unit.start);
    funcs.push({ name: unit.name, start: at, length: unit.length, ...(btfFunc ? { btfTypeId: btfFunc.typeId } : {}) });
    for (const li of input.lineInfo.get(unit.section.name) ?? []) {
      if (li.insn >= unit.start && li.insn < unit.start + unit.length) lineInfo.push({ ...li, insn: at + li.insn - unit.start });
    }
    return at;
  };

  place(entry);
  while (queue.length > 0) {
    const unit = queue.shift()!;
    const base = placed.get(unit)!;
    const sectionRelocs = input.relocs.get(unit.section.index);
    for (let i = 0; i < unit.length; i++) {
      const slot = unit.start + i;
      const pc = base + i;
      const insn = insns[pc]!;
      const rel = sectionRelocs?.get(slot);
      const target = rel ? funcTarget(rel) : localTarget(insn, unit, slot);
      if (rel && rel.kind !== 'func') {
        relocs.push({ insn: pc, kind: rel.kind, mapName: rel.mapName, offset: rel.offset, symbol: rel.symbol });
      } else if (target) {
        const callee = findUnit(input, target, unit, slot);
        const calleeAt = placed.get(callee) ?? place(callee);
        insn.imm = calleeAt + (target.slot - callee.start) - (pc + 1);
        if (insn.opcode === OP_LDDW) insn.src = PSEUDO.FUNC; // libbpf marks relocated function addresses
      }
      if (insn.opcode === OP_LDDW) i++; // the second slot of lddw is not an instruction
    }
  }
  lineInfo.sort((a, b) => a.insn - b.insn);
  return { insns, relocs, funcs, lineInfo };
}

interface Target {
  sectionIndex: number;
  slot: number;
}

function funcTarget(rel: CodeReloc): Target | undefined {
  return rel.kind === 'func' ? { sectionIndex: rel.sectionIndex, slot: rel.slot } : undefined;
}

/** Unrelocated BPF-to-BPF calls/function addresses are pc-relative within their own section. */
function localTarget(insn: Insn, unit: FuncUnit, slot: number): Target | undefined {
  const isCall = insn.opcode === OP_CALL && insn.src === PSEUDO.CALL;
  const isFuncAddr = insn.opcode === OP_LDDW && insn.src === PSEUDO.FUNC;
  return isCall || isFuncAddr ? { sectionIndex: unit.section.index, slot: slot + insn.imm + 1 } : undefined;
}

function findUnit(input: LinkInput, target: Target, from: FuncUnit, slot: number): FuncUnit {
  const code = input.code.get(target.sectionIndex);
  const callee = code && funcContaining(code, target.slot);
  if (!callee) {
    const section = code?.section.name ?? `#${target.sectionIndex}`;
    throw new ElfError(input.path, `function '${from.name}' in section '${from.section.name}': call at instruction ${slot} targets instruction ${target.slot} of section '${section}', which is not inside any function`);
  }
  return callee;
}
