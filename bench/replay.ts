// The replay benchmark: `dpsim replay`'s packets per second through bpf_lxc.o's
// cil_from_container on node1 of the bench cluster (bench/datapath.ts: 10,000 IP cache
// entries, 1,000 services, 1,000 policy entries). The capture (bench/build/, git-ignored,
// written once with the project's pcap writer) repeats 192 frames: 64 TCP flows of the client
// pod to each of web (same node: redirect_peer), db (node2: redirect to the VXLAN device) and
// the world (passed up the stack). Each engine replays it in a fresh child process
// (bench/replay-child.ts), which opens the replay the way `dpsim replay --prog` does
// (openEngines + replayProgram, library API) with DPSIM_ENGINE set, and reports the engine
// that actually ran (the VM's lastEngine) next to the replay's counts and wall time.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PcapWriter } from '../src/pcap/index.js';
import type { EngineName } from '../src/vm/index.js';
import { BUILD_DIR } from './lib.js';
import { benchCluster, benchNodeConfig, datapathObjectPath, mapsOfObject, tcpSegment, WORLD_IP } from './datapath.js';

export const REPLAY_FLOWS = 64;

/** The capture's repeating pattern: [web, db, world] × REPLAY_FLOWS source ports. */
export function replayPattern(): Uint8Array[] {
  const { client, web, db, node1 } = benchCluster();
  const out: Uint8Array[] = [];
  for (let f = 0; f < REPLAY_FLOWS; f++) {
    for (const [dst, dport] of [[web.ip, 80], [db.ip, 5432], [WORLD_IP, 443]] as const) {
      out.push(tcpSegment({ srcMac: client.mac, dstMac: node1.routerMac, src: client.ip, dst, sport: 30000 + f, dport }));
    }
  }
  return out;
}

/** Verdicts the first n packets of the pattern must get: web and db redirected, world passed. */
export function expectedReplayCounts(n: number): { passed: number; redirected: number; dropped: number } {
  const per = (k: number) => Math.floor(n / 3) + (n % 3 > k ? 1 : 0);
  return { passed: per(2), redirected: per(0) + per(1), dropped: 0 };
}

/**
 * bench/build/replay-N.pcap: packet i is pattern[i % 192], 1 µs apart. Written once; rewritten
 * when the pattern's bytes change (a hash of them is kept next to the capture).
 */
export async function ensureCapture(packets: number, log: (m: string) => void = () => {}): Promise<string> {
  mkdirSync(BUILD_DIR, { recursive: true });
  const stem = packets % 1_000_000 === 0 ? `${packets / 1_000_000}m` : packets % 1000 === 0 ? `${packets / 1000}k` : String(packets);
  const path = join(BUILD_DIR, `replay-${stem}.pcap`);
  const pattern = replayPattern();
  const hash = createHash('sha256');
  for (const f of pattern) hash.update(f);
  const stamp = `${packets} ${hash.digest('hex')}\n`;
  const stampPath = `${path}.stamp`;
  if (existsSync(path) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) return path;
  log(`replay: writing ${path} (${packets.toLocaleString('en-US')} packets, once) ...`);
  const tmp = `${path}.${process.pid}.tmp`;
  const w = new PcapWriter(tmp, { resolution: 'ns' });
  for (let i = 0; i < packets; i++) {
    await w.write({ timestamp: { seconds: 1_700_000_000 + Math.floor(i / 1e6), nanos: (i % 1e6) * 1000 }, data: pattern[i % pattern.length]! });
  }
  await w.close();
  renameSync(tmp, path);
  writeFileSync(stampPath, stamp);
  return path;
}

/**
 * The same state as files for the CLI (bench/build/replay-{maps,globals,ctx}.json), so the
 * benchmark can be reproduced by hand:
 *   ./bin/dpsim.js replay bench/build/replay-1m.pcap --prog bpf/build/bpf_lxc.o:cil_from_container \
 *     --maps bench/build/replay-maps.json --globals bench/build/replay-globals.json --ctx bench/build/replay-ctx.json -q
 */
export async function writeReplayState(): Promise<{ maps: string; globals: string; ctx: string }> {
  const files = { maps: join(BUILD_DIR, 'replay-maps.json'), globals: join(BUILD_DIR, 'replay-globals.json'), ctx: join(BUILD_DIR, 'replay-ctx.json') };
  mkdirSync(BUILD_DIR, { recursive: true });
  writeFileSync(files.maps, JSON.stringify(await mapsOfObject('bpf_lxc')));
  writeFileSync(files.globals, JSON.stringify({ '.rodata': benchNodeConfig() }));
  writeFileSync(files.ctx, JSON.stringify({ ingress_ifindex: benchCluster().client.ifindex }));
  return files;
}

/** What a child reports (one JSON line on stdout). */
export interface ReplayChildResult {
  backend: 'emu' | 'kernel';
  /** DPSIM_ENGINE as the child saw it. */
  requested: EngineName | null;
  /** The VM's Vm.lastEngine after the replay ('kernel' for the kernel backend). */
  ran: EngineName | 'kernel';
  packets: number;
  wallNs: number;
  pps: number;
  passed: number;
  redirected: number;
  dropped: number;
  other: number;
  refused: number;
  faults: number;
  skipped: number;
  redirects: Record<string, number>;
}

/** Runs one replay in a child process (compiled or through tsx, as this file runs). */
export function runReplayChild(o: { pcap: string; packets: number; backend: 'emu' | 'kernel'; engine?: EngineName }): Promise<ReplayChildResult> {
  const here = fileURLToPath(import.meta.url);
  const compiled = here.endsWith('.js');
  const child = join(dirname(here), compiled ? 'replay-child.js' : 'replay-child.ts');
  const args = [...(compiled ? [] : ['--import', 'tsx']), child, o.pcap, String(o.packets), o.backend];
  const env = { ...process.env };
  if (o.engine) env.DPSIM_ENGINE = o.engine;
  else delete env.DPSIM_ENGINE;
  // Make sure the objects are built before the child needs them.
  datapathObjectPath('bpf_lxc');
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    p.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    p.on('error', reject);
    p.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        reject(new Error(`replay child (${o.backend}${o.engine ? `, DPSIM_ENGINE=${o.engine}` : ''}) exited with ${code}: ${stderr.trim().slice(-1500)}`));
        return;
      }
      resolve(JSON.parse(last) as ReplayChildResult);
    });
  });
}
