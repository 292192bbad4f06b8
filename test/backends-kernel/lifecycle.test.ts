// The backend's life outside the happy path: no root (BackendUnavailable, CLI exit 4), a
// set-up that fails half way, Ctrl-C in the middle of a step. Each must leave nothing.

import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect } from 'vitest';
import { kernelTest } from '../../harness/skip.js';
import { KernelBackend } from '../../src/backends/kernel.js';
import { leftoversOf } from '../netns/helpers.js';
import { testPlan } from './plan.js';
import { alive } from './procs.js';
import { unprivilegedNode, AS_NOBODY } from '../support/unprivileged.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const exec = promisify(execFile);

/** A run id nobody uses now (teardown frees it again). */
function freeRunId(): string {
  for (;;) {
    const id = randomBytes(2).toString('hex');
    if (!existsSync(`/run/dpsim-${id}.owner`) && !existsSync(`/run/netns/dpsim-${id}-ul`)) return id;
  }
}

const { argv: asNobody, env: unprivilegedEnv } = unprivilegedNode();

describe('kernel backend: unavailable, failing, interrupted', () => {
  kernelTest('without root, setup throws BackendUnavailable with the reason and the CLI exits 4', async () => {
    const why = AS_NOBODY ? 'not root \\(loading and test-running eBPF programs needs root\\)' : 'kernel side switched off \\(DPSIM_NO_KERNEL: .*\\)';
    const child = await exec(asNobody[0]!, [...asNobody.slice(1), here('./unavailable-child.ts')], { cwd: repoRoot, env: unprivilegedEnv });
    expect(child.stdout.trim()).toMatch(new RegExp(`^unavailable: ${why}$`));
    const cli = await exec(asNobody[0]!, [...asNobody.slice(1), 'src/cli/main.ts', 'run', '--backend', 'kernel'], { cwd: repoRoot, env: unprivilegedEnv }).catch((e: { code: number; stderr: string }) => e);
    expect('code' in cli ? cli.code : 0).toBe(4);
    expect('stderr' in cli ? cli.stderr : '').toMatch(new RegExp(`kernel backend: ${why}`));
  }, 60_000);

  kernelTest('a set-up that fails half way (an attachment names no program) removes what it built', async () => {
    const plan = await testPlan();
    plan.nodes[1]!.attachments.push({ object: 'bpf_host.o', program: 'no_such_program', device: 'eth0', direction: 'ingress' });
    const runId = freeRunId();
    const backend = new KernelBackend({ runId });
    await expect(backend.setup(plan)).rejects.toThrow(/no_such_program/);
    expect(leftoversOf(runId)).toEqual([]);
    await backend.teardown(); // still harmless
  }, 60_000);

  kernelTest('Ctrl-C mid-step: the signal handler removes the run, with its servers, captures and loaders', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', here('./sigint-child.ts')], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const ready = await new Promise<string[]>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^ready (.*)$/m.exec(out);
        if (m) resolve(m[1]!.split(' '));
      });
      void exited.then(() => reject(new Error(`child exited before ready: ${err}`)));
    });
    const [runId, ...pids] = ready as [string, ...string[]];
    expect(pids.length).toBeGreaterThan(20); // loaders, socat servers, one tcpdump per device and direction
    await new Promise((r) => setTimeout(r, 500)); // inside the ping step
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: null, signal: 'SIGINT' });
    await new Promise((r) => setTimeout(r, 200));
    expect(leftoversOf(runId)).toEqual([]);
    expect(pids.map(Number).filter(alive)).toEqual([]);
  }, 60_000);
});
