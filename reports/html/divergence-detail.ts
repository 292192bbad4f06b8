// A divergence made precise for the HTML report: the packets it is about on each side (so it
// can be placed in its step and highlighted on the path), their tcpdump lines, and field by
// field what each side had. Packet comparisons come in two forms (src/diff/scenario-diff.ts):
// non-TCP packets one by one ("packet 3: ip.ttl: 63 ≠ 64") and TCP per flow as streams
// ("tcp A<>B: headers A>B", "... payload A>B", "... control segments").

import type { RunOutcome } from '../../src/cli/run.js';
import type { CapturedPacket } from '../../src/backends/types.js';
import type { ScenarioDivergence } from '../../src/diff/scenario-diff.js';
import { decodeFrame, diffFrames, tcpdumpLine } from '../../src/packet/decode.js';
import { normaliseFrame, TcpIsns } from '../../src/diff/packet-normalise.js';
import { tcpSegment } from '../../src/diff/tcp-streams.js';

export interface FieldRow {
  name: string;
  emulator: string;
  kernel: string;
  /** "diverges": the comparison found it different; "normalised": differs, but the comparison sets it aside. */
  status: 'same' | 'diverges' | 'normalised';
}

export interface DivergenceView extends ScenarioDivergence {
  id: number;
  step?: number;
  point?: string;
  /** Indexes into each side's packets. */
  emuPacket?: number;
  kernelPacket?: number;
  tcpdump?: { emulator: string; kernel: string };
  fields: FieldRow[];
}

/** Fields the TCP stream comparison does not compare in headers (covered elsewhere or timing). */
const STREAM_IGNORED = /(^|\.)(tcp\.(seq|ack|flags|win|csum)|ip\.(len|csum|id)|udp\.(len|csum|sport))$/;

/** "packet 3: ip.ttl: 63 ≠ 64; tcp.csum: …" → 2, [ip.ttl, tcp.csum]; "packet 3 ip.csum" → 2, [ip.csum]. */
export function parsePacketField(field: string): { index: number; names: string[] } | undefined {
  const m = /^packet (\d+)(?::\s*(.*)|\s+(\S+))?$/s.exec(field);
  if (!m) return undefined;
  const names = m[2] ? m[2].split('; ').map((part) => part.split(': ')[0]!.trim()).filter(Boolean) : m[3] ? [m[3]] : [];
  return { index: Number(m[1]) - 1, names };
}

/** "tcp A<>B: headers A>B" → flow, what ("headers"/"payload"/"control segments"), direction. */
export function parseTcpField(field: string): { flow: string; what: string; dir?: string } | undefined {
  const m = /^tcp (\S+<>\S+): (headers|payload|control segments)(?: (\S+))?$/.exec(field);
  return m ? { flow: m[1]!, what: m[2]!, ...(m[3] ? { dir: m[3] } : {}) } : undefined;
}

/** The packets at one point: non-TCP ones in order, and every TCP one with its flow and direction. */
interface PointPackets {
  other: CapturedPacket[];
  tcp: { p: CapturedPacket; flow: string; dir: string }[];
}

interface Side {
  packets: CapturedPacket[];
  index: Map<CapturedPacket, number>;
  isns: TcpIsns;
  points: Map<string, PointPackets>;
}

function side(packets: CapturedPacket[]): Side {
  const points: Side['points'] = new Map();
  for (const p of packets) {
    const at = points.get(p.point) ?? points.set(p.point, { other: [], tcp: [] }).get(p.point)!;
    const seg = tcpSegment(p.frame);
    if (seg) at.tcp.push({ p, flow: seg.flow, dir: seg.dir });
    else at.other.push(p);
  }
  const isns = TcpIsns.from([...packets].sort((a, b) => a.timeNs - b.timeNs).map((p) => p.frame));
  return { packets, index: new Map(packets.map((p, i) => [p, i])), isns, points };
}

