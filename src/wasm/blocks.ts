// Basic blocks: a block starts at pc 0, at every jump target and after every jump or exit.
// The dispatch loop switches over block ids, so only block boundaries cost a dispatch.

import type { DecodedProgram } from '../vm/program.js';

export interface Blocks {
  /** First pc of each block, ascending. */
  starts: number[];
  /** Block id of a pc that starts a block, else -1. */
  idAt: Int32Array;
}

/** Where a jump at `pc` goes when taken (gotol, 0x06, takes its offset from imm). */
export function jumpTarget(prog: DecodedProgram, pc: number): number {
  const op = prog.code[pc]! & 0xff;
  return pc + 1 + (op === 0x06 ? prog.imm[pc]! : prog.code[pc]! >> 16);
}

export const isJump = (op: number): boolean => {
  const cls = op & 7, code = op & 0xf0;
  return (cls === 5 || cls === 6) && code !== 0x80 && code !== 0x90;
};
export const isExit = (op: number): boolean => op === 0x95;

/** Blocks of the function [start, end) (the whole program by default). */
export function findBlocks(prog: DecodedProgram, start = 0, end = prog.length): Blocks {
  const n = prog.length;
  const leader = new Uint8Array(n + 1);
  leader[start] = 1;
  for (let pc = start; pc < end; pc++) {
    const op = prog.code[pc]! & 0xff;
    if (op === 0x18) { pc++; continue; } // lddw: its second slot is never a target
    if (isJump(op)) { leader[jumpTarget(prog, pc)] = 1; leader[pc + 1] = 1; }
    else if (isExit(op)) leader[pc + 1] = 1;
  }
  const starts: number[] = [];
  const idAt = new Int32Array(n).fill(-1);
  for (let pc = start; pc < end; pc++) if (leader[pc]) { idAt[pc] = starts.length; starts.push(pc); }
  return { starts, idAt };
}
