// "Never throws": thousands of random programs (random bytes, and random instructions built from
// valid opcodes with random registers, offsets and immediates) fed to runRaw. Every outcome must
// be a result — r0, or a fault of a known kind with a pc inside the program — and never the
// 'internal' kind, which means a JS exception escaped an instruction.
import { describe, expect, it } from 'vitest';
import { decodeBytes, type Insn } from '../../src/isa/insn.js';
import { OPCODES, type OpInfo } from '../../src/isa/opcodes.js';
import { FAULT_KINDS } from '../../src/vm/fault.js';
import { runRaw, type RawRunResult } from '../../src/vm/raw.js';
import { Rng } from './ref.js';

const VALID: OpInfo[] = OPCODES.filter((o): o is OpInfo => o !== undefined);
const BUDGET = 3000;

function helpers(rng: Rng) {
  return new Map<number, (a: bigint[]) => bigint | 'unwind'>([
    [1, (a) => a[0]! ^ a[1]!],
    [2, () => BigInt(rng.u32())],
    [3, () => -1n],
    [4, () => 'unwind'],
  ]);
}

function checkResult(res: RawRunResult, len: number, problems: string[], what: string): void {
  if (res.ok) {
    if (typeof res.r0 !== 'bigint' || res.r0 < 0n || res.r0 >= 1n << 64n) problems.push(`${what}: bad r0 ${String(res.r0)}`);
    if (!Number.isInteger(res.insnCount) || res.insnCount < 1 || res.insnCount > BUDGET + 16) problems.push(`${what}: insnCount ${res.insnCount}`);
    return;
  }
  const f = res.fault;
  if (!(f.kind in FAULT_KINDS)) problems.push(`${what}: unknown fault kind ${f.kind}`);
  if (f.kind === 'internal') problems.push(`${what}: internal fault: ${f.message.split('\n')[0]}`);
  if (!Number.isInteger(f.pc) || f.pc < 0 || (len > 0 && f.pc > len)) problems.push(`${what}: fault pc ${f.pc} outside 0..${len}`);
  if (typeof f.message !== 'string' || f.message === '') problems.push(`${what}: empty message`);
}

function fuzzOne(insns: Insn[], rng: Rng, problems: string[], what: string): RawRunResult | undefined {
  const mem = Uint8Array.from({ length: 64 }, () => rng.int(256));
  try {
    const res = runRaw(insns, mem, { budget: BUDGET, helpers: helpers(rng) });
    checkResult(res, insns.length, problems, what);
    return res;
  } catch (e) {
    problems.push(`${what}: threw ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
    return undefined;
  }
}

/** A random instruction from the opcode table, with operands that are often (not always) sane. */
function randomInsn(rng: Rng, pc: number, len: number): Insn[] {
  const info = rng.pick(VALID);
  const reg = () => (rng.int(12) === 0 ? 10 : rng.int(10));
  const insn: Insn = { opcode: info.opcode, dst: reg(), src: reg(), off: 0, imm: rng.imm() };
  switch (info.kind) {
    case 'jmp':
      insn.off = rng.int(len + 2) - pc - 1;
      if (info.mnemonic === 'ja32') insn.imm = insn.off, insn.off = 0;
      break;
    case 'call':
      if (rng.int(3) === 0) { insn.src = 1; insn.imm = rng.int(len + 2) - pc - 1; } else { insn.src = 0; insn.imm = rng.int(8); }
      insn.dst = info.srcReg ? reg() : 0;
      break;
    case 'end':
      insn.imm = rng.pick([16, 32, 64, 16, 32, 64, 8, 0]);
      break;
    case 'atomic':
      insn.imm = rng.pick([0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1, 0x10]);
      insn.off = rng.int(80) - 8;
      insn.dst = rng.pick([1, 10, 1, 10, reg()]);
      break;
    case 'ldx': case 'st': case 'stx':
      insn.off = rng.pick([rng.int(72) - 4, -rng.int(520), rng.int(65536) - 32768]);
      if (info.kind === 'ldx') insn.src = rng.pick([1, 10, 1, 10, reg()]);
      else insn.dst = rng.pick([1, 10, 1, 10, reg()]);
      break;
    case 'alu':
      if ((info.opcode & 0xf0) === 0xb0 && info.srcReg && rng.int(3) === 0) insn.off = rng.pick([8, 16, 32, 7]);
      if (((info.opcode & 0xf0) === 0x30 || (info.opcode & 0xf0) === 0x90) && rng.int(2) === 0) insn.off = 1;
      break;
    case 'lddw':
      insn.src = rng.int(4) === 0 ? rng.int(7) : 0;
      return [insn, { opcode: 0, dst: 0, src: 0, off: 0, imm: rng.imm() }];
    default:
      break;
  }
  return [insn];
}

describe('runRaw never throws', () => {
  it('on 3000 programs of random bytes', () => {
    const rng = new Rng(0xf00d);
    const problems: string[] = [];
    let ran = 0;
    for (let i = 0; i < 3000; i++) {
      const slots = 1 + rng.int(24);
      const bytes = Uint8Array.from({ length: slots * 8 }, () => rng.int(256));
      // Half of them end with exit, so more of them get past validation.
      if (i % 2 === 0) bytes.set([0x95, 0, 0, 0, 0, 0, 0, 0], (slots - 1) * 8);
      const res = fuzzOne(decodeBytes(bytes), rng, problems, `bytes#${i} ${Buffer.from(bytes).toString('hex')}`);
      if (res && (res.ok || res.fault.kind !== 'invalid-program')) ran++;
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(ran, 'some random programs must get past validation').toBeGreaterThan(0);
  });

  it('on 4000 programs of random valid-opcode instructions', () => {
    const rng = new Rng(0xbeef);
    const problems: string[] = [];
    const kinds = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const len = 2 + rng.int(20);
      const insns: Insn[] = [];
      while (insns.length < len - 1) insns.push(...randomInsn(rng, insns.length, len));
      insns.push({ opcode: 0x95, dst: 0, src: 0, off: 0, imm: 0 });
      const res = fuzzOne(insns, rng, problems, `insns#${i} ${JSON.stringify(insns)}`);
      const k = !res ? 'threw' : res.ok ? 'ok' : res.fault.kind;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    // The generator must reach execution, not only the validator: several outcomes occur.
    expect(kinds.get('ok') ?? 0).toBeGreaterThan(50);
    expect(kinds.get('invalid-program') ?? 0).toBeGreaterThan(50);
    expect((kinds.get('out-of-bounds') ?? 0) + (kinds.get('invalid-address') ?? 0)).toBeGreaterThan(50);
  });

  it('on programs that run into every fault path at once (deep calls, loops, helpers)', () => {
    const rng = new Rng(7);
    const problems: string[] = [];
    for (let i = 0; i < 500; i++) {
      const len = 6 + rng.int(10);
      const insns: Insn[] = [];
      while (insns.length < len - 1) {
        // Bias toward control flow: calls into the program and backward jumps.
        if (rng.int(3) === 0) insns.push({ opcode: 0x85, dst: 0, src: 1, off: 0, imm: -rng.int(insns.length + 1) - 1 + rng.int(3) });
        else insns.push(...randomInsn(rng, insns.length, len));
      }
      insns.push({ opcode: 0x95, dst: 0, src: 0, off: 0, imm: 0 });
      fuzzOne(insns, rng, problems, `ctl#${i} ${JSON.stringify(insns)}`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });
});
