// A 1,000,000-packet capture through bpf_lxc.o's cil_from_container with `dpsim replay`, as a
// child process: the summary counts, the output captures, the progress bar, and peak RSS
// (VmHWM, printed by --stats) that does not grow with the capture: 1M packets within 64 MiB of
// 100k. RSS also moves with V8's young generation, which grows over a run whatever it keeps, so
// the 1M run is done a second time with the old generation capped at 64 MiB: a leak of 70 bytes
// a packet would not fit. Prints the VM-only rate for the project's closing note. About 100 s
// on a 2-CPU box.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pcapInfo } from '../../src/pcap/index.js';
import { LXC, REPO, expectedCounts, writeCapture, writeLxcState } from './capture-gen.js';
import { tmp } from './helpers.js';

const dir = tmp('replay-million');
let state: ReturnType<typeof writeLxcState>;

beforeAll(async () => {
  execFileSync('make', ['-s', '-C', resolve(REPO, 'bpf')]);
  state = writeLxcState(dir);
  await writeCapture(join(dir, '100k.pcap'), 100_000);
  await writeCapture(join(dir, '1m.pcap'), 1_000_000);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI as a child process (asynchronously, so this worker stays responsive). */
function replay(args: string[], nodeOptions = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${nodeOptions}`.trim() };
    const child = spawn(process.execPath, [resolve(REPO, 'bin/dpsim.js'), 'replay', ...args], { cwd: REPO, env });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function run(name: string, packets: number, progress: string, nodeOptions = '') {
  const out = join(dir, `out-${name}`);
  const r = await replay([
    join(dir, `${name}.pcap`), '--prog', `${LXC}:cil_from_container`, '--maps', state.maps, '--globals', state.globals, '--ctx', state.ctx,
    '--out', out, '-q', '-j', '--stats', '--progress', progress,
  ], nodeOptions);
  expect(r.code, r.stderr.slice(-2000)).toBe(0);
  const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!).summary;
  const third = expectedCounts(packets);
  expect(summary).toMatchObject({
    packets, bytes: packets * 47, ...third, other: 0, refused: 0, faults: 0, skipped: 0,
    drop_reasons: { 133: third.dropped }, redirect_targets: { [state.vxlanIfindex]: third.redirected },
  });
  expect((await pcapInfo(join(out, 'passed.pcap'))).packetCount).toBe(third.passed);
  expect((await pcapInfo(join(out, 'dropped.pcap'))).packetCount).toBe(third.dropped);
  expect((await pcapInfo(join(out, `redirect-${state.vxlanIfindex}.pcap`))).packetCount).toBe(third.redirected);
  return { summary, stderr: r.stderr };
}

describe('replaying a million packets', () => {
  it('runs in constant memory with progress, and reports the VM-only rate', async () => {
    const small = await run('100k', 100_000, 'auto'); // not a terminal: plain progress lines
    const big = await run('1m', 1_000_000, 'bar');
    const mib = (kib: number) => (kib / 1024).toFixed(1);
    console.log(
      `[dpsim] replay, VM only, cil_from_container: ${Math.round(big.summary.pps)} packets/s over 1M packets ` +
      `(${Math.round(small.summary.pps)} over 100k); peak RSS ${mib(big.summary.peak_rss_kib)} MiB for 1M, ${mib(small.summary.peak_rss_kib)} MiB for 100k`,
    );
    // Peak RSS follows V8's heap sizing, which varies with load (CI saw 37–94 MiB between the
    // two runs); the strict check of constant memory is the capped run below.
    expect(big.summary.peak_rss_kib - small.summary.peak_rss_kib).toBeLessThan(128 * 1024);
    // The bar: redrawn in place, by how far into the file the reading is, ending at 100%.
    expect(big.stderr).toMatch(/\r\[=+> *\] \d+ packets \([1-9]\d%\), \d+ pps, ETA \d+ s/);
    expect(big.stderr).toContain('1000000 packets (100%)');
    if (small.summary.seconds > 2.5) expect(small.stderr).toMatch(/^replay: \d+ packets \(\d+%\), \d+ pps(, ETA \d+ s)?$/m);
    // The same million with the old generation capped: what the replay keeps must stay under 64 MiB.
    const capped = await run('1m', 1_000_000, 'none', '--max-old-space-size=64');
    expect(capped.stderr).toBe('');
  }, 240_000);
});
