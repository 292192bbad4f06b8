// `dpsim observe`: flows as `hubble observe` prints them, from a scenario run (--run) or a
// JSON-lines file (--flows), hubble's filters, -o compact; exit 1 for a damaged flows file,
// 3 for bad input or usage, 4 when the backend cannot run.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO } from '../replay/capture-gen.js';
import { tmp } from '../replay/helpers.js';
import { dpsim } from './run-cli.js';
import { unprivileged } from '../support/unprivileged.js';

const dir = tmp('observe-cli');
chmodSync(dir, 0o755);
const SCENARIO = resolve(REPO, 'scenarios/default.yaml');
let flowsFile = '';
let all: { flow: Record<string, any>; node_name: string; time: string }[] = [];

const observe = (...args: string[]) => dpsim(['observe', ...args]);
const parse = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

beforeAll(() => {
  const r = observe('--run', SCENARIO);
  expect(r.code, r.stderr).toBe(0);
  all = parse(r.stdout);
  flowsFile = join(dir, 'flows.jsonl');
  writeFileSync(flowsFile, r.stdout);
});

describe('dpsim observe --run', () => {
  it('prints one hubble JSON object per line for every datapath event of the run', () => {
    expect(all.length).toBeGreaterThan(50);
    for (const r of all) {
      expect(Object.keys(r).sort()).toEqual(['flow', 'node_name', 'time']);
      expect(r.flow.Type).toBe('L3_L4');
      expect(r.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    }
    const drops = all.filter((r) => r.flow.verdict === 'DROPPED');
    expect(drops.map((r) => [r.node_name, r.flow.source.pod_name, r.flow.destination.pod_name, r.flow.drop_reason_desc])).toEqual([
      ['node1', 'frontend', 'api-1', 'POLICY_DENIED'],
      ['node2', 'stranger', 'api-2', 'POLICY_DENIED'],
    ]);
    const times = all.map((r) => r.time);
    expect([...times].sort()).toEqual(times); // in order
  });

  it('-o compact: one hubble compact line per flow, filtered like the JSON', () => {
    const r = observe('--run', SCENARIO, '-o', 'compact', '--verdict', 'DROPPED');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} \[node1\]: default\/frontend \(ID:\d+\) -> default\/api-1 \(ID:\d+\) DROPPED POLICY_DENIED \(ICMPv4 EchoRequest\)$/),
      expect.stringMatching(/\[node2\]: default\/stranger:40003 \(ID:\d+\) -> default\/api-2:8080 \(ID:\d+\) DROPPED POLICY_DENIED \(TCP Flags: SYN\)$/),
    ]);
  });
});

describe('dpsim observe --flows: filters as hubble has them', () => {
  const count = (...filters: string[]) => {
    const r = observe('--flows', flowsFile, ...filters);
    expect(r.code, r.stderr).toBe(0);
    return parse(r.stdout);
  };

  it('without filters: every flow of the file, unchanged', () => {
    expect(count()).toEqual(all);
  });

  it('--verdict, --from-pod, --to-pod, --pod, --protocol, --port; a repeated filter is OR, different filters AND', () => {
    expect(count('--verdict', 'dropped')).toHaveLength(2);
    expect(count('--from-pod', 'stranger').every((r) => r.flow.source.pod_name === 'stranger')).toBe(true);
    expect(count('--to-pod', 'default/api-1').every((r) => r.flow.destination.pod_name === 'api-1')).toBe(true);
    const pod = count('--pod', 'api-2');
    expect(pod.length).toBeGreaterThan(0);
    expect(pod.every((r) => r.flow.source.pod_name === 'api-2' || r.flow.destination.pod_name === 'api-2')).toBe(true);
    expect(count('--protocol', 'icmp').every((r) => r.flow.l4?.ICMPv4)).toBe(true);
    const p443 = count('--port', '443'), p8080 = count('--port', '8080');
    expect(p443.length).toBeGreaterThan(0);
    expect(count('--port', '443', '--port', '8080')).toHaveLength(p443.length + p8080.length);
    expect(count('--verdict', 'DROPPED', '--protocol', 'tcp').map((r) => r.flow.source.pod_name)).toEqual(['stranger']);
    expect(count('--verdict', 'DROPPED', '--protocol', 'tcp', '--from-pod', 'frontend')).toEqual([]);
  });

  it("reads hubble's own lines (node_name only in the flow), skips records that are not flows, and reads stdin with -", () => {
    const f = join(dir, 'hubble.jsonl');
    const flow = all.find((r) => r.flow.verdict === 'DROPPED')!.flow;
    writeFileSync(f, [JSON.stringify({ flow }), JSON.stringify({ lost_events: { num_events_lost: 3 } }), '', JSON.stringify({ flow: { ...flow, verdict: 'FORWARDED' } })].join('\n'));
    const r = observe('--flows', f, '--verdict', 'DROPPED', '-o', 'compact');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} \[node1\]: .* DROPPED POLICY_DENIED/);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const stdin = dpsim(['observe', '--flows', '-', '--verdict', 'DROPPED'], JSON.stringify(all[0]) + '\n' + JSON.stringify({ flow }) + '\n');
    expect(stdin.code, stdin.stderr).toBe(0);
    expect(parse(stdin.stdout)).toEqual([{ flow, node_name: 'node1', time: flow.time }]); // hubble's record form, the flow untouched
  });
});

describe('dpsim observe: exit codes', () => {
  it('1: a flows file damaged part-way — the flows before the damage are printed, the bad line named', () => {
    const f = join(dir, 'damaged.jsonl');
    writeFileSync(f, JSON.stringify(all[0]) + '\n' + JSON.stringify(all[1]) + '\n{"flow": {"verdict": "DROP');
    const r = observe('--flows', f);
    expect(r.code).toBe(1);
    expect(parse(r.stdout)).toEqual([all[0], all[1]]);
    expect(r.stderr).toContain('damaged.jsonl:3: not a JSON line');
  });

  it('3: usage and bad input', () => {
    const cases: [string[], RegExp][] = [
      [[], /exactly one of --run/],
      [['--run', SCENARIO, '--flows', flowsFile], /exactly one of --run/],
      [['--flows', join(dir, 'nope.jsonl')], /no such file/],
      [['--flows', flowsFile, '--verdict', 'MAYBE'], /--verdict MAYBE/],
      [['--flows', flowsFile, '--port', '70000'], /--port 70000/],
      [['--flows', flowsFile, '-o', 'table'], /Invalid values/],
      [['--run', join(dir, 'none.yaml')], /none\.yaml/],
    ];
    for (const [args, message] of cases) {
      const r = observe(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(message);
    }
  });

  it('4: --backend kernel without the rights to run it', () => {
    const r = spawnSync(process.execPath, [resolve(REPO, 'bin/dpsim.js'), 'observe', '--run', SCENARIO, '--backend', 'kernel'], {
      cwd: REPO, encoding: 'utf8', ...unprivileged({ ...process.env, HOME: dir }),
    });
    expect(r.status, r.stderr).toBe(4);
    expect(r.stdout).toBe('');
  });
});
