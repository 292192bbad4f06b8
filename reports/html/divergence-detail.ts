// A divergence made precise for the HTML report: which step it belongs to, and field by field
// what each side had (packets: the decoded frames of both sides, with the fields the
// comparison found different marked, and fields that differ only before normalisation marked
// as such; maps: the value's top-level keys).

import type { RunOutcome } from '../../src/cli/run.js';
import type { CapturedPacket } from '../../src/backends/types.js';
import type { ScenarioDivergence } from '../../src/diff/scenario-diff.js';
import { decodeFrame, tcpdumpLine } from '../../src/packet/decode.js';

export interface FieldRow {
  name: string;
  emulator: string;
  kernel: string;
  /** "diverges": the comparison found it different; "normalised": raw values differ, normalised equal. */
  status: 'same' | 'diverges' | 'normalised';
}

export interface DivergenceView extends ScenarioDivergence {
  id: number;
  step?: number;
  point?: string;
  /** 0-based position among the packets seen at the point (both sides). */
  packetIndex?: number;
  emuPacket?: number;
  kernelPacket?: number;
  tcpdump?: { emulator: string; kernel: string };
  fields: FieldRow[];
}

/** "packet 3: ip.ttl: 63 ≠ 64; tcp.csum: ..." → 2 and [ip.ttl, tcp.csum]; "packet 3 ip.csum" → [ip.csum]. */
export function parsePacketField(field: string): { index: number; names: string[] } | undefined {
  const m = /^packet (\d+)(?::\s*(.*)|\s+(\S+))?$/s.exec(field);
  if (!m) return undefined;
  const names = m[2] ? m[2].split('; ').map((part) => part.split(': ')[0]!.trim()).filter(Boolean) : m[3] ? [m[3]] : [];
  return { index: Number(m[1]) - 1, names };
}

function fieldRows(a: Uint8Array | undefined, b: Uint8Array | undefined, diverging: Set<string>): FieldRow[] {
  const fa = a ? decodeFrame(a).fields : [], fb = b ? decodeFrame(b).fields : [];
  const names = [...new Set([...fa.map((f) => f.name), ...fb.map((f) => f.name), ...diverging])];
  return names.map((name) => {
    const ea = fa.find((f) => f.name === name)?.value ?? (a ? '' : '(no packet)');
    const ka = fb.find((f) => f.name === name)?.value ?? (b ? '' : '(no packet)');
    const status = diverging.has(name) || !a || !b ? 'diverges' : ea !== ka ? 'normalised' : 'same';
    return { name, emulator: ea, kernel: ka, status };
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
  if (!a && !b) return [];
  const keys = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])];
  return keys.map((name) => {
    const ea = a && name in a ? JSON.stringify(a[name]) : '(absent)';
    const ka = b && name in b ? JSON.stringify(b[name]) : '(absent)';
    return { name, emulator: ea, kernel: ka, status: ea === ka ? 'same' : 'diverges' };
  });
}

function byPoint(packets: CapturedPacket[]): Map<string, CapturedPacket[]> {
  const m = new Map<string, CapturedPacket[]>();
  for (const p of packets) (m.get(p.point) ?? m.set(p.point, []).get(p.point)!).push(p);
  return m;
}

export function divergenceViews(outcome: RunOutcome): DivergenceView[] {
  const emu = outcome.runs.emu?.run.packets ?? [], ker = outcome.runs.kernel?.run.packets ?? [];
  const ep = byPoint(emu), kp = byPoint(ker);
  return (outcome.comparison?.divergences ?? []).map((d, id) => {
    const v: DivergenceView = { ...d, id, fields: [] };
    if (d.kind === 'step') {
      v.step = Number(/^step (\d+)/.exec(d.where)?.[1] ?? NaN);
      v.fields = [{ name: d.field, emulator: d.emulator, kernel: d.kernel, status: 'diverges' }];
    } else if (d.kind === 'packets') {
      const parsed = parsePacketField(d.field);
      v.point = d.where;
      if (parsed) {
        const a = ep.get(d.where)?.[parsed.index], b = kp.get(d.where)?.[parsed.index];
        v.packetIndex = parsed.index;
        if (a) v.emuPacket = emu.indexOf(a);
        if (b) v.kernelPacket = ker.indexOf(b);
        const step = a?.step ?? b?.step;
        if (step !== undefined) v.step = step;
        v.tcpdump = { emulator: a ? tcpdumpLine(a.frame) : '(none)', kernel: b ? tcpdumpLine(b.frame) : '(none)' };
        v.fields = fieldRows(a?.frame, b?.frame, new Set(parsed.names));
      }
    } else {
      v.fields = jsonFields(d.emulator, d.kernel);
    }
    if (v.step !== undefined && Number.isNaN(v.step)) delete v.step;
    return v;
  });
}
