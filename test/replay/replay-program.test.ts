// replayProgram on the VM: verdicts counted, output captures holding what the program left,
// map state and the virtual clock carried across packets, --limit/--loop, damage, refusals.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadObjectSpec } from '../../src/elf/index.js';
import { openEngines, type BackendChoice } from '../../src/replay/engines.js';
import { globalPatches } from '../../src/replay/globals.js';
import { replayProgram, type ProgramReplayOptions } from '../../src/replay/replay-program.js';
import type { PacketReport } from '../../src/replay/report.js';
import { udpFrame } from '../../src/packet/build.js';
import { LinkType } from '../../src/pcap/index.js';
import { LXC, REPO, patternFrames, writeLxcState, expectedCounts, defaultPlan } from './capture-gen.js';
import { field, readBack, tmp, truncateLastRecord, writePcap, writePcapng } from './helpers.js';

const TTL = resolve(REPO, 'bpf/build/ttl_rewrite.o');
const dir = tmp('replay-lib');
let state: ReturnType<typeof writeLxcState>;
let nine = '';

beforeAll(async () => {
  execFileSync('make', ['-s', '-C', resolve(REPO, 'bpf')]);
  state = writeLxcState(dir);
  nine = join(dir, 'nine.pcap');
  await writePcap(nine, patternFrames(3));
});

async function lxcEngines(backend: BackendChoice = 'emu') {
  const spec = await loadObjectSpec(LXC);
  const ctx = new Uint8Array(192);
  new DataView(ctx.buffer).setUint32(36, JSON.parse(readFileSync(state.ctx, 'utf8')).ingress_ifindex, true);
  return openEngines({
    objPath: LXC, spec, prog: 'cil_from_container', backend, ctx,
    globals: globalPatches(JSON.parse(readFileSync(state.globals, 'utf8')), spec, state.globals),
    maps: JSON.parse(readFileSync(state.maps, 'utf8')),
  });
}

async function replay(o: Omit<ProgramReplayOptions, 'pacing' | 'loop'> & Partial<Pick<ProgramReplayOptions, 'pacing' | 'loop'>>) {
  const reports: PacketReport[] = [];
  const r = await replayProgram({ pacing: { kind: 'capture', multiplier: 1 }, loop: 1, onPacket: (p) => reports.push(p), wantSummary: true, ...o });
  return { ...r, reports };
}

