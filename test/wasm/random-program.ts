// Random valid eBPF programs for differential fuzzing: every ALU/ALU64 opcode (register and
// immediate forms, movsx, signed div/mod, byte swaps), jumps (64- and 32-bit compares; mostly
// forward, some backward so loops run into the instruction budget), loads/stores/atomics on
// the stack and the memory buffer with offsets that are sometimes out of bounds, lddw, helper
// calls and BPF-to-BPF calls into up to two more functions.

import type { Insn } from '../../src/isa/insn.js';
import { Rng } from '../vm/ref.js';

type Item = { insns: Insn[]; jumpTo?: number }; // jumpTo: index of the target item

const IMMS = [0, 1, -1, 2, 7, 8, 15, 16, 31, 32, 33, 63, 64, 0x7fffffff, -0x80000000, 0xff, 0xffff, 255];
const ALU_CODES = [0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0, 0xc0];
const JMP_CODES = [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0];
const SIZES = [0x00, 0x08, 0x10, 0x18];
const SIZE_BYTES: Record<number, number> = { 0x00: 4, 0x08: 2, 0x10: 1, 0x18: 8 };
const ATOMICS = [0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1];
const DATA_REGS = [0, 2, 3, 4, 5, 6, 7, 8, 9];

const insn = (opcode: number, dst = 0, src = 0, off = 0, imm = 0): Insn => ({ opcode, dst, src, off, imm });

function imm(rng: Rng): number {
  return rng.int(3) === 0 ? rng.u32() | 0 : rng.pick(IMMS);
}

function alu(rng: Rng): Insn {
  const is64 = rng.int(2) === 0;
  const cls = is64 ? 0x07 : 0x04;
  const code = rng.pick(ALU_CODES);
  const useReg = code !== 0x80 && rng.int(2) === 0; // neg has only the immediate form
  const dst = rng.pick(DATA_REGS);
  const src = rng.int(11);
  let off = 0;
  if ((code === 0x30 || code === 0x90) && rng.int(2)) off = 1; // sdiv/smod
  if (code === 0xb0 && useReg && rng.int(2)) off = rng.pick(is64 ? [8, 16, 32] : [8, 16]); // movsx
  // a register divisor is often zero or -1 to reach the eBPF-specific cases
  return insn(cls | (useReg ? 0x08 : 0) | code, dst, src, off, imm(rng));
}

function byteSwap(rng: Rng): Insn {
  return insn(rng.pick([0xd4, 0xdc, 0xd7]), rng.pick(DATA_REGS), 0, 0, rng.pick([16, 32, 64]));
}

/**
 * A base register for memory: r10 (stack), r1 (memory), r6/r7 (copies of them, maybe moved
 * by arithmetic) or a data register (usually a scalar → fault). One access in 16 uses an
 * offset that may be out of bounds; the rest are in bounds for r1 and r10.
 */
function memAccess(rng: Rng, memLen: number): { base: number; off: number } {
  const wild = rng.int(16) === 0;
  const pick = rng.int(20);
  if (pick < 10) return { base: 10, off: wild ? -rng.int(530) + 4 : -8 - rng.int(500) };
  if (pick < 17) return { base: 1, off: wild || memLen < 8 ? rng.int(memLen + 16) - 8 : rng.int(memLen - 7) };
  if (pick < 19) return { base: rng.pick([6, 7]), off: -rng.int(16) };
  return { base: rng.pick(DATA_REGS), off: rng.int(64) };
}

function memory(rng: Rng, memLen: number): Insn {
  const size = rng.pick(SIZES);
  const { base, off } = memAccess(rng, memLen);
  switch (rng.int(5)) {
    case 0: { const sx = size !== 0x18 && rng.int(2) === 0; return insn((sx ? 0x80 : 0x60) | size | 0x01, rng.pick(DATA_REGS), base, off); }
    case 1: return insn(0x60 | size | 0x02, base, 0, off, imm(rng));
    case 2: return insn(0xc0 | rng.pick([0x00, 0x18]) | 0x03, base, rng.pick(DATA_REGS), off, rng.pick(ATOMICS));
    default: return insn(0x60 | size | 0x03, base, rng.int(11), off);
  }
}

function jump(rng: Rng): Insn {
  const cls = rng.int(2) ? 0x05 : 0x06;
  const useReg = rng.int(2) === 0;
  return insn(cls | (useReg ? 0x08 : 0) | rng.pick(JMP_CODES), rng.int(11), rng.int(11), 0, imm(rng));
}

