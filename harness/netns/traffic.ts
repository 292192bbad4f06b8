// Traffic between testbed places: ping, a TCP transfer, a UDP datagram, raw frames. Places
// are pod, world host or node names (see Places); destinations may also be plain addresses
// (a service IP, a node's address) with the server placed explicitly.
import { inNetns, run } from './exec.js';
import type { Places } from './places.js';
import { OneShotServer, type ServerResult } from './socat-server.js';
import { ensureNetnsTools } from './tools.js';

export interface PingResult {
  transmitted: number;
  received: number;
  /** Round-trip times of the replies, in ms. */
  rttsMs: number[];
  output: string;
}

export interface PingOptions {
  count?: number;
  /** Seconds between requests; default 0.2. */
  intervalS?: number;
  /** Seconds to wait for each reply; default 1. */
  timeoutS?: number;
}

export async function ping(tb: Places, from: string, to: string, opts: PingOptions = {}): Promise<PingResult> {
  const count = opts.count ?? 3, interval = opts.intervalS ?? 0.2, wait = opts.timeoutS ?? 1;
  // No -w: with a deadline ping keeps sending past COUNT while replies are missing.
  const deadline = Math.ceil(count * interval + wait);
  const argv = ['ping', '-n', '-c', String(count), '-i', String(interval), '-W', String(wait), tb.ipOf(to)];
  // Exit status 1 means "no reply": a result, not an error.
  const r = await run(inNetns(tb.netnsOf(from), argv[0]!, argv.slice(1)), { allowFailure: true, timeoutMs: (deadline + 5) * 1000 });
  const stats = /(\d+) packets transmitted, (\d+) received/.exec(r.stdout);
  if (!stats) throw new Error(`ping from ${from} to ${to} failed: ${(r.stderr || r.stdout).trim()}`);
  return {
    transmitted: Number(stats[1]),
    received: Number(stats[2]),
    rttsMs: [...r.stdout.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1])),
    output: r.stdout,
  };
}

export interface TransferOptions {
  /** Where the client runs. */
  from: string;
  /** Where the server runs. */
  to: string;
  /** The address the client sends to; default the address of `to`. */
  dst?: string;
  port: number;
  /** Payload size; default 64 KiB for TCP, 32 bytes for UDP. */
  bytes?: number;
  timeoutMs?: number;
}

export interface TransferResult extends ServerResult {
  /** TCP: the client connected and sent everything. UDP: the client sent the datagram. */
  sent: boolean;
  clientError?: string;
}

function payload(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => i & 0xff);
}

async function transfer(tb: Places, protocol: 'tcp' | 'udp', opts: TransferOptions, defaultBytes: number): Promise<TransferResult> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const server = await OneShotServer.start(tb, opts.to, protocol, opts.port);
  const dst = tb.ipOf(opts.dst ?? opts.to);
  const address = protocol === 'tcp'
    ? `TCP:${dst}:${opts.port},connect-timeout=${Math.max(1, Math.round(timeoutMs / 1000))}`
    : `UDP-SENDTO:${dst}:${opts.port}`;
  const client = await run(inNetns(tb.netnsOf(opts.from), 'socat', ['-u', 'STDIN', address]), {
    input: payload(opts.bytes ?? defaultBytes), allowFailure: true, timeoutMs: timeoutMs + 2000,
  });
  if (client.code !== 0) {
    await server.stop();
    return { sent: false, received: false, bytes: 0, clientError: client.stderr.trim() };
  }
  return { sent: true, ...(await server.result(timeoutMs)) };
}

/** Connects from `from` to a one-shot server in `to` and sends BYTES; reports what arrived and from where. */
export function tcpTransfer(tb: Places, opts: TransferOptions): Promise<TransferResult> {
  return transfer(tb, 'tcp', opts, 64 * 1024);
}

/** Sends one datagram (BYTES ≤ 8192) from `from` to a one-shot receiver in `to`. */
export function udpSend(tb: Places, opts: TransferOptions): Promise<TransferResult> {
  if ((opts.bytes ?? 32) > 8192) throw new RangeError('one UDP datagram: at most 8192 bytes (socat reads 8 KiB blocks)');
  return transfer(tb, 'udp', opts, 32);
}

/**
 * Writes Ethernet frames to DEV in PLACE's namespace: they leave through DEV's egress (tc
 * egress runs) and, for a veth, arrive at the peer's ingress (see Testbed.peerOf).
 */
export async function inject(tb: Places, place: string, dev: string, frames: Uint8Array[]): Promise<number> {
  const { inject: bin } = await ensureNetnsTools();
  const hex = frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('hex'));
  const r = await run(inNetns(tb.netnsOf(place), bin, [dev, ...hex]));
  return Number(/sent (\d+)/.exec(r.stdout)?.[1] ?? 0);
}
