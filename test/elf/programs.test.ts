import { beforeAll, describe, expect, it } from 'vitest';
import { PSEUDO } from '../../src/isa/opcodes.js';
import { ElfError, findProgram, loadObjectSpec, type ObjectSpec, type ProgramSpec } from '../../src/elf/index.js';
import { compileFixture, haveClang, haveObjdump, objdumpFuncSlots } from './compile.js';

const OP_CALL = 0x85;
const OP_LDDW = 0x18;

/** Name of the function (in prog.funcs) whose first instruction pc + imm + 1 lands on. */
function targetFunc(prog: ProgramSpec, pc: number): string {
  const insn = prog.insns[pc]!;
  const target = pc + insn.imm + 1;
  const f = prog.funcs.find((fn) => fn.start === target);
  if (!f) throw new Error(`${prog.name}: insn ${pc} targets ${target}, not a function start`);
  return f.name;
}

function bpfCalls(prog: ProgramSpec): number[] {
  return prog.insns.flatMap((i, pc) => (i.opcode === OP_CALL && i.src === PSEUDO.CALL ? [pc] : []));
}

describe.skipIf(!haveClang)('programs (progs.c)', () => {
  let spec: ObjectSpec;
  let object: string;
  beforeAll(async () => {
    object = compileFixture('progs');
    spec = await loadObjectSpec(object);
  });

  it('finds one program per global function outside .text, with types from the section name', () => {
    const summary = spec.programs.map((p) => [p.name, p.section, p.type, p.attachType]);
    expect(summary).toEqual([
      ['tail_drop', 'tc', 'sched_cls', undefined],
      ['tc_main', 'tc', 'sched_cls', undefined],
      ['tail_pass', 'classifier/pass', 'sched_cls', undefined],
      ['xdp_main', 'xdp', 'xdp', 'xdp'],
      ['sock_main', 'socket', 'socket_filter', undefined],
    ]);
    expect(spec.name).toBe('progs');
  });

  it('looks programs up by name or by a unique section, and explains ambiguity', () => {
    expect(findProgram(spec, 'tc_main').name).toBe('tc_main');
    expect(findProgram(spec, 'xdp').name).toBe('xdp_main');
    expect(findProgram(spec, 'classifier/pass').name).toBe('tail_pass');
    expect(() => findProgram(spec, 'tc')).toThrow(/section 'tc' holds 2 programs \(tail_drop, tc_main\)/);
    expect(() => findProgram(spec, 'nope')).toThrow(ElfError);
    expect(() => findProgram(spec, 'nope')).toThrow(/available: .*tc_main \(section 'tc'\).*xdp_main/);
  });

  it('appends called subprograms once each, in libbpf order, and records them in funcs', () => {
    const tc = findProgram(spec, 'tc_main');
    expect(tc.funcs.map((f) => f.name)).toEqual(['tc_main', 'sum_cb', 'account', 'in_section_helper', 'clamp']);
    const pass = findProgram(spec, 'tail_pass');
    expect(pass.funcs.map((f) => f.name)).toEqual(['tail_pass', 'clamp']);
    expect(findProgram(spec, 'sock_main').funcs.map((f) => f.name)).toEqual(['sock_main']);
    // Spans tile the instruction array.
    for (const p of spec.programs) {
      let at = 0;
      for (const f of p.funcs) {
        expect(f.start).toBe(at);
        at += f.length;
      }
      expect(at).toBe(p.insns.length);
      expect(p.funcs.every((f) => typeof f.btfTypeId === 'number')).toBe(true);
    }
  });

  it('fixes call immediates to land on the appended callees', () => {
    const tc = findProgram(spec, 'tc_main');
    const callees = bpfCalls(tc).map((pc) => targetFunc(tc, pc));
    // tc_main → account (global, .text), in_section_helper (static, same section, no relocation);
    // account → clamp (static, .text, unrelocated call inside .text).
    expect(callees).toEqual(['account', 'in_section_helper', 'clamp']);
    const drop = findProgram(spec, 'tail_drop');
    expect(bpfCalls(drop).map((pc) => targetFunc(drop, pc))).toEqual(['account', 'in_section_helper', 'clamp']);
    const pass = findProgram(spec, 'tail_pass');
    expect(bpfCalls(pass).map((pc) => targetFunc(pass, pc))).toEqual(['clamp']);
  });

  it('marks the callback address lddw as BPF_PSEUDO_FUNC pointing at the appended callback', () => {
    const tc = findProgram(spec, 'tc_main');
    const funcAddrs = tc.insns.flatMap((i, pc) => (i.opcode === OP_LDDW && i.src === PSEUDO.FUNC ? [pc] : []));
    expect(funcAddrs).toHaveLength(1);
    expect(targetFunc(tc, funcAddrs[0]!)).toBe('sum_cb');
    expect(tc.insns[funcAddrs[0]! + 1]!.imm).toBe(0);
  });

  it('copies subprogram bodies unchanged apart from call immediates', () => {
    const body = (p: ProgramSpec, name: string) => {
      const f = p.funcs.find((fn) => fn.name === name)!;
      return p.insns.slice(f.start, f.start + f.length);
    };
    expect(body(findProgram(spec, 'tc_main'), 'clamp')).toEqual(body(findProgram(spec, 'tail_pass'), 'clamp'));
  });

  it('relocates lddw of maps, global variables, static variables and strings', () => {
    const tc = findProgram(spec, 'tc_main');
    const summary = tc.relocs.map((r) => [r.kind, r.mapName, r.offset, r.symbol]);
    expect(summary).toEqual([
      ['map', 'routes', 0, 'routes'],
      ['map_value', '.rodata.str1.1', 0, '.rodata.str1.1'],
      ['map_value', '.bss', 0, 'zero_words'],
      ['map_value', '.data', 8, '.data'], // static private_count: section symbol + imm addend
      ['map', 'counters', 0, 'counters'],
      ['map', 'jumps', 0, 'jumps'],
      ['map_value', '.bss', 16, 'bss_stats'], // in appended sum_cb
      ['map_value', '.data', 0, 'pkt_total'], // in appended account
      ['map_value', '.rodata', 0, 'cfg_mode'],
    ]);
    for (const r of tc.relocs) {
      expect(tc.insns[r.insn]!.opcode).toBe(OP_LDDW);
      expect(tc.insns[r.insn]!.src).toBe(0);
    }
    const inAccount = tc.relocs.find((r) => r.symbol === 'pkt_total')!;
    const account = tc.funcs.find((f) => f.name === 'account')!;
    expect(inAccount.insn).toBeGreaterThanOrEqual(account.start);
    expect(inAccount.insn).toBeLessThan(account.start + account.length);
    expect(findProgram(spec, 'xdp_main').relocs.map((r) => r.mapName)).toEqual(['outer', 'rb', 'events']);
  });

  it.skipIf(!haveObjdump)('agrees with llvm-objdump on instruction counts', () => {
    const slots = objdumpFuncSlots(object);
    for (const p of spec.programs) {
      for (const f of p.funcs) expect([p.name, f.name, f.length]).toEqual([p.name, f.name, slots.get(f.name)]);
      expect(p.insns.length).toBe(p.funcs.reduce((n, f) => n + slots.get(f.name)!, 0));
    }
  });
});
