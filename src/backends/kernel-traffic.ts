// The clients of the traffic steps, run inside the source's namespace: iputils ping with a
// fixed identifier, socat TCP/UDP clients bound to the step's source port, raw frames
// written with dpsim-inject. What the destination saw comes from the servers and counters.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inNetns } from '../../harness/netns/exec.js';
import { inject, type Testbed } from '../../harness/netns/index.js';
import type { ResolvedStep } from './types.js';

/**
 * A failed connect sends exactly one SYN: socat gives up before the kernel's first SYN
 * retransmission (initial RTO 1 s), so the emulator need not model retransmission timing.
 */
export const CONNECT_TIMEOUT_S = 0.9;
/** How long a client waits for the echo once it has sent everything. */
export const ECHO_WAIT_S = 1;

/** The payload of TCP and UDP steps: byte i is i & 0xff (the emulator sends the same). */
export function stepPayload(bytes: number): Uint8Array {
  return Uint8Array.from({ length: bytes }, (_, i) => i & 0xff);
}

interface BinaryResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

function runBinary(argv: string[], input: Uint8Array, timeoutMs: number): Promise<BinaryResult> {
  return new Promise((resolve) => {
    const child = execFile(argv[0]!, argv.slice(1), { encoding: 'buffer', timeout: timeoutMs, maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr: stderr.toString('utf8') });
    });
    child.stdin?.on('error', () => {}); // a client that fails early closes its stdin
    child.stdin?.end(input);
  });
}

export interface ClientResult {
  sent: number;
  replies: number;
  note?: string;
}

export async function runPing(netns: string, step: Extract<ResolvedStep, { kind: 'ping' }>): Promise<ClientResult> {
  // 56 data bytes (the first 16 a struct timeval); no -w: a deadline keeps sending past -c.
  const argv = ['ping', '-n', '-e', String(step.icmpId), '-c', String(step.count), '-W', '1', '-i', '0.2', '-s', '56', step.toIp];
  const r = await runBinary(inNetns(netns, argv[0]!, argv.slice(1)), new Uint8Array(), (step.count * 0.2 + 8) * 1000);
  const out = r.stdout.toString('utf8');
  const stats = /(\d+) packets transmitted, (\d+) received/.exec(out);
  if (!stats) return { sent: 0, replies: 0, note: `ping failed: ${(r.stderr || out).trim()}` };
  return { sent: Number(stats[1]), replies: Number(stats[2]) };
}

/** Connects from the step's source port, sends the payload, reads the echo, then closes. */
export async function runTcp(netns: string, step: Extract<ResolvedStep, { kind: 'tcp' }>): Promise<ClientResult> {
  // shut-none + readbytes: the client closes (FIN) only after the whole echo came back.
  const opts = [`sourceport=${step.sport}`, 'reuseaddr', `connect-timeout=${CONNECT_TIMEOUT_S}`, ...(step.bytes > 0 ? ['shut-none', `readbytes=${step.bytes}`] : [])];
  const argv = ['socat', '-t', String(ECHO_WAIT_S), '-', `TCP:${step.toIp}:${step.port},${opts.join(',')}`];
  return client(netns, argv, step.bytes);
}

export async function runUdp(netns: string, step: Extract<ResolvedStep, { kind: 'udp' }>): Promise<ClientResult> {
  const argv = ['socat', '-t', String(ECHO_WAIT_S), '-', `UDP:${step.toIp}:${step.port},sourceport=${step.sport},reuseaddr,readbytes=${Math.max(1, step.bytes)}`];
  return client(netns, argv, step.bytes);
}

async function client(netns: string, argv: string[], bytes: number): Promise<ClientResult> {
  const payload = stepPayload(bytes);
  const r = await runBinary(inNetns(netns, argv[0]!, argv.slice(1)), payload, (ECHO_WAIT_S + CONNECT_TIMEOUT_S + 10) * 1000);
  const echoed = r.stdout.length === bytes && Buffer.from(payload).equals(r.stdout);
  const note = r.code !== 0 ? `client: ${r.stderr.trim().split('\n').pop()}` : echoed ? undefined : `client got ${r.stdout.length} of ${bytes} bytes back`;
  return { sent: 1, replies: r.code === 0 && echoed ? 1 : 0, ...(note ? { note } : {}) };
}

/** Frames written at a device: egress there, or ingress by writing at its veth peer. */
export async function runPacket(tb: Testbed, place: string, step: Extract<ResolvedStep, { kind: 'packet' }>): Promise<ClientResult> {
  const { device, direction } = step.at;
  if (direction === 'egress') return { sent: await inject(tb, place, device, step.frames), replies: 0 };
  let peer;
  try {
    peer = tb.peerOf(place, device);
  } catch {
    return { sent: 0, replies: 0, note: `cannot inject at ${device} ingress: only veth devices have a peer to write at` };
  }
  return { sent: await inject(tb, peer.place, peer.dev, step.frames), replies: 0 };
}

/** Icmp InEchos of the namespace process PID lives in (echo requests its stack received). */
export function icmpInEchos(pid: number): number {
  const lines = readFileSync(`/proc/${pid}/net/snmp`, 'utf8').split('\n').filter((l) => l.startsWith('Icmp:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  return Number(values[names.indexOf('InEchos')] ?? 0);
}
