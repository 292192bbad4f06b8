// BPF functions of a program: pc 0 and every BPF-to-BPF call target start one, and each runs
// to the next start. Each becomes one wasm function, so r6..r9 are the caller's own locals
// (saved for free) and the call depth is a parameter.

import type { DecodedProgram } from '../vm/program.js';
import { findBlocks, isJump, jumpTarget, type Blocks } from './blocks.js';

export interface BpfFunction {
  start: number;
  end: number;
  blocks: Blocks;
}

export class Untranslatable extends Error {}

export function findFunctions(prog: DecodedProgram): { funcs: BpfFunction[]; indexAt: Map<number, number> } {
  const starts = new Set<number>([0]);
  for (let pc = 0; pc < prog.length; pc++) {
    const w = prog.code[pc]!;
    const op = w & 0xff;
    if (op === 0x18) { pc++; continue; }
    if (op === 0x85 && ((w >> 12) & 15) === 1) starts.add(pc + 1 + prog.imm[pc]!);
  }
  const sorted = [...starts].sort((a, b) => a - b);
  const indexAt = new Map(sorted.map((s, k) => [s, k]));
  const funcs = sorted.map((start, k) => {
    const end = sorted[k + 1] ?? prog.length;
    for (let pc = start; pc < end; pc++) {
      const op = prog.code[pc]! & 0xff;
      if (op === 0x18) { pc++; continue; }
      if (isJump(op)) {
        const t = jumpTarget(prog, pc);
        if (t < start || t >= end) throw new Untranslatable(`pc ${pc}: jump to ${t} leaves its function [${start}, ${end})`);
      }
    }
    return { start, end, blocks: findBlocks(prog, start, end) };
  });
  return { funcs, indexAt };
}
