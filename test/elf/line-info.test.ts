import { beforeAll, describe, expect, it } from 'vitest';
import { findProgram, lineInfoAt, loadObjectSpec, type ObjectSpec, type ProgramSpec } from '../../src/elf/index.js';
import { compileFixture, haveClang, lineOf } from './compile.js';

const OP_CALL = 0x85;

function funcRange(p: ProgramSpec, name: string): [number, number] {
  const f = p.funcs.find((fn) => fn.name === name)!;
  return [f.start, f.start + f.length];
}

describe.skipIf(!haveClang)('line info (progs.c)', () => {
  let spec: ObjectSpec;
  beforeAll(async () => {
    spec = await loadObjectSpec(compileFixture('progs'));
  });

  it('is sorted and carries the file name and source text', () => {
    for (const p of spec.programs) {
      expect(p.lineInfo.length).toBeGreaterThan(0);
      const insns = p.lineInfo.map((l) => l.insn);
      expect(insns).toEqual([...insns].sort((a, b) => a - b));
      for (const l of p.lineInfo) {
        expect(l.file).toMatch(/progs\.c$/);
        expect(l.line).toBeGreaterThan(0);
        expect(l.insn).toBeLessThan(p.insns.length);
      }
    }
  });

  it('maps the entry instruction to the function header line', () => {
    const tc = findProgram(spec, 'tc_main');
    const first = tc.lineAt(0)!;
    expect(first.line).toBe(lineOf('progs', 'int tc_main('));
    expect(first.text).toContain('int tc_main(');
  });

  it('maps helper and subprogram calls to the C line that makes them', () => {
    const tc = findProgram(spec, 'tc_main');
    const [start, end] = funcRange(tc, 'tc_main');
    const calls = tc.insns.map((i, pc) => ({ i, pc })).filter(({ i, pc }) => pc >= start && pc < end && i.opcode === OP_CALL);
    const textOf = (helper: number) => tc.lineAt(calls.find(({ i }) => i.src === 0 && i.imm === helper)!.pc)!.text;
    expect(textOf(1)).toContain('bpf_map_lookup_elem(&routes'); // BPF_FUNC_map_lookup_elem
    expect(textOf(6)).toContain('bpf_trace_printk("hop'); // BPF_FUNC_trace_printk
    expect(textOf(164)).toContain('bpf_for_each_map_elem(&counters, sum_cb'); // BPF_FUNC_for_each_map_elem
    const accountCall = calls.find(({ i }) => i.src === 1)!;
    expect(tc.lineAt(accountCall.pc)!.text).toContain('account(skb)');
  });

  it('relocates line info of appended subprograms to their new positions', () => {
    const tc = findProgram(spec, 'tc_main');
    // Every pc of the appended copy maps into that function's own source lines.
    const expectLines = (name: string, header: string, marker: string) => {
      const [start, end] = funcRange(tc, name);
      const lines = new Set<number>();
      for (let pc = start; pc < end; pc++) lines.add(tc.lineAt(pc)!.line);
      expect(lines.has(lineOf('progs', marker))).toBe(true);
      for (const l of lines) expect(l).toBeGreaterThanOrEqual(lineOf('progs', header));
      for (const l of lines) expect(l).toBeLessThanOrEqual(lineOf('progs', marker) + 1);
    };
    expectLines('clamp', 'int clamp(', 'clamp-line');
    expectLines('account', 'int account(', 'account-line');
    expectLines('sum_cb', '__u64 sum_cb(', 'callback-line');
    expectLines('in_section_helper', 'int in_section_helper(', 'in-section-line');
    // The same subprogram sits elsewhere in another program and still maps to its own lines.
    const pass = findProgram(spec, 'tail_pass');
    const [clampStart] = funcRange(pass, 'clamp');
    expect(pass.lineAt(clampStart)!.text).toContain('clamp(int v)');
  });

  it('keeps section-relative line info on the object', () => {
    const tcLines = spec.lineInfo.get('tc')!;
    expect(tcLines.some((l) => l.text.includes('tail-drop-line'))).toBe(true);
    expect(spec.lineInfo.get('.text')!.some((l) => l.text.includes('clamp-line'))).toBe(true);
  });
});

describe('lineInfoAt', () => {
  const lines = [10, 12, 12, 20].map((insn, n) => ({ insn, file: 'f.c', line: n + 1, col: 0, text: `l${n}` }));
  it('returns the last entry at or before pc', () => {
    expect(lineInfoAt(lines, 9)).toBeUndefined();
    expect(lineInfoAt(lines, 10)?.line).toBe(1);
    expect(lineInfoAt(lines, 11)?.line).toBe(1);
    expect(lineInfoAt(lines, 12)?.line).toBe(3);
    expect(lineInfoAt(lines, 500)?.line).toBe(4);
    expect(lineInfoAt([], 0)).toBeUndefined();
  });
});
