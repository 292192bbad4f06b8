import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countResults, runConformanceDir, runDataText } from '../../src/conformance/runner.js';
import { conformanceCommand } from '../../src/conformance/plugin.js';
import { instructionNeed, programRequirement } from '../../src/conformance/requirements.js';
import { assemble } from '../../src/isa/asm.js';
import { SUITE_DIR } from './suite-path.js';

const suiteText = (file: string) => readFileSync(path.join(SUITE_DIR, file), 'utf8');

describe('the bpf_conformance suite', () => {
  it('passes every test at cpu v4 with callx', async () => {
    const results = await runConformanceDir(SUITE_DIR);
    const failures = results.filter((r) => r.status !== 'pass').map((r) => `${r.status} ${r.name}: ${r.detail}`);
    expect(failures, failures.join('\n')).toEqual([]);
    expect(results).toHaveLength(313);
  });

  it.each([
    [1, 150],
    [2, 141],
    [3, 59],
  ] as const)('at cpu v%i skips the newer tests and fails none', async (cpuVersion, skipped) => {
    const n = countResults(await runConformanceDir(SUITE_DIR, { cpuVersion }));
    expect(n).toEqual({ pass: 313 - skipped, fail: 0, skip: skipped });
  });

  it('skips only callx.data without callx', async () => {
    const results = await runConformanceDir(SUITE_DIR, { includeCallx: false });
    expect(results.filter((r) => r.status === 'skip').map((r) => [r.name, r.detail])).toEqual([
      ['callx.data', 'needs conformance group callx'],
    ]);
  });
});

describe('runDataText verdicts', () => {
  it('reports a planted wrong -- result as a failure', () => {
    const text = suiteText('add.data').replace(/-- result\n.*/, '-- result\n0x4');
    expect(runDataText(text, 'add.data')).toEqual({ name: 'add.data', status: 'fail', detail: 'returned 0x3, expected 0x4' });
  });

  it('compares all 64 bits of r0', () => {
    const r = runDataText('-- asm\nlddw %r0, 0x100000001\nexit\n-- result\n0x1\n', 't');
    expect(r.status).toBe('fail');
  });

  it('passes an expected error only when the program fails', () => {
    const faulting = '-- asm\nldxdw %r0, [%r1+64]\nexit\n-- error\nout of bounds\n';
    expect(runDataText(faulting, 't').status).toBe('pass');
    const fine = '-- asm\nmov %r0, 1\nexit\n-- error\nout of bounds\n';
    expect(runDataText(fine, 't')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/expected an error .* returned 0x1/) });
  });

  it('reports a fault when a result was expected', () => {
    const r = runDataText('-- asm\nldxdw %r0, [%r1+64]\nexit\n-- result\n0\n', 't');
    expect(r).toMatchObject({ status: 'fail', detail: expect.stringMatching(/at pc 0: .*expected 0x0/) });
  });

  it('names the file line of an assembly error', () => {
    const r = runDataText('# header\n-- asm\nmov %r0, 1\nbogus %r0\nexit\n-- result\n0\n', 'x.data');
    expect(r).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^line 4: unknown mnemonic "bogus"/) });
  });

  it('runs the -- raw words in preference to the asm', () => {
    const r = runDataText('-- asm\nmov %r0, 1\nexit\n-- raw\n0x00000002000000b7\n0x0000000000000095\n-- result\n0x2\n', 't');
    expect(r.status).toBe('pass');
  });

  it('skips a test with neither result nor error, and one above the cpu version', () => {
    expect(runDataText('-- asm\nexit\n', 't').status).toBe('skip');
    const v4 = runDataText('-- asm\nmov %r0, 0\nja32 +0\nexit\n-- result\n0\n', 't', { cpuVersion: 3 });
    expect(v4).toEqual({ name: 't', status: 'skip', detail: 'needs cpu v4 (running v3)' });
  });

  it('runs the unwind helper as uBPF does: a zero return ends the program with r0 = 0', () => {
    expect(runDataText('-- asm\nmov %r1, 0\ncall 5\nmov %r0, 7\nexit\n-- result\n0\n', 't').status).toBe('pass');
    expect(runDataText('-- asm\nmov %r1, 3\ncall 5\nexit\n-- result\n3\n', 't').status).toBe('pass');
  });
});

describe('required cpu version and groups', () => {
  const need = (text: string) => instructionNeed(assemble(text)[0]);
  it.each<[string, number, string]>([
    ['mov %r0, 1', 1, 'base64'],
    ['add32 %r0, 1', 1, 'base32'],
    ['mul %r0, 2', 1, 'divmul64'],
    ['sdiv32 %r0, 2', 4, 'divmul32'],
    ['jlt %r0, 1, +0', 2, 'base64'],
    ['jeq32 %r0, 1, +0', 3, 'base32'],
    ['ja32 +0', 4, 'base32'],
    ['lock add [%r1], %r2', 3, 'atomic64'],
    ['lock xchg32 [%r1], %r2', 3, 'atomic32'],
    ['call local +0', 3, 'base32'],
    ['call %r1', 1, 'callx'],
    ['movsx864 %r0, %r1', 4, 'base64'],
    ['bswap16 %r0', 4, 'base32'],
    ['le64 %r0', 1, 'base64'],
    ['ldxsb %r0, [%r1]', 4, 'base32'],
    ['ldabsb 1', 1, 'packet'],
  ])('%s needs v%i %s', (text, cpu, group) => {
    expect(need(text)).toEqual({ cpu, group });
  });

  it('ignores the second lddw slot and unknown instructions', () => {
    const req = programRequirement(assemble('lddw %r0, 0xdc\n.insn 0xff\nexit'));
    expect(req).toEqual({ cpuVersion: 1, groups: new Set(['base64', 'base32']) });
  });
});

describe('conformanceCommand', () => {
  it('reports the whole suite passing', async () => {
    const { exitCode, report } = await conformanceCommand(SUITE_DIR, {});
    expect(report).toBe('313 passed, 0 failed, 0 skipped\n');
    expect(exitCode).toBe(0);
  });

  it('honours --no-callx and --cpu-version', async () => {
    expect((await conformanceCommand(SUITE_DIR, { includeCallx: false })).report).toBe('312 passed, 0 failed, 1 skipped\n');
    expect((await conformanceCommand(SUITE_DIR, { cpuVersion: 2, jobs: 4 })).report).toBe('172 passed, 0 failed, 141 skipped\n');
  });

  it('prints one line per failure and exits 1', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dpsim-conf-'));
    copyFileSync(path.join(SUITE_DIR, 'exit.data'), path.join(dir, 'exit.data'));
    writeFileSync(path.join(dir, 'wrong.data'), suiteText('add.data').replace(/-- result\n.*/, '-- result\n0x4'));
    const { exitCode, report } = await conformanceCommand(dir);
    expect(report).toBe('FAIL wrong.data: returned 0x3, expected 0x4\n1 passed, 1 failed, 0 skipped\n');
    expect(exitCode).toBe(1);
  });

  it('exits 3 for a bad directory or option', async () => {
    expect(await conformanceCommand('/nonexistent/dir')).toEqual({ exitCode: 3, report: '/nonexistent/dir: not a directory\n' });
    const empty = mkdtempSync(path.join(tmpdir(), 'dpsim-conf-'));
    expect((await conformanceCommand(empty)).exitCode).toBe(3);
    expect((await conformanceCommand(SUITE_DIR, { cpuVersion: 5 })).exitCode).toBe(3);
    expect((await conformanceCommand(SUITE_DIR, { jobs: 0 })).exitCode).toBe(3);
  });
});
