// TCP at an observation point compared as streams, not segments: how the kernel cuts a transfer
// into segments, when it acknowledges and whether a FIN rides on data depends on when the
// sender, receiver and timers run. Compared per flow: the control segments (SYN/FIN/RST) in
// order, the payload bytes each way, and the headers of each direction's first segment.

import { tcpdumpLine } from '../packet/decode.js';
import { normaliseFrame, TcpIsns } from './packet-normalise.js';

export interface TcpSegment {
  /** Flow key, direction-free ("a:p<>b:q", inner tuple for VXLAN, outer ports ignored). */
  flow: string;
  /** Which way ("a:p>b:q"). */
  dir: string;
  flags: number;
  seq: number;
  payload: Uint8Array;
  /** Offset of the (innermost) TCP header in the frame. */
  tcpAt: number;
  frame: Uint8Array;
}

const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/** The innermost TCP segment of a frame (through VXLAN), or undefined. */
export function tcpSegment(frame: Uint8Array): TcpSegment | undefined {
  let eth = 0;
  for (let depth = 0; depth < 2; depth++) {
    if (frame.length < eth + 34 || u16(frame, eth + 12) !== 0x0800) return undefined;
    const ip = eth + 14, ihl = (frame[ip]! & 0xf) * 4, proto = frame[ip + 9]!, l4 = ip + ihl;
    const end = Math.min(frame.length, ip + u16(frame, ip + 2));
    if (proto === 17 && end >= l4 + 16 && (u16(frame, l4 + 2) === 8472 || u16(frame, l4 + 2) === 4789)) { eth = l4 + 16; continue; }
    if (proto !== 6 || end < l4 + 20) return undefined;
    const a = `${[...frame.subarray(ip + 12, ip + 16)].join('.')}:${u16(frame, l4)}`;
    const b = `${[...frame.subarray(ip + 16, ip + 20)].join('.')}:${u16(frame, l4 + 2)}`;
    const doff = (frame[l4 + 12]! >> 4) * 4;
    return { flow: a < b ? `${a}<>${b}` : `${b}<>${a}`, dir: `${a}>${b}`, flags: frame[l4 + 13]!, seq: u32(frame, l4 + 4), payload: frame.subarray(l4 + doff, end), tcpAt: l4, frame };
  }
  return undefined;
}

/**
 * The headers of a segment with what the stream comparison covers elsewhere cleared: IP IDs,
 * checksums, lengths, the VXLAN source port (packet-normalise), TCP seq/ack, flags, window.
 */
function headerTemplate(s: TcpSegment): Uint8Array {
  const h = normaliseFrame(s.frame, new TcpIsns()).frame.slice(0, s.tcpAt + 20);
  for (let eth = 0; eth + 18 <= h.length && u16(h, eth + 12) === 0x0800;) {
    const ip = eth + 14;
    h[ip + 2] = 0; h[ip + 3] = 0; // total length
    const l4 = ip + (h[ip]! & 0xf) * 4;
    if (h[ip + 9] !== 17 || l4 + 16 > h.length) break;
    h[l4 + 4] = 0; h[l4 + 5] = 0; // UDP length of the VXLAN outer header
    eth = l4 + 16;
  }
  h.fill(0, s.tcpAt + 4, s.tcpAt + 12); // seq, ack
  h[s.tcpAt + 13] = 0; // flags
  h.fill(0, s.tcpAt + 14, s.tcpAt + 20); // window, checksum, urgent
  return h;
}

export interface StreamSummary {
  control: string[];
  bytes: Map<string, Uint8Array>;
  firstHeaders: Map<string, Uint8Array>;
}

const CONTROL = 0x07; // FIN | SYN | RST

export function summarise(segments: TcpSegment[]): StreamSummary {
  const control: string[] = [];
  const streams = new Map<string, Map<number, Uint8Array>>();
  const firstHeaders = new Map<string, Uint8Array>();
  const isn = new Map<string, number>();
  for (const s of segments) {
    if (s.flags & 0x02) isn.set(s.dir, s.seq);
    if (s.flags & CONTROL) control.push(`${s.dir} ${['F', 'S', 'R'].filter((_, i) => s.flags & (1 << i)).join('')}${s.flags & 0x10 ? '.' : ''}`);
    if (!firstHeaders.has(s.dir)) firstHeaders.set(s.dir, headerTemplate(s));
    if (s.payload.length) {
      const base = isn.get(s.dir) ?? s.seq;
      const m = streams.get(s.dir) ?? streams.set(s.dir, new Map()).get(s.dir)!;
      m.set((s.seq - base) >>> 0, s.payload); // a retransmission of the same bytes overwrites
    }
  }
  const bytes = new Map<string, Uint8Array>();
  for (const [dir, m] of streams) {
    const parts = [...m.entries()].sort((a, b) => a[0] - b[0]);
    const total = parts.reduce((n, [off, p]) => Math.max(n, off + p.length), 0);
    const buf = new Uint8Array(total);
    for (const [off, p] of parts) buf.set(p, off);
    bytes.set(dir, buf);
  }
  return { control, bytes, firstHeaders };
}

/** Differences between two sides' streams of one flow, as short sentences. */
export function compareStreams(e: StreamSummary, k: StreamSummary): { field: string; emulator: string; kernel: string }[] {
  const out: { field: string; emulator: string; kernel: string }[] = [];
  if (e.control.join(', ') !== k.control.join(', ')) out.push({ field: 'control segments', emulator: e.control.join(', ') || '-', kernel: k.control.join(', ') || '-' });
  for (const dir of new Set([...e.bytes.keys(), ...k.bytes.keys()])) {
    const a = e.bytes.get(dir) ?? new Uint8Array(0), b = k.bytes.get(dir) ?? new Uint8Array(0);
    if (a.length !== b.length || a.some((x, i) => x !== b[i])) {
      const at = a.findIndex((x, i) => x !== b[i]);
      out.push({ field: `payload ${dir}`, emulator: `${a.length} bytes`, kernel: `${b.length} bytes${at >= 0 && at < Math.min(a.length, b.length) ? `, first difference at byte ${at}` : ''}` });
    }
  }
  for (const dir of new Set([...e.firstHeaders.keys(), ...k.firstHeaders.keys()])) {
    const a = e.firstHeaders.get(dir), b = k.firstHeaders.get(dir);
    if (!a || !b || a.length !== b.length || a.some((x, i) => x !== b[i])) {
      out.push({ field: `headers ${dir}`, emulator: a ? tcpdumpLine(a) : '(none)', kernel: b ? tcpdumpLine(b) : '(none)' });
    }
  }
  return out;
}
