// Table-driven: every opcode of the one opcode table (src/isa/opcodes.ts) is translated by the
// wasm engine and gives the interpreter's result, so a new opcode in the table without a wasm
// translation (or with a different meaning) fails here, not later in the field.
import { describe, expect, it } from 'vitest';
import { OPCODES, type OpInfo } from '../../src/isa/opcodes.js';
import type { Insn } from '../../src/isa/insn.js';
import { predecode } from '../../src/vm/program.js';
import { runRaw } from '../../src/vm/raw.js';
import { compileToWasm, runWasmRaw } from '../../src/wasm/index.js';
import { conformanceHelpers } from '../../src/conformance/helpers.js';

const insn = (opcode: number, dst = 0, src = 0, off = 0, imm = 0): Insn => ({ opcode, dst, src, off, imm });
const EXIT = insn(0x95);

/** A small program around one instruction of this opcode: operands set, the result in r0. */
function programFor(op: OpInfo, variant: number): Insn[] {
  const setup = [
    insn(0x18, 2, 0, 0, 0x89abcdef | 0), insn(0, 0, 0, 0, 0x01234567), // r2: a 64-bit value
    insn(0xb7, 3, 0, 0, variant === 0 ? 3 : -5), // r3: small, or negative
    insn(0xbf, 6, 1), // r6 = memory
    insn(0x7b, 10, 2, -8), // [r10-8] = r2
    insn(0xb7, 0, 0, 0, 11),
  ];
  const o = op.opcode;
  switch (op.kind) {
    case 'alu': {
      const off = (o & 0xf0) === 0xb0 && op.srcReg && variant === 1 ? (op.is64 ? 32 : 16) // movsx
        : ((o & 0xf0) === 0x30 || (o & 0xf0) === 0x90) && variant === 1 ? 1 : 0; // sdiv/smod
      const imm = (o & 0xf0) === 0x60 || (o & 0xf0) === 0x70 || (o & 0xf0) === 0xc0 ? 7 : variant === 0 ? 3 : -5;
      return [...setup, insn(o, 2, 3, off, imm), insn(0xbf, 0, 2), EXIT];
    }
    case 'end': return [...setup, insn(o, 2, 0, 0, [16, 32, 64][variant % 3]), insn(0xbf, 0, 2), EXIT];
    case 'jmp':
      if ((o & 0xf0) === 0x00) return [...setup, o === 0x06 ? insn(o, 0, 0, 0, 1) : insn(o, 0, 0, 1), insn(0xb7, 0, 0, 0, 1), EXIT];
      return [...setup, insn(o, 2, 3, 1, variant === 0 ? 3 : -5), insn(0xb7, 0, 0, 0, 1), EXIT];
    case 'call': return op.srcReg ? [...setup, insn(0xb7, 4, 0, 0, 1), insn(o, 4), EXIT] : [...setup, insn(o, 0, 0, 0, 1), EXIT];
    case 'exit': return [...setup, EXIT];
    case 'lddw': return [insn(o, 0, 0, 0, 0x12345678), insn(0, 0, 0, 0, -2), EXIT];
    case 'ldx': return [...setup, insn(o, 0, 10, -8 + (variant === 0 ? 0 : 8 - op.size)), EXIT];
    case 'st': return [...setup, insn(o, 6, 0, 4, -7), insn(0x79, 0, 6, 0), EXIT];
    case 'stx': return [...setup, insn(o, 6, 2, 4), insn(0x79, 0, 6, 0), EXIT];
    case 'atomic': {
      const imms = [0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1];
      return [...setup, insn(0xbf, 0, 2), insn(o, 10, 3, -8, imms[variant % imms.length]!), insn(0x79, 4, 10, -8), insn(0xaf, 0, 4), insn(0xaf, 0, 3), EXIT];
    }
    case 'ldabs': return [...setup, insn(o, 0, 3, 0, 0), EXIT];
  }
}

const all = OPCODES.filter((o): o is OpInfo => o !== undefined);

describe('every opcode of the table on both engines', () => {
  it.each(all.map((o) => [o.mnemonic, o] as const))('%s', (_name, op) => {
    for (let variant = 0; variant < (op.kind === 'atomic' ? 10 : 3); variant++) {
      const insns = programFor(op, variant);
      const mem = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
      const c = compileToWasm(predecode(insns, { allowCallx: true }));
      // legacy packet loads need a socket buffer: the interpreter faults on both, the same way
      expect(c.ok, c.ok ? '' : c.reason).toBe(true);
      const [mi, mw] = [mem.slice(), mem.slice()];
      const want = runRaw(insns, mi, { helpers: conformanceHelpers() });
      const got = runWasmRaw(insns, mw, { helpers: conformanceHelpers(), fallback: false });
      expect(got.engine).toBe('wasm');
      const { engine: _e, fallbackReason: _f, ...result } = got;
      if (want.ok) expect(result).toEqual(want);
      else expect(got.ok ? got : { kind: got.fault.kind, pc: got.fault.pc }).toEqual({ kind: want.fault.kind, pc: want.fault.pc });
      expect([...mw]).toEqual([...mi]);
    }
  });

  it('covers every opcode kind', () => {
    expect(new Set(all.map((o) => o.kind))).toEqual(new Set(['alu', 'end', 'jmp', 'call', 'exit', 'lddw', 'ldx', 'st', 'stx', 'atomic', 'ldabs']));
  });
});