describe('replay through cil_from_container on the VM', () => {
  it('counts passed, redirected and dropped with reason and target, and writes each to its capture as the verdict claims', async () => {
    const out = join(dir, 'out-nine');
    const engines = await lxcEngines();
    const r = await replay({ file: nine, engines, outDir: out });
    expect(r.counts.verdicts).toEqual({ ...expectedCounts(9), other: 0 });
    expect(r.counts.describeDrops()).toBe('POLICY_DENIED (133): 3');
    expect(r.counts.describeRedirects()).toBe(`ifindex ${state.vxlanIfindex}: 3`);
    expect(r.reports.map((p) => p.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.reports[0]!.summary).toMatch(/^IP 10\.244\.1\.10\.20000 > 192\.168\.50\.100\.443: UDP/);
    expect(r.outputs!.map((f) => [f.name, f.packets])).toEqual([['passed', 3], ['dropped', 3], [`redirect-${state.vxlanIfindex}`, 3]]);

    const plan = defaultPlan();
    const ip = (pod: string) => plan.pods.find((p) => p.name === pod)!.ip;
    const dsts = (name: string) => readBack(join(out, name)).map((p) => field(p.data, 'ip.dst'));
    expect(dsts('passed.pcap')).toEqual(Array(3).fill(plan.world[0]!.ip));
    expect(dsts('dropped.pcap')).toEqual(Array(3).fill(ip('api-1')));
    expect(dsts(`redirect-${state.vxlanIfindex}.pcap`)).toEqual(Array(3).fill(ip('api-2')));
    // The capture's timestamps (default pacing): packet i was at 1700000000 s + i µs.
    expect(readBack(join(out, 'dropped.pcap')).map((p) => p.timestamp.nanos)).toEqual([1000, 4000, 7000]);
  });

  it('carries map state across packets: the conntrack entry of a flow is created once and then counted', async () => {
    const engines = await lxcEngines();
    const f = join(dir, 'same-flow.pcap');
    await writePcap(f, Array(5).fill(patternFrames(1)[0]!));
    await replay({ file: f, engines });
    const ct = engines.obj.map('cilium_ct4_global').dump() as unknown as { value: { packets: number } }[];
    expect(ct.map((e) => e.value.packets)).toEqual([5]);
  });

  it("advances the VM's clock by the pacing in virtual time, never sleeping", async () => {
    const engines = await lxcEngines();
    const start = engines.emu!.startNs;
    const t0 = performance.now();
    const r = await replay({ file: nine, engines, pacing: { kind: 'pps', pps: 0.001 } }); // 1000 s apart
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(engines.obj.env.clockNs - start).toBe(8000n * 1_000_000_000n);
    expect(r.counts.virtualNs).toBe(8000e9);
  });

  it('--limit stops after N packets; --loop replays the capture again, numbering on', async () => {
    const engines = await lxcEngines();
    const limited = await replay({ file: nine, engines, limit: 4 });
    expect(limited.counts.packets).toBe(4);
    expect(limited.reports.map((p) => p.number)).toEqual([1, 2, 3, 4]);
    const looped = await replay({ file: nine, engines: await lxcEngines(), loop: 3, outDir: join(dir, 'out-loop') });
    expect(looped.counts.packets).toBe(27);
    expect(looped.counts.verdicts).toEqual({ ...expectedCounts(27), other: 0 });
    expect(readBack(join(dir, 'out-loop', 'passed.pcap'))).toHaveLength(9);
    const both = await replay({ file: nine, engines: await lxcEngines(), loop: 3, limit: 20 });
    expect(both.counts.packets).toBe(20);
    expect(both.reports.at(-1)!.number).toBe(20);
  });

  it('a capture damaged mid-record: the packets before the damage are replayed and written, then the damage is reported', async () => {
    const damaged = join(dir, 'damaged.pcap');
    truncateLastRecord(nine, damaged);
    const out = join(dir, 'out-damaged');
    const r = await replay({ file: damaged, engines: await lxcEngines(), outDir: out });
    expect(r.damaged?.packetsRead).toBe(8);
    expect(r.counts.packets).toBe(8);
    expect(readBack(join(out, 'passed.pcap')).length + readBack(join(out, 'dropped.pcap')).length).toBe(6);
  });
});

describe('replay through ttl_rewrite: the output holds the packet as the program left it', () => {
  it('passed packets come out with the TTL decremented and a valid checksum; TTL 1 is dropped unchanged', async () => {
    const f = join(dir, 'ttl.pcap');
    await writePcap(f, [udpFrame({ ttl: 64 }), udpFrame({ ttl: 1 }), udpFrame({ ttl: 9 })]);
    const out = join(dir, 'out-ttl');
    const r = await replay({ file: f, engines: await openEngines({ objPath: TTL, spec: await loadObjectSpec(TTL), prog: 'ttl_rewrite', backend: 'emu' }), outDir: out });
    expect(r.reports.map((p) => p.action)).toEqual(['TC_ACT_OK', 'TC_ACT_SHOT', 'TC_ACT_OK']);
    const passed = readBack(join(out, 'passed.pcap'));
    expect(passed.map((p) => field(p.data, 'ip.ttl'))).toEqual(['63', '8']);
    expect(passed.map((p) => Buffer.from(p.data).equals(Buffer.from(udpFrame({ ttl: p.data[22]! }))))).toEqual([true, true]);
    expect(readBack(join(out, 'dropped.pcap')).map((p) => Buffer.from(p.data).equals(Buffer.from(udpFrame({ ttl: 1 }))))).toEqual([true]);
  });

  it('a frame too short for a test run is refused (as the kernel answers EINVAL); a link type with no Ethernet form is skipped', async () => {
    const f = join(dir, 'odd.pcapng');
    const ts = { seconds: 1, nanos: 0 };
    await writePcapng(f, [
      { linkType: LinkType.ETHERNET, timestamp: ts, data: new Uint8Array(10) },
      { linkType: 105, timestamp: ts, data: new Uint8Array(40) }, // 802.11
      { linkType: LinkType.ETHERNET, timestamp: ts, data: udpFrame() },
    ]);
    const r = await replay({ file: f, engines: await openEngines({ objPath: TTL, spec: await loadObjectSpec(TTL), prog: 'ttl_rewrite', backend: 'emu' }), outDir: join(dir, 'out-odd') });
    expect([r.counts.refused, r.counts.skipped, r.counts.verdicts.passed]).toEqual([1, 1, 1]);
    expect(r.reports[0]!.outcome!.refused!.errno).toBe(22);
    expect(r.reports[1]!.outcome).toBeUndefined();
    expect(existsSync(join(dir, 'out-odd', 'other.pcap'))).toBe(false);
  });
});
