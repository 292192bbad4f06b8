// `dpsim prog run` gives the same retval and data_out as `bpftool prog run` on the same object
// and input, for every example program in bpf/examples (the VM issue's done-when). Programs are
// pinned under /sys/fs/bpf/dpsim-<random>/ and removed afterwards.
import { describe, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { kernelTest } from '../../harness/skip.js';
import { dpsim, REPO } from './run-cli.js';
import { udpFrame } from '../../src/packet/build.js';
import { parseObjectSpec } from '../../src/elf/index.js';

const EXAMPLES = readdirSync(resolve(REPO, 'bpf/examples')).filter((f) => f.endsWith('.c')).map((f) => f.replace(/\.c$/, '')).sort();
const tmp = mkdtempSync(join(tmpdir(), 'dpsim-bpftool-'));
const pinRoot = `/sys/fs/bpf/dpsim-bpftool-${randomBytes(3).toString('hex')}`;
const dataIn = join(tmp, 'in.bin');

beforeAll(() => {
  spawnSync('make', ['-s', '-C', resolve(REPO, 'bpf')]);
  writeFileSync(dataIn, udpFrame({ ttl: 9 }));
  if (existsSync('/sys/fs/bpf')) mkdirSync(pinRoot, { recursive: true }); // bpftool creates only the last level
});
afterAll(() => {
  rmSync(pinRoot, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

function bpftoolRun(pin: string): { retval: number; dataOut: Buffer } {
  const out = join(tmp, 'kernel.out');
  // On CPU 0, where the VM runs by default (a program may write bpf_get_smp_processor_id()).
  const r = spawnSync('taskset', ['-c', '0', 'bpftool', 'prog', 'run', 'pinned', pin, 'data_in', dataIn, 'data_out', out, 'repeat', '1'], { encoding: 'utf8' });
  const m = /Return value: (\d+)/.exec(r.stdout);
  if (!m) throw new Error(`bpftool prog run ${pin}: ${r.stdout}${r.stderr}`);
  return { retval: Number(m[1]), dataOut: readFileSync(out) };
}

describe('dpsim prog run agrees with bpftool prog run', () => {
  for (const name of EXAMPLES) {
    kernelTest(`${name}.o: every tc program, same retval and data_out`, () => {
      const obj = resolve(REPO, 'bpf/build', `${name}.o`);
      const spec = parseObjectSpec(readFileSync(obj), obj);
      const dir = join(pinRoot, name);
      const load = spawnSync('bpftool', ['prog', 'loadall', obj, dir, 'type', 'classifier'], { encoding: 'utf8' });
      expect(load.status, load.stderr).toBe(0);
      const progs = spec.programs.filter((p) => p.type === 'sched_cls');
      expect(progs.length).toBeGreaterThan(0);
      for (const p of progs) {
        const pin = join(dir, p.name);
        expect(existsSync(pin), `pinned ${pin}`).toBe(true);
        const kernel = bpftoolRun(pin);
        const out = join(tmp, 'vm.out');
        const r = dpsim(['prog', 'run', obj, p.name, 'data_in', dataIn, 'data_out', out, '-j']);
        expect(r.code, r.stderr).toBe(0);
        const vm = JSON.parse(r.stdout) as { retval: number };
        expect({ prog: p.name, retval: vm.retval, dataOut: readFileSync(out).toString('hex') })
          .toEqual({ prog: p.name, retval: kernel.retval, dataOut: kernel.dataOut.toString('hex') });
      }
      rmSync(dir, { recursive: true, force: true });
    }, 120_000);
  }
});