/**
 * One function's items: a random body whose jumps stay inside the function (mostly forward;
 * one in 40 backward, so loops run into the budget and both engines must count alike), its
 * own exit, and calls to later functions only (no recursion). `call` items name the callee.
 */
type FnItem = Item & { callee?: number };

function functionBody(rng: Rng, memLen: number, bodyLength: number, fnIndex: number, fnCount: number): FnItem[] {
  const items: FnItem[] = [];
  if (fnIndex === 0) {
    for (const r of DATA_REGS) items.push({ insns: [insn(0x18, r, 0, 0, rng.u32() | 0), insn(0, 0, 0, 0, rng.u32() | 0)] });
    items.push({ insns: [insn(0x7b, 10, 1, -512)] }); // keep the memory pointer for after calls
  } else {
    // a callee may not read r0 or r6..r9 before writing them (the verifier's rule): set them
    items.push({ insns: [insn(0xb7, 0, 0, 0, imm(rng))] });
    for (const r of [8, 9]) items.push({ insns: [insn(0x18, r, 0, 0, rng.u32() | 0), insn(0, 0, 0, 0, rng.u32() | 0)] });
  }
  items.push({ insns: [insn(0xbf, 6, 1)] }, { insns: [insn(0xbf, 7, 10)] }); // pointer copies for arithmetic
  const n = items.length + bodyLength;
  while (items.length < n) {
    const k = rng.int(40);
    const at = items.length;
    if (k < 16) items.push({ insns: [alu(rng)] });
    else if (k < 18) items.push({ insns: [byteSwap(rng)] });
    else if (k < 28) items.push({ insns: [memory(rng, memLen)] });
    else if (k < 33) items.push({ insns: [jump(rng)], jumpTo: at + 1 + rng.int(n - at) });
    else if (k < 34) items.push({ insns: [jump(rng)], jumpTo: rng.int(at + 1) }); // backward: a loop
    else if (k < 35) items.push({ insns: [insn(0x05)], jumpTo: at + 1 + rng.int(n - at) });
    else if (k < 37) items.push({ insns: [insn(0x18, rng.pick(DATA_REGS), 0, 0, rng.u32() | 0), insn(0, 0, 0, 0, imm(rng))] });
    else if (k < 38 && fnIndex + 1 < fnCount) {
      // r1..r5 are unreadable after a call: the memory pointer comes back from the stack
      items.push({ insns: [insn(0x85, 0, 1, 0, 0)], callee: fnIndex + 1 + rng.int(fnCount - fnIndex - 1) });
      items.push({ insns: [insn(0x79, 1, 10, -512)] });
      for (const r of [2, 3, 4, 5]) items.push({ insns: [insn(0xb7, r, 0, 0, imm(rng))] });
    } else items.push({ insns: [insn(0x85, 0, 0, 0, rng.int(20) === 0 ? rng.pick([4, 9]) : 1)] });
  }
  items.push({ insns: [insn(0x95)] }); // item n: the exit every forward jump can reach
  return items;
}

export function randomProgram(rng: Rng, memLen: number, bodyLength = 40, maxFunctions = 3): Insn[] {
  const fnCount = 1 + rng.int(maxFunctions);
  const fns = Array.from({ length: fnCount }, (_, f) => functionBody(rng, memLen, f === 0 ? bodyLength : 5 + rng.int(bodyLength), f, fnCount));
  // slots of every item, functions laid out one after another
  const fnStart: number[] = [];
  const slotOf: number[][] = [];
  let slot = 0;
  for (const items of fns) {
    fnStart.push(slot);
    slotOf.push(items.map((it) => { const s0 = slot; slot += it.insns.length; return s0; }));
  }
  return fns.flatMap((items, f) => items.flatMap((it, idx) => {
    const at = slotOf[f]![idx]!;
    if (it.callee !== undefined) return [{ ...it.insns[0]!, imm: fnStart[it.callee]! - at - 1 }];
    if (it.jumpTo === undefined) return it.insns;
    const rel = slotOf[f]![it.jumpTo]! - at - 1;
    const j = it.insns[0]!;
    return [j.opcode === 0x05 && rng.int(2) ? { ...j, opcode: 0x06, imm: rel } : { ...j, off: rel }]; // ja or gotol
  }));
}
