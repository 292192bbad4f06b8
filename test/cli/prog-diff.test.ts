// `dpsim prog diff OBJ PROG --packets FILE.pcap`: the exit-code convention (0 agree, 1 damaged
// input file, 2 divergence, 3 bad input, 4 no kernel) and the -j output.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { kernelTest } from '../../harness/skip.js';
import { PcapWriter } from '../../src/pcap/index.js';
import { udpFrame } from '../../src/packet/build.js';
import { dpsim, REPO } from './run-cli.js';
import { unprivileged } from '../support/unprivileged.js';

const OBJ = resolve(REPO, 'bpf/build/ttl_rewrite.o');
const tmp = mkdtempSync(join(tmpdir(), 'dpsim-prog-diff-'));
chmodSync(tmp, 0o755); // readable by the unprivileged run below
const file = (name: string, data: string | Uint8Array) => {
  const p = join(tmp, name);
  writeFileSync(p, data);
  chmodSync(p, 0o644);
  return p;
};

let pcap = '';
let damaged = '';
let pcapBytes: Uint8Array;

beforeAll(async () => {
  execFileSync('make', ['-s', '-C', resolve(REPO, 'bpf')]);
  const w = new PcapWriter(undefined);
  const frames = [udpFrame({ ttl: 64 }), udpFrame({ ttl: 2, sport: 1000 }), udpFrame({ ttl: 1, payload: new Uint8Array(64).fill(9) })];
  for (const [i, data] of frames.entries()) await w.write({ timestamp: { seconds: 1_700_000_000 + i, nanos: 0 }, data });
  await w.close();
  pcapBytes = w.toBytes();
  pcap = file('three.pcap', pcapBytes);
  // Cut in the middle of the last record's packet bytes: two good packets, then damage.
  damaged = file('damaged.pcap', pcapBytes.subarray(0, pcapBytes.length - 20));
});

const diff = (...args: string[]) => dpsim(['prog', 'diff', ...args]);

describe('dpsim prog diff: agreement', () => {
  kernelTest('exit 0 when the emulator and the kernel agree; -j is one object with divergences, normalisations, inputs', async () => {
    const r = diff(OBJ, 'ttl_rewrite', '--packets', pcap, '-j');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(j).sort()).toEqual(['divergences', 'inputs', 'normalisations']);
    expect(j.divergences).toEqual([]);
    expect(j.inputs).toBe(3);
    expect(Array.isArray(j.normalisations)).toBe(true);
  });

  kernelTest('without -j: the text report, exit 0', async () => {
    const r = diff(OBJ, 'ttl_rewrite', '--packets', pcap);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ttl_rewrite: 3 inputs');
    expect(r.stdout).toContain('emulator and kernel agree');
  });

  kernelTest('a program given by its section works like its name; a ctx file applies to every packet', async () => {
    const ctx = file('mark.json', JSON.stringify({ mark: 7, cb: [1, 2] }));
    const r = diff(OBJ, 'tc', '--packets', pcap, '--ctx', ctx, '-j');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ divergences: [], inputs: 3 });
  });
});

describe('dpsim prog diff: bad input is exit 3, naming what is wrong', () => {
  it('a pcap that does not exist', () => {
    const missing = join(tmp, 'no-such.pcap');
    const r = diff(OBJ, 'ttl_rewrite', '--packets', missing, '-j');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(missing);
    expect(r.stdout).toBe('');
  });

  it('a ctx file that is not JSON', () => {
    const bad = file('bad-ctx.json', '{"mark": ');
    const r = diff(OBJ, 'ttl_rewrite', '--packets', pcap, '--ctx', bad);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(bad);
    expect(r.stderr).toContain('not valid JSON');
  });

  it('a ctx naming a field struct __sk_buff does not have', () => {
    const bad = file('unknown-field.json', JSON.stringify({ marc: 1 }));
    const r = diff(OBJ, 'ttl_rewrite', '--packets', pcap, '--ctx', bad);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no field "marc"');
  });

  it('a ctx that is not an object of fields', () => {
    const bad = file('array-ctx.json', '[1, 2]');
    expect(diff(OBJ, 'ttl_rewrite', '--packets', pcap, '--ctx', bad).code).toBe(3);
  });

  it('a ctx file that does not exist', () => {
    const r = diff(OBJ, 'ttl_rewrite', '--packets', pcap, '--ctx', join(tmp, 'no-such-ctx.json'));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no-such-ctx.json');
  });

  it('a program the object does not have: the available ones are listed', () => {
    const r = diff(OBJ, 'no_such_prog', '--packets', pcap);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no_such_prog');
    expect(r.stderr).toContain('ttl_rewrite');
  });

  it('an object that does not exist', () => {
    const r = diff(join(tmp, 'no-such.o'), 'ttl_rewrite', '--packets', pcap);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no-such.o');
  });

  it('--packets left out is a usage error', () => {
    const r = diff(OBJ, 'ttl_rewrite');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('packets');
  });

  kernelTest('a maps file that is not JSON', async () => {
    const bad = file('bad-maps.json', '{nope');
    const r = diff(OBJ, 'ttl_rewrite', '--packets', pcap, '--maps', bad);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('not valid JSON');
  });

  kernelTest('a maps file naming a map the object does not have', async () => {
    const bad = file('unknown-map.json', JSON.stringify({ no_such_map: [] }));
    const r = diff(OBJ, 'ttl_rewrite', '--packets', pcap, '--maps', bad);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('no_such_map');
  });
});

describe('dpsim prog diff: a damaged capture is exit 1', () => {
  it('a pcap truncated in the middle of a record', () => {
    const r = diff(OBJ, 'ttl_rewrite', '--packets', damaged, '-j');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(damaged);
    expect(r.stderr).toMatch(/truncated/);
    expect(r.stderr).toMatch(/after 2 packets/);
    expect(r.stdout).toBe('');
  });

  it('a pcap cut inside its file header', () => {
    const r = diff(OBJ, 'ttl_rewrite', '--packets', file('header-only.pcap', pcapBytes.subarray(0, 10)));
    expect(r.code).toBe(1);
  });
});

describe('dpsim prog diff: no kernel is exit 4', () => {
  // As root the kernel side can run; an unprivileged run of the same command cannot.
  it('as an unprivileged user: exit 4, naming why', () => {
    const r = spawnSync(process.execPath, [resolve(REPO, 'bin/dpsim.js'), 'prog', 'diff', OBJ, 'ttl_rewrite', '--packets', pcap, '-j'], {
      cwd: REPO, encoding: 'utf8', ...unprivileged({ ...process.env, HOME: tmp }),
    });
    expect(r.status, r.stderr).toBe(4);
    expect(r.stderr).toContain('kernel side cannot run');
    expect(r.stdout).toBe('');
  });
});
