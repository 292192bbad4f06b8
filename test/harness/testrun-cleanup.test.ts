// Nothing outlives a KernelTestRun: not the helper, not its programs and maps, no pins —
// after close() and after the Node process that owned it is killed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import { KernelTestRun } from '../../harness/testrun.js';
import { kernelTest } from '../../harness/skip.js';
import { compileFixture } from './fixtures.js';
import { bpfIdsOf, dpsimPins, expectReleased, processGone } from './leaks.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const childScript = fileURLToPath(new URL('./sigint-child.ts', import.meta.url));

/** Starts the child script under tsx and resolves with its helper's pid once loaded. */
function startChild(obj: string): Promise<{ child: ReturnType<typeof spawn>; helperPid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, obj], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /helper (\d+)\n/.exec(out);
      if (m) resolve({ child, helperPid: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before loading: ${err}`)));
  });
}

describe('KernelTestRun cleanup', () => {
  kernelTest('close() ends the helper and frees its programs and maps; nothing is pinned', async () => {
    const pinsBefore = dpsimPins();
    const kt = await KernelTestRun.open(await compileFixture('testrun_fixture'));
    await kt.load();
    await kt.run('fixture_main', new Uint8Array(64)); // sets up ring/perf readers too
    const pid = kt.pid!;
    const held = bpfIdsOf(pid);
    expect(held.progs.length).toBeGreaterThanOrEqual(4);
    expect(held.maps.length).toBeGreaterThanOrEqual(8);
    expect(dpsimPins()).toEqual(pinsBefore);
    await kt.close();
    await kt.close(); // twice is harmless
    expect(processGone(pid)).toBe(true);
    await expectReleased(pid, held);
    expect(dpsimPins()).toEqual(pinsBefore);
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    kernelTest(`killing the owning Node process with ${signal} ends the helper`, async () => {
      const obj = await compileFixture('testrun_fixture');
      const { child, helperPid } = await startChild(obj);
      const held = bpfIdsOf(helperPid);
      expect(held.progs.length).toBeGreaterThanOrEqual(4);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
      await expectReleased(helperPid, held);
    }, 30_000);
  }
});
