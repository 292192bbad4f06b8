// The CLI's contract: bpftool-compatible output, the exit-code convention, JSON keys.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { dpsim, REPO } from './run-cli.js';
import { udpFrame } from '../../src/packet/build.js';
import { internetChecksum } from '../../src/packet/csum.js';

const tmp = mkdtempSync(join(tmpdir(), 'dpsim-cli-'));
const OBJ = resolve(REPO, 'bpf/build/ttl_rewrite.o');
const SUITE = resolve(REPO, '../shared/bpf_conformance/tests');

beforeAll(() => {
  execFileSync('make', ['-s', '-C', resolve(REPO, 'bpf')]);
});

describe('dpsim prog run', () => {
  const packet = udpFrame({ ttl: 64 });
  const dataIn = join(tmp, 'in.bin');
  writeFileSync(dataIn, packet);

  it('prints bpftool\'s result line and writes data_out', () => {
    const out = join(tmp, 'out.bin');
    const r = dpsim(['prog', 'run', OBJ, 'ttl_rewrite', 'data_in', dataIn, 'data_out', out, 'repeat', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Return value: 0, duration \(average\): \d+ns$/m);
    const got = readFileSync(out);
    expect(got[14 + 8]).toBe(61); // TTL decremented once per repeat, like the kernel's test run
    expect(internetChecksum(got.subarray(14, 34))).toBe(0); // header checksum still valid
  });

  it('-j gives one JSON object with the documented keys', () => {
    const r = dpsim(['prog', 'run', OBJ, 'ttl_rewrite', 'data_in', dataIn, '-j']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ['retval', 'data_out', 'ctx_out', 'duration', 'redirect', 'events', 'fault']) expect(j).toHaveProperty(k);
    expect(j.retval).toBe(0);
    expect(typeof j.data_out).toBe('string');
    expect(Buffer.from(j.data_out, 'hex')[22]).toBe(63);
  });

  it('--engine chooses the engine (wasm by default); the same result on both', () => {
    const def = JSON.parse(dpsim(['prog', 'run', OBJ, 'ttl_rewrite', 'data_in', dataIn, '-j']).stdout);
    const interp = JSON.parse(dpsim(['prog', 'run', OBJ, 'ttl_rewrite', 'data_in', dataIn, '-j', '--engine', 'interp']).stdout);
    const wasm = JSON.parse(dpsim(['--engine', 'wasm', 'prog', 'run', OBJ, 'ttl_rewrite', 'data_in', dataIn, '-j']).stdout);
    expect([def.engine, interp.engine, wasm.engine]).toEqual(['wasm', 'interp', 'wasm']);
    for (const k of ['retval', 'data_out', 'insn_count', 'fault']) expect(wasm[k]).toEqual(interp[k]);
    expect(dpsim(['prog', 'run', OBJ, 'ttl_rewrite', 'data_in', dataIn, '--engine', 'jit']).code).toBe(3);
  });

  it('--trace prints instructions with C lines on stderr', () => {
    const r = dpsim(['prog', 'run', OBJ, 'ttl_rewrite', 'data_in', dataIn, '--trace']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/ttl_rewrite\.c:\d+: .*skb->data/);
    expect(r.stderr).toMatch(/call bpf_l3_csum_replace\(.*\) = 0/);
  });

  it('exit 3 on usage errors and bad input, naming what is wrong', () => {
    expect(dpsim(['prog', 'run', OBJ]).code).toBe(3);
    expect(dpsim(['prog', 'run', OBJ, 'ttl_rewrite']).stderr).toContain('data_in');
    const nope = dpsim(['prog', 'run', OBJ, 'no_such_prog', 'data_in', dataIn]);
    expect(nope.code).toBe(3);
    expect(nope.stderr).toContain('ttl_rewrite');
    const short = join(tmp, 'short.bin');
    writeFileSync(short, Buffer.alloc(10));
    const s = dpsim(['prog', 'run', OBJ, 'ttl_rewrite', 'data_in', short]);
    expect(s.code).toBe(3);
    expect(s.stderr).toContain('EINVAL');
    const notElf = join(tmp, 'not.o');
    writeFileSync(notElf, 'hello');
    const e = dpsim(['prog', 'list', notElf]);
    expect(e.code).toBe(3);
    expect(e.stderr).toContain(notElf);
    expect(dpsim(['no-such-command']).code).toBe(3);
  });

  it('prog list and prog dump show the program with its C source', () => {
    expect(dpsim(['prog', 'list', OBJ]).stdout).toMatch(/ttl_rewrite\s+section tc\s+type sched_cls/);
    const d = dpsim(['prog', 'dump', OBJ, 'ttl_rewrite']);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/; .*bpf_l3_csum_replace\(skb, IP_CSUM_OFF, old, new, sizeof\(__u16\)\);/);
    expect(d.stdout).toMatch(/call bpf_l3_csum_replace#10/);
  });
});

describe('dpsim conformance', () => {
  it.runIf(existsSync(SUITE))('passes the whole bpf_conformance suite at v4 with callx', () => {
    const r = dpsim(['conformance', SUITE]);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('313 passed, 0 failed, 0 skipped');
    expect(r.code).toBe(0);
  });

  it('exits 1 when a test fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpsim-conf-'));
    writeFileSync(join(dir, 'wrong.data'), '-- asm\nmov %r0, 1\nexit\n-- result\n0x2\n');
    const r = dpsim(['conformance', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('wrong');
  });

  it('the plugin prints r0 in hex for a program on stdin', () => {
    // mov r0, r2 (memory length); exit
    const prog = 'bf 20 00 00 00 00 00 00 95 00 00 00 00 00 00 00';
    const r = dpsim(['conformance-plugin', '01 02 03 04 05'], prog);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('5');
  });
});

describe('dpsim run (emulator)', () => {
  it('runs the default scenario on either engine with the same outcome, the summary naming the engine', () => {
    const wasm = dpsim(['run', 'scenarios/default.yaml', '--backend', 'emu']);
    const interp = dpsim(['run', 'scenarios/default.yaml', '--backend', 'emu', '--engine', 'interp']);
    expect(wasm.code, wasm.stderr).toBe(0);
    expect(interp.code, interp.stderr).toBe(0);
    expect(wasm.stdout).toMatch(/^emu \(VM engine wasm\): setup \d+ ms/m);
    expect(interp.stdout).toMatch(/^emu \(VM engine interp\): setup \d+ ms/m);
    // every step line (replies, delivery, drops, verdict) is the same on both engines
    const steps = (out: string) => out.split('\n').filter((l) => l.startsWith('step ') || l.startsWith('  emu'));
    expect(steps(wasm.stdout)).toEqual(steps(interp.stdout));
    expect(wasm.stdout).toContain('all expectations hold');
  });
});
