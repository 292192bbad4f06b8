// Replays on the kernel (BPF_PROG_TEST_RUN per packet, pipelined) and on both backends
// compared packet by packet and in the final maps, as `dpsim prog diff` compares them.
import { describe, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { kernelTest } from '../../harness/skip.js';
import { loadObjectSpec } from '../../src/elf/index.js';
import { openEngines, type BackendChoice, type Engines } from '../../src/replay/engines.js';
import { globalPatches } from '../../src/replay/globals.js';
import { replayProgram } from '../../src/replay/replay-program.js';
import { LXC, REPO, patternFrames, writeLxcState, expectedCounts } from './capture-gen.js';
import { readBack, tmp, writePcap } from './helpers.js';

const dir = tmp('replay-kernel');
let state: ReturnType<typeof writeLxcState>;
let capture = '';

beforeAll(async () => {
  execFileSync('make', ['-s', '-C', resolve(REPO, 'bpf')]);
  state = writeLxcState(dir);
  capture = join(dir, 'pattern.pcap');
  await writePcap(capture, patternFrames(8)); // 24 packets, 8 flows per destination
});

async function engines(backend: BackendChoice): Promise<Engines> {
  const spec = await loadObjectSpec(LXC);
  const ctx = new Uint8Array(192);
  new DataView(ctx.buffer).setUint32(36, JSON.parse(readFileSync(state.ctx, 'utf8')).ingress_ifindex, true);
  return openEngines({
    objPath: LXC, spec, prog: 'cil_from_container', backend, ctx,
    globals: globalPatches(JSON.parse(readFileSync(state.globals, 'utf8')), spec, state.globals),
    maps: JSON.parse(readFileSync(state.maps, 'utf8')),
  });
}

async function run(e: Engines, out: string, batch = 5) {
  try {
    return await replayProgram({ file: capture, engines: e, loop: 2, pacing: { kind: 'capture', multiplier: 1 }, outDir: join(dir, out), batch });
  } finally {
    await e.close();
  }
}

describe('replay on the kernel', () => {
  kernelTest('--backend kernel: the same verdicts from BPF_PROG_TEST_RUN; redirects go to redirect-unknown.pcap (a test run hides the target)', async () => {
    const r = await run(await engines('kernel'), 'kernel');
    expect(r.counts.verdicts).toEqual({ ...expectedCounts(48), other: 0 });
    expect(r.counts.describeDrops()).toBe('POLICY_DENIED (133): 16');
    expect(r.outputs!.map((f) => [f.name, f.packets])).toEqual([['passed', 16], ['dropped', 16], ['redirect-unknown', 16]]);
    expect(readBack(join(dir, 'kernel', 'redirect-unknown.pcap'))).toHaveLength(16);
  });

  kernelTest('--backend both: every packet and the final maps agree, batches in flight or not', async () => {
    for (const batch of [1, 7]) {
      const r = await run(await engines('both'), `both-${batch}`, batch);
      expect(r.divergences!.count, JSON.stringify(r.divergences!.kept.slice(0, 3))).toBe(0);
      expect(r.counts.verdicts).toEqual({ ...expectedCounts(48), other: 0 });
      expect(r.counts.describeRedirects()).toBe(`ifindex ${state.vxlanIfindex}: 16`);
    }
  });

  kernelTest('--backend both: a difference planted in the VM (its endpoint map emptied) is reported per packet and in the final maps', async () => {
    const e = await engines('both');
    e.obj.map('cilium_lxc').clear();
    const r = await run(e, 'planted');
    expect(r.divergences!.packets).toBe(48); // the VM drops every packet as DROP_INVALID_SIP; the kernel does not
    const fields = new Set(r.divergences!.kept.map((d) => d.field));
    expect(fields.has('retval')).toBe(true);
    expect(r.divergences!.count).toBeGreaterThan(r.divergences!.kept.length); // counted in full, kept bounded
    expect(r.counts.describeDrops()).toBe('INVALID_SOURCE_IP (132): 48');
  });
});
