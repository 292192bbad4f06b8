// Nothing of a run survives it: not after teardown(), not when the owning process gets
// SIGINT mid-run, and after SIGKILL (no handler can run) cleanLeftovers() finds it all.
// Parallel runs get different names.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import { kernelTest } from '../../harness/skip.js';
import { cleanLeftovers } from '../../harness/netns/clean.js';
import { createTestbed } from '../../harness/netns/topology.js';
import { ping } from '../../harness/netns/traffic.js';
import { compileNetnsFixture } from './fixtures.js';
import { leftoversOf, logTimes, twoNodeSpec } from './helpers.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const childScript = fileURLToPath(new URL('./sigint-child.ts', import.meta.url));

interface Child {
  child: ReturnType<typeof spawn>;
  runId: string;
  tcpdumpPid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startChild(obj: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, obj], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    let out = '', err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready ([0-9a-f]{4}) (\d+)\n/.exec(out);
      if (m) resolve({ child, runId: m[1]!, tcpdumpPid: Number(m[2]), exited });
    });
    void exited.then((e) => reject(new Error(`child exited (${e.signal ?? e.code}) before it was ready: ${err}`)));
  });
}

/** Running (not gone, not a zombie). */
function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('netns testbed clean-up', () => {
  kernelTest('teardown removes every namespace, pin, owner file and work folder; twice is harmless', async () => {
    const tb = await createTestbed(twoNodeSpec());
    const loader = await tb.loader('node2');
    await loader.open('obj', await compileNetnsFixture('drop_icmp'));
    await loader.load('obj');
    await loader.attach('obj', 'lxc_ingress', 'eth0', 'egress');
    expect(leftoversOf(tb.runId).length).toBeGreaterThanOrEqual(11); // 8 namespaces, pins, owner, workdir
    const removed = await tb.teardown();
    expect(removed.filter((r) => r.startsWith('netns '))).toHaveLength(8);
    expect(await tb.teardown()).toEqual([]);
    expect(leftoversOf(tb.runId)).toEqual([]);
    logTimes('teardown test', tb.timings);
  });

  kernelTest('SIGINT to the owning process mid-run tears the testbed down, then ends it with SIGINT', async () => {
    const { child, runId, tcpdumpPid, exited } = await startChild(await compileNetnsFixture('drop_icmp'));
    expect(leftoversOf(runId).length).toBeGreaterThan(0);
    expect(alive(tcpdumpPid)).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: null, signal: 'SIGINT' });
    expect(leftoversOf(runId)).toEqual([]);
    expect(alive(tcpdumpPid)).toBe(false);
  }, 30_000);

  kernelTest('after SIGKILL, cleanLeftovers finds the run by its dead owner and removes it', async () => {
    const { child, runId, tcpdumpPid, exited } = await startChild(await compileNetnsFixture('drop_icmp'));
    expect(cleanLeftovers({ runId }).liveRuns).toEqual([runId]); // owner alive: kept
    child.kill('SIGKILL');
    await exited;
    expect(leftoversOf(runId).length).toBeGreaterThan(0);
    const report = cleanLeftovers({ runId });
    expect(report.removed).toEqual(expect.arrayContaining([`netns dpsim-${runId}-ul`, `pins /sys/fs/bpf/dpsim-${runId}`, expect.stringMatching(/^process \d+ \(tcpdump\)/)]));
    expect(leftoversOf(runId)).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(tcpdumpPid)).toBe(false);
  }, 30_000);

  kernelTest('two runs in parallel get different names and do not disturb each other', async () => {
    const [one, two] = await Promise.all([createTestbed(twoNodeSpec({ kernelRouting: true })), createTestbed(twoNodeSpec({ kernelRouting: true }))]);
    try {
      expect(one.runId).not.toBe(two.runId);
      expect(one.namespaces.filter((n) => two.namespaces.includes(n))).toEqual([]);
      await expect(createTestbed({ ...twoNodeSpec(), runId: one.runId })).rejects.toThrow(/in use/);
      const [p1, p2] = await Promise.all([ping(one, 'pod-a', 'pod-d', { count: 2 }), ping(two, 'pod-a', 'pod-d', { count: 2 })]);
      expect([p1.received, p2.received]).toEqual([2, 2]);
    } finally {
      await Promise.all([one.teardown(), two.teardown()]);
    }
    logTimes('parallel run 1', one.timings);
    logTimes('parallel run 2', two.timings);
    expect([...leftoversOf(one.runId), ...leftoversOf(two.runId)]).toEqual([]);
  });
});
