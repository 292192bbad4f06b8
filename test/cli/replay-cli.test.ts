// `dpsim replay`: per-packet verdict lines, the tcpreplay-style summary, output captures that
// hold what their verdict claims, --limit/--loop/--pps, --scenario injection, and every exit
// code: 0 ok, 1 damaged capture, 2 divergence (both), 3 bad input/usage, 4 no kernel.
import { describe, it, expect, beforeAll, vi, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { kernelTest } from '../../harness/skip.js';
import { CliError, EXIT } from '../../src/cli/exit-codes.js';
import { registerReplay } from '../../src/cli/replay.js';
import { LXC, REPO, expectedCounts, patternFrames, writeLxcState } from '../replay/capture-gen.js';
import { field, readBack, tmp, truncateLastRecord, writePcap } from '../replay/helpers.js';
import { dpsim } from './run-cli.js';
import { unprivileged } from '../support/unprivileged.js';

// For the exit-2 test, run in this process: the VM's endpoint map is emptied after the engines
// open, so the VM drops what the kernel forwards.
const plant = vi.hoisted(() => ({ on: false }));
vi.mock('../../src/replay/engines.js', async (original) => {
  const real = await original<typeof import('../../src/replay/engines.js')>();
  return {
    ...real,
    openEngines: async (o: Parameters<typeof real.openEngines>[0]) => {
      const e = await real.openEngines(o);
      if (plant.on) e.obj.map('cilium_lxc').clear();
      return e;
    },
  };
});

const dir = tmp('replay-cli');
chmodSync(dir, 0o755);
let s: ReturnType<typeof writeLxcState>;
let nine = '';
let lxcArgs: string[] = [];

beforeAll(async () => {
  spawnSync('make', ['-s', '-C', resolve(REPO, 'bpf')]);
  s = writeLxcState(dir);
  nine = join(dir, 'nine.pcap');
  await writePcap(nine, patternFrames(3));
  for (const f of [nine, s.maps, s.globals, s.ctx]) chmodSync(f, 0o644);
  lxcArgs = ['--prog', `${LXC}:cil_from_container`, '--maps', s.maps, '--globals', s.globals, '--ctx', s.ctx];
});

const replay = (...args: string[]) => dpsim(['replay', ...args]);
const jsonLines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

describe('dpsim replay --prog: output', () => {
  it('a verdict line per packet (number, tcpdump summary, action and retval, redirect target, drop reason), then the summary', () => {
    const r = replay(nine, ...lxcArgs);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('#1 IP 10.244.1.10.20000 > 192.168.50.100.443: UDP, length 5 -> TC_ACT_OK (0)');
    expect(lines[1]).toBe('#2 IP 10.244.1.10.20000 > 10.244.1.12.8080: UDP, length 5 -> TC_ACT_SHOT (2), drop POLICY_DENIED (133)');
    expect(lines[2]).toBe(`#3 IP 10.244.1.10.20000 > 10.244.2.10.8080: UDP, length 5 -> TC_ACT_REDIRECT (7), redirect to ifindex ${s.vxlanIfindex} (bpf_redirect)`);
    expect(lines[9]).toMatch(/^Actual: 9 packets \(423 bytes\) sent in \d+\.\d{6} seconds$/);
    expect(lines[10]).toMatch(/^Rated: \d+\.\d Bps, \d+\.\d\d Mbps, \d+\.\d\d pps$/);
    expect(r.stdout).toMatch(/Passed packets:\s+3\n/);
    expect(r.stdout).toMatch(/Redirected packets:\s+3 \(ifindex 3: 3\)/);
    expect(r.stdout).toMatch(/Dropped packets:\s+3 \(POLICY_DENIED \(133\): 3\)/);
  });

  it('-j: one JSON line per packet and a summary; the output captures hold the packets their verdict claims', () => {
    const out = join(dir, 'out-json');
    const r = replay(nine, ...lxcArgs, '-j', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    const packets = lines.slice(0, -1), summary = lines.at(-1)!.summary;
    expect(packets).toHaveLength(9);
    expect(summary).toMatchObject({ packets: 9, bytes: 423, ...expectedCounts(9), drop_reasons: { 133: 3 }, redirect_targets: { [s.vxlanIfindex]: 3 } });
    expect(readdirSync(out).sort()).toEqual(['dropped.pcap', 'passed.pcap', `redirect-${s.vxlanIfindex}.pcap`]);
    const byVerdict = (v: string) => packets.filter((p) => p.verdict === v).map((p) => p.packet as number);
    // Each frame of the pattern has its own destination and source port: the capture of a verdict holds exactly
    // the frames reported with it (as the program left them: routed ones have new MACs and TTL, so compare flows).
    const frames = patternFrames(3);
    const flow = (f: Uint8Array) => `${field(f, 'ip.dst')}:${field(f, 'udp.sport')}`;
    const same = (file: string, numbers: number[]) =>
      expect(readBack(join(out, file)).map((q) => flow(q.data))).toEqual(numbers.map((n) => flow(frames[n - 1]!)));
    same('passed.pcap', byVerdict('passed'));
    same('dropped.pcap', byVerdict('dropped'));
    same(`redirect-${s.vxlanIfindex}.pcap`, byVerdict('redirected'));
    expect(packets.find((p) => p.verdict === 'dropped')).toMatchObject({ action: 'TC_ACT_SHOT', retval: 2, drop_reason: 133, drop_reason_desc: 'POLICY_DENIED' });
  });

  it('--engine: the same verdicts on the interpreter and the wasm engine (the default), the summary naming the engine', () => {
    const wasm = replay(nine, ...lxcArgs, '-j');
    const interp = replay(nine, ...lxcArgs, '-j', '--engine', 'interp');
    expect(wasm.code, wasm.stderr).toBe(0);
    expect(interp.code, interp.stderr).toBe(0);
    const [w, i] = [jsonLines(wasm.stdout), jsonLines(interp.stdout)];
    expect(w.at(-1)!.summary.engine).toBe('wasm');
    expect(i.at(-1)!.summary.engine).toBe('interp');
    const verdicts = (lines: Record<string, any>[]) => lines.slice(0, -1).map(({ verdict, action, retval, drop_reason, redirect }) => ({ verdict, action, retval, drop_reason, redirect }));
    expect(verdicts(w)).toEqual(verdicts(i));
    expect(replay(nine, ...lxcArgs, '-q').stdout).toMatch(/Statistics for program cil_from_container \(emu, VM engine wasm\):/);
  });

  it('--limit, --loop, --pps (virtual time: timestamps spaced 1/pps), -q, --stats', () => {
    const out = join(dir, 'out-pps');
    const r = replay(nine, ...lxcArgs, '--loop', '4', '--limit', '30', '--pps', '100', '-q', '-j', '--stats', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines).toHaveLength(1); // -q: only the summary
    expect(lines[0]!.summary).toMatchObject({ packets: 30, ...expectedCounts(30), virtual_seconds: 0.29, pacing: '100 packets/s' });
    expect(lines[0]!.summary.peak_rss_kib).toBeGreaterThan(10_000);
    const times = readBack(join(out, 'passed.pcap')).map((q) => (q.timestamp.seconds - 1_700_000_000) * 1e9 + q.timestamp.nanos);
    expect(times.slice(0, 3)).toEqual([0, 30_000_000, 60_000_000]); // every third packet, 10 ms apart
    // --mbps: 47-byte frames at 0.0376 Mbit/s are 10 ms apart.
    expect(jsonLines(replay(nine, ...lxcArgs, '--mbps', '0.0376', '-q', '-j').stdout)[0]!.summary).toMatchObject({ virtual_seconds: 0.08, pacing: '0.0376 Mbit/s' });
    const looped = jsonLines(replay(nine, ...lxcArgs, '--loop', '2', '-j').stdout);
    expect(looped.slice(0, -1).map((p) => p.packet)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
  });

  it('--progress bar draws on stderr even off a terminal when asked; none prints nothing', () => {
    const bar = replay(nine, ...lxcArgs, '-q', '--progress', 'bar');
    expect(bar.stderr).toMatch(/\r\[=+\] 9 packets \(100%\), \d+ pps\x1b\[K\n$/);
    expect(replay(nine, ...lxcArgs, '-q', '--progress', 'none').stderr).toBe('');
  });
});

describe('dpsim replay: exit codes', () => {
  it('1: a capture damaged mid-record — what was read is replayed and summarised, the damage named', () => {
    const damaged = join(dir, 'damaged.pcap');
    truncateLastRecord(nine, damaged);
    const r = replay(damaged, ...lxcArgs, '-j', '-q', '--out', join(dir, 'out-damaged'));
    expect(r.code).toBe(1);
    expect(jsonLines(r.stdout)[0]!.summary).toMatchObject({ packets: 8, ...expectedCounts(8), damaged: expect.stringContaining('truncated record body') });
    expect(r.stderr).toContain('after 8 packets');
    expect(readBack(join(dir, 'out-damaged', 'passed.pcap'))).toHaveLength(3);
  });

  it('3: bad input and usage, naming what is wrong', () => {
    const notJson = join(dir, 'bad.json');
    writeFileSync(notJson, '{"cilium_lxc": ');
    const unknownMap = join(dir, 'unknown-map.json');
    writeFileSync(unknownMap, '{"no_such_map": []}');
    const badGlobal = join(dir, 'bad-global.json');
    writeFileSync(badGlobal, '{".rodata": {"no_such_var": 1}}');
    const prog = `${LXC}:cil_from_container`;
    const cases: [string[], RegExp][] = [
      [[join(dir, 'nope.pcap'), '--prog', prog], /no such file/],
      [[s.maps, '--prog', prog], /not a pcap or pcapng file/],
      [[nine], /exactly one of --prog/],
      [[nine, '--prog', prog, '--scenario', 'scenarios/default.yaml'], /exactly one of --prog/],
      [[nine, '--prog', LXC], /expected OBJ:PROG/],
      [[nine, '--prog', `${join(dir, 'none.o')}:x`], /none\.o/],
      [[nine, '--prog', `${LXC}:no_such_prog`], /no_such_prog/],
      [[nine, ...lxcArgs.slice(0, 2), '--maps', notJson], /not valid JSON/],
      [[nine, ...lxcArgs.slice(0, 2), '--maps', unknownMap], /no_such_map/],
      [[nine, ...lxcArgs.slice(0, 2), '--globals', badGlobal], /no variable no_such_var/],
      [[nine, '--prog', prog, '--pps', '10', '--mbps', '5'], /cannot be combined/],
      [[nine, '--prog', prog, '--pps', '0'], /--pps must be a positive number/],
      [[nine, '--prog', prog, '--loop', '-1'], /--loop must be/],
      [[nine, '--prog', prog, '--limit', '0'], /--limit must be/],
      [[nine, '--prog', prog, '--backend', 'kernel', '--pps', '10'], /cannot be paced/],
      [[nine, '--prog', prog, '--at', 'node1/eth0:ingress'], /--at goes with --scenario/],
      [[nine, '--scenario', 'scenarios/default.yaml'], /needs --at/],
      [[nine, '--scenario', 'scenarios/default.yaml', '--at', 'pod:frontend/eth0:egress', '--maps', s.maps], /--maps applies to --prog/],
      [[nine, '--scenario', join(dir, 'none.yaml'), '--at', 'pod:frontend/eth0:egress'], /none\.yaml/],
      [[nine, '--prog', prog, '--out', nine], /cannot create output directory/],
      [[nine, '--prog', prog, '--backend', 'sideways'], /Invalid values/],
    ];
    for (const [args, message] of cases) {
      const r = replay(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(message);
    }
  });

  it('4: --backend kernel or both without the rights to load programs', () => {
    for (const backend of ['kernel', 'both']) {
      const r = spawnSync(process.execPath, [resolve(REPO, 'bin/dpsim.js'), 'replay', nine, ...lxcArgs, '--backend', backend], {
        cwd: REPO, encoding: 'utf8', ...unprivileged({ ...process.env, HOME: dir }),
      });
      expect(r.status, r.stderr).toBe(4);
      expect(r.stderr).toContain('kernel backend cannot run');
    }
  });

  kernelTest('0: --backend both agrees on the capture, in batches', async () => {
    const r = replay(nine, ...lxcArgs, '--backend', 'both', '--loop', '3', '--batch', '4');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Divergences:\s+0 \(in 0 packets\)/);
    expect(r.stdout).toContain('emulator and kernel agree');
    expect(r.stdout).toContain("Clock: the host's CLOCK_MONOTONIC");
  });

  describe('2: --backend both when the VM and the kernel disagree (run in this process)', () => {
    afterEach(() => {
      plant.on = false;
      process.exitCode = undefined;
      vi.restoreAllMocks();
    });

    kernelTest('every divergent packet is marked on its line, the report follows the summary, exit 2', async () => {
      plant.on = true;
      let out = '';
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { out += String(chunk); return true; });
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const parser = yargs(['replay', nine, ...lxcArgs, '--backend', 'both', '--progress', 'none'])
        .strict()
        .fail((msg, err) => { if (err) throw err; throw new CliError(EXIT.BAD_INPUT, msg); });
      registerReplay(parser);
      await parser.parseAsync();
      expect(process.exitCode).toBe(EXIT.DIVERGENCE);
      expect(out).toMatch(/#1 .* -> TC_ACT_SHOT \(2\), drop INVALID_SOURCE_IP \(132\); kernel diverges: retval/);
      expect(out).toMatch(/Divergences:\s+\d+ \(in 9 packets\)/);
      expect(out).toMatch(/- input 1: retval/);
      expect(out).toMatch(/- after the last input: map cilium_lxc/);
    });
  });
});

describe('dpsim replay: a capture recorded on the kernel testbed (pcaps/)', () => {
  const recorded = resolve(REPO, 'pcaps/pod-to-pod-same-node.pcap');
  const state = () => {
    const st = writeLxcState(dir, 'pod-to-pod-same-node.yaml', 'client');
    return ['--prog', `${LXC}:cil_from_container`, '--maps', st.maps, '--globals', st.globals, '--ctx', st.ctx];
  };

  it('client → server on one node, as it left the client pod: cil_from_container redirects every packet', () => {
    const r = replay(recorded, ...state(), '-j');
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    const summary = lines.at(-1)!.summary;
    expect(summary.packets).toBeGreaterThan(5);
    expect(summary).toMatchObject({ passed: 0, dropped: 0, other: 0, faults: 0, refused: 0, redirected: summary.packets });
    expect(lines.slice(0, -1).map((p) => p.summary).join('\n')).toMatch(/ARP, Request who-has/);
  });

  kernelTest('the same capture on both backends: they agree', async () => {
    const r = replay(recorded, ...state(), '--backend', 'both', '-q');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('emulator and kernel agree');
  });

  it('injected back into its scenario at the client pod: the server pod sees it delivered', () => {
    const r = replay(recorded, '--scenario', resolve(REPO, 'scenarios/pod-to-pod-same-node.yaml'), '--at', 'pod:client/eth0:egress', '-j');
    expect(r.code, r.stderr).toBe(0);
    const points = jsonLines(r.stdout)[0]!.summary.points as Record<string, number>;
    expect(points['node1/lxcclient:ingress']).toBeGreaterThan(5);
    expect(Object.keys(points).some((p) => p.startsWith('pod:server/eth0:ingress'))).toBe(true);
  });
});

describe('dpsim replay --scenario: into the emulated topology', () => {
  it('a capture per observation point in --out, the summary with points and datapath drops', () => {
    const out = join(dir, 'out-scenario');
    const r = replay(nine, '--scenario', resolve(REPO, 'scenarios/default.yaml'), '--at', 'pod:frontend/eth0:egress', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Actual: 9 packets \(423 bytes\) sent in/);
    expect(r.stdout).toMatch(/pod:frontend\/eth0:egress: 9 packets/);
    expect(r.stdout).toMatch(/node1: POLICY_DENIED \(133\): 3/);
    expect(existsSync(join(out, 'node1_lxcfrontend_ingress.pcap'))).toBe(true);
    expect(readBack(join(out, 'node1_vxlan0_egress.pcap'))).toHaveLength(3);
    const j = jsonLines(replay(nine, '--scenario', resolve(REPO, 'scenarios/default.yaml'), '--at', 'node1/lxcfrontend:ingress', '-j').stdout)[0]!.summary;
    expect(j).toMatchObject({ packets: 9, points: { 'node1/lxcfrontend:ingress': 9 } });
  });
});