function fieldRows(a: CapturedPacket | undefined, b: CapturedPacket | undefined, e: Side, k: Side, named: string[] | 'from-diff'): FieldRow[] {
  const fa = a ? decodeFrame(a.frame).fields : [], fb = b ? decodeFrame(b.frame).fields : [];
  let diverging: Set<string>;
  if (named === 'from-diff' && a && b) {
    const diffs = diffFrames(normaliseFrame(a.frame, e.isns).frame, normaliseFrame(b.frame, k.isns).frame);
    diverging = new Set(diffs.map((d) => d.split(': ')[0]!).filter((n) => !STREAM_IGNORED.test(n)));
  } else {
    diverging = new Set(named === 'from-diff' ? [] : named);
  }
  const names = [...new Set([...fa.map((f) => f.name), ...fb.map((f) => f.name), ...diverging])];
  return names.map((name) => {
    const ev = fa.find((f) => f.name === name)?.value ?? (a ? '' : '(no packet)');
    const kv = fb.find((f) => f.name === name)?.value ?? (b ? '' : '(no packet)');
    const status = diverging.has(name) || !a || !b ? 'diverges' : ev !== kv ? 'normalised' : 'same';
    return { name, emulator: ev, kernel: kv, status };
  });
}

function jsonFields(emulator: string, kernel: string): FieldRow[] {
  const parse = (s: string): Record<string, unknown> | undefined => {
    try {
      const v: unknown = JSON.parse(s);
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const a = parse(emulator), b = parse(kernel);
  if (!a && !b) return [{ name: 'value', emulator, kernel, status: 'diverges' }];
  const keys = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])];
  return keys.map((name) => {
    const ev = a && name in a ? JSON.stringify(a[name]) : '(absent)';
    const kv = b && name in b ? JSON.stringify(b[name]) : '(absent)';
    return { name, emulator: ev, kernel: kv, status: ev === kv ? 'same' : 'diverges' };
  });
}

function packetView(v: DivergenceView, e: Side, k: Side): void {
  const d = v;
  v.point = d.where;
  const ep = e.points.get(d.where), kp = k.points.get(d.where);
  let a: CapturedPacket | undefined, b: CapturedPacket | undefined;
  const asPacket = parsePacketField(d.field);
  const asTcp = parseTcpField(d.field);
  if (asPacket) {
    a = ep?.other[asPacket.index];
    b = kp?.other[asPacket.index];
    v.fields = fieldRows(a, b, e, k, asPacket.names);
  } else if (asTcp) {
    const first = (at: PointPackets | undefined) =>
      at?.tcp.find((t) => t.flow === asTcp.flow && (asTcp.what === 'control segments' || t.dir === asTcp.dir))?.p;
    a = first(ep);
    b = first(kp);
    v.fields = asTcp.what === 'headers'
      ? fieldRows(a, b, e, k, 'from-diff')
      : [{ name: asTcp.what + (asTcp.dir ? ` ${asTcp.dir}` : ''), emulator: d.emulator, kernel: d.kernel, status: 'diverges' }];
  } else {
    v.fields = [{ name: d.field, emulator: d.emulator, kernel: d.kernel, status: 'diverges' }];
  }
  if (a) v.emuPacket = e.index.get(a)!;
  if (b) v.kernelPacket = k.index.get(b)!;
  const step = a?.step ?? b?.step;
  if (step !== undefined) v.step = step;
  if (a || b) v.tcpdump = { emulator: a ? tcpdumpLine(a.frame) : '(none)', kernel: b ? tcpdumpLine(b.frame) : '(none)' };
}

export function divergenceViews(outcome: RunOutcome): DivergenceView[] {
  const divergences = outcome.comparison?.divergences ?? [];
  if (divergences.length === 0) return [];
  const e = side(outcome.runs.emu?.run.packets ?? []), k = side(outcome.runs.kernel?.run.packets ?? []);
  return divergences.map((d, id) => {
    const v: DivergenceView = { ...d, id, fields: [] };
    if (d.kind === 'step') {
      const step = Number(/^step (\d+)/.exec(d.where)?.[1]);
      if (Number.isInteger(step)) v.step = step;
      v.fields = [{ name: d.field, emulator: d.emulator, kernel: d.kernel, status: 'diverges' }];
    } else if (d.kind === 'packets') {
      packetView(v, e, k);
    } else {
      v.fields = jsonFields(d.emulator, d.kernel);
    }
    return v;
  });
}
