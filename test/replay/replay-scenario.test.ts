// replayScenario: frames injected into the emulated topology of scenarios/default.yaml, one
// output capture per observation point, written as the emulator's steps finish.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EmuBackend } from '../../src/backends/emu.js';
import { replayScenario, parsePoint } from '../../src/replay/replay-scenario.js';
import { pointFileName } from '../../src/replay/point-captures.js';
import { ReplayError } from '../../src/replay/errors.js';
import { REPO, defaultPlan, patternFrames } from './capture-gen.js';
import { field, readBack, tmp, truncateLastRecord, writePcap } from './helpers.js';

const dir = tmp('replay-scenario');
let capture = '';

beforeAll(async () => {
  execFileSync('make', ['-s', '-C', resolve(REPO, 'bpf')]);
  capture = join(dir, 'pattern.pcap');
  await writePcap(capture, patternFrames(4)); // 12 frames from frontend: world, api-1, api-2
});

describe('--at PLACE/DEVICE:DIRECTION', () => {
  it('parses places with a colon (pod:frontend) and refuses anything else', () => {
    expect(parsePoint('pod:frontend/eth0:egress')).toEqual({ place: 'pod:frontend', device: 'eth0', direction: 'egress' });
    expect(parsePoint('node1/lxcfrontend:ingress')).toEqual({ place: 'node1', device: 'lxcfrontend', direction: 'ingress' });
    for (const bad of ['node1', 'node1/lxc', 'node1/lxc:sideways', '/eth0:egress']) expect(() => parsePoint(bad)).toThrow(ReplayError);
  });

  it('names output files after their point', () => {
    expect(pointFileName('pod:frontend/eth0:egress')).toBe('pod_frontend_eth0_egress.pcap');
  });
});

describe('replay into the emulated topology', () => {
  it('writes a capture per observation point, in steps of --batch frames, and counts the datapath drops', async () => {
    const out = join(dir, 'out');
    const backend = new EmuBackend();
    const r = await replayScenario({ file: capture, plan: defaultPlan(), at: parsePoint('pod:frontend/eth0:egress'), loop: 1, outDir: out, batch: 5, backend });
    expect([r.packets, r.steps, r.notSent]).toEqual([12, 3, 0]);
    expect(backend.topology).toBeNull(); // torn down
    const files = readdirSync(out).sort();
    expect(files).toEqual(r.outputs!.map((o) => pointFileName(o.point)).sort());
    for (const o of r.outputs!) expect(readBack(o.path)).toHaveLength(r.points.get(o.point)!);
    // Every frame leaves the pod and enters node1's lxc; the ones for api-2 go out over VXLAN.
    expect(r.points.get('pod:frontend/eth0:egress')).toBe(12);
    expect(r.points.get('node1/lxcfrontend:ingress')).toBe(12);
    expect(readBack(join(out, 'node1_vxlan0_egress.pcap')).map((p) => field(p.data, 'ip.dst'))).toEqual(Array(4).fill('10.244.2.10'));
    expect([...r.drops.values()].map((d) => [d.node, d.reason, d.count]).sort()).toEqual([['node1', 133, 4], ['node2', 133, 4]]);
    // Times are the capture's first timestamp plus the emulator's time since the run started.
    const first = readBack(join(out, 'pod_frontend_eth0_egress.pcap'))[0]!;
    expect(first.timestamp.seconds).toBe(1_700_000_000);
  });

  it('--limit and --loop bound the frames; a damaged capture stops after what could be read', async () => {
    const looped = await replayScenario({ file: capture, plan: defaultPlan(), at: parsePoint('pod:frontend/eth0:egress'), loop: 3, limit: 30 });
    expect(looped.packets).toBe(30);
    expect(looped.outputs).toBeUndefined();
    const damaged = join(dir, 'damaged.pcap');
    truncateLastRecord(capture, damaged);
    const r = await replayScenario({ file: damaged, plan: defaultPlan(), at: parsePoint('pod:frontend/eth0:egress'), loop: 1 });
    expect(r.packets).toBe(11);
    expect(r.damaged?.packetsRead).toBe(11);
  });

  it('a device the place does not have is bad input', async () => {
    await expect(replayScenario({ file: capture, plan: defaultPlan(), at: parsePoint('node1/nosuch:egress'), loop: 1 })).rejects.toThrow(/no device nosuch in node1/);
  });
});
