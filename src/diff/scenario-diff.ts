// Comparing the emulator's and the kernel's runs of one scenario: per step the outcome, per
// observation point the packets (decoded, normalised, pinpointed to the field), and the
// datapath's map contents after the run (conntrack lifetimes compared as time left).

import type { BackendRun, CapturedPacket, StepResult } from '../backends/types.js';
import type { MapsJson, JsonValue } from '../maps/index.js';
import { diffFrames, tcpdumpLine } from '../packet/decode.js';
import { dropReasonName } from '../observe/drop-reasons.js';
import { normaliseFrame, TcpIsns, PACKET_NORMALISATIONS, type PacketNormalisation } from './packet-normalise.js';
import { tcpSegment, summarise, compareStreams, type TcpSegment } from './tcp-streams.js';

export interface ScenarioDivergence {
  kind: 'step' | 'packets' | 'map';
  /** "step 2", "node1/lxcclient:ingress", "node1 bpf_lxc.o cilium_ct4_global". */
  where: string;
  field: string;
  emulator: string;
  kernel: string;
}

export interface ScenarioComparison {
  divergences: ScenarioDivergence[];
  normalisations: { name: string; reason: string }[];
}

function stepFields(r: StepResult): Record<string, string> {
  return {
    replies: `${r.replies}/${r.sent}`,
    delivered: String(r.delivered),
    sourceSeen: r.sourceSeen ?? '-',
    backend: r.backend ?? '-',
    drops: [...new Set(r.drops.map((d) => `${dropReasonName(d.reason)}@${d.node}/${d.device}`))].sort().join(', ') || '-',
  };
}

export function compareSteps(emu: StepResult[], ker: StepResult[]): ScenarioDivergence[] {
  const out: ScenarioDivergence[] = [];
  for (let i = 0; i < Math.max(emu.length, ker.length); i++) {
    const e = emu[i], k = ker[i];
    if (!e || !k) { out.push({ kind: 'step', where: `step ${i}`, field: 'ran', emulator: String(!!e), kernel: String(!!k) }); continue; }
    const ef = stepFields(e), kf = stepFields(k);
    for (const f of Object.keys(ef)) if (ef[f] !== kf[f]) out.push({ kind: 'step', where: `step ${i}`, field: f, emulator: ef[f]!, kernel: kf[f]! });
  }
  return out;
}

export function comparePackets(emu: CapturedPacket[], ker: CapturedPacket[], used: Set<PacketNormalisation>): ScenarioDivergence[] {
  const out: ScenarioDivergence[] = [];
  const byPoint = (ps: CapturedPacket[]) => {
    const m = new Map<string, CapturedPacket[]>();
    for (const p of ps) (m.get(p.point) ?? m.set(p.point, []).get(p.point)!).push(p);
    return m;
  };
  const byTime = (ps: CapturedPacket[]) => [...ps].sort((a, b) => a.timeNs - b.timeNs).map((p) => p.frame);
  const eb = TcpIsns.from(byTime(emu)), kb = TcpIsns.from(byTime(ker));
  const e = byPoint(emu), k = byPoint(ker);
  for (const point of [...new Set([...e.keys(), ...k.keys()])].sort()) {
    // TCP is compared per flow as streams (tcp-streams.ts); everything else packet by packet.
    const split = (ps: CapturedPacket[]) => {
      const tcp = new Map<string, TcpSegment[]>();
      const other: CapturedPacket[] = [];
      for (const p of ps) {
        const seg = tcpSegment(p.frame);
        if (seg) (tcp.get(seg.flow) ?? tcp.set(seg.flow, []).get(seg.flow)!).push(seg);
        else other.push(p);
      }
      return { tcp, other };
    };
    const es = split(e.get(point) ?? []), ks = split(k.get(point) ?? []);
    for (const flow of [...new Set([...es.tcp.keys(), ...ks.tcp.keys()])].sort()) {
      used.add('tcp-segmentation');
      for (const d of compareStreams(summarise(es.tcp.get(flow) ?? []), summarise(ks.tcp.get(flow) ?? []))) {
        out.push({ kind: 'packets', where: point, field: `tcp ${flow}: ${d.field}`, emulator: d.emulator, kernel: d.kernel });
      }
    }
    const ep = es.other, kp = ks.other;
    for (let i = 0; i < Math.max(ep.length, kp.length); i++) {
      const a = ep[i], b = kp[i];
      if (!a || !b) {
        out.push({ kind: 'packets', where: point, field: `packet ${i + 1}`, emulator: a ? tcpdumpLine(a.frame) : '(none)', kernel: b ? tcpdumpLine(b.frame) : '(none)' });
        continue;
      }
      const na = normaliseFrame(a.frame, eb), nb = normaliseFrame(b.frame, kb);
      na.applied.forEach((n) => used.add(n));
      nb.applied.forEach((n) => used.add(n));
      const bad = [...new Set([...na.badChecksums, ...nb.badChecksums])].filter((c) => na.badChecksums.includes(c) !== nb.badChecksums.includes(c));
      for (const c of bad) out.push({ kind: 'packets', where: point, field: `packet ${i + 1} ${c}`, emulator: na.badChecksums.includes(c) ? 'bad' : 'ok', kernel: nb.badChecksums.includes(c) ? 'bad' : 'ok' });
      const diffs = diffFrames(na.frame, nb.frame);
      if (diffs.length) {
        out.push({ kind: 'packets', where: point, field: `packet ${i + 1}: ${diffs.join('; ')}`, emulator: tcpdumpLine(a.frame), kernel: tcpdumpLine(b.frame) });
      }
    }
  }
  return out;
}

/** Per-CPU values (arrays of per-CPU objects) summed field by field: which CPU counted is the kernel's scheduling. */
function sumPerCpu(v: JsonValue): JsonValue {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) return v;
  const out: Record<string, JsonValue> = {};
  for (const slot of v as Record<string, JsonValue>[]) {
    for (const [k, x] of Object.entries(slot)) out[k] = typeof x === 'number' && typeof out[k] === 'number' ? (out[k] as number) + x : out[k] ?? x;
  }
  return out;
}

/**
 * Counters that count TCP segments (conntrack entries of TCP flows, forwarded-packet metrics)
 * depend on how the transfer was segmented and acknowledged, i.e. on timing: left out.
 */
function dropSegmentCounters(key: JsonValue, value: JsonValue, used: Set<string>): JsonValue {
  if (key === null || typeof key !== 'object' || Array.isArray(key) || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const k = key as Record<string, JsonValue>;
  if (k.nexthdr !== 6 && k.reason !== 0) return value;
  const v = { ...(value as Record<string, JsonValue>) };
  let changed = false;
  for (const f of ['packets', 'bytes', 'count']) if (f in v) { delete v[f]; changed = true; }
  if (changed) used.add('segment-counters');
  return v;
}

/** The datapath's conntrack timeouts (docs/datapath.md): closing, SYN/non-TCP, established. */
const TIMEOUT_CLASSES = [10, 60, 21600];

/**
 * Conntrack-style `lifetime` fields: the time left at the side's clock, as the smallest timeout
 * class that covers it. The two backends take different times to run the same steps, so the
 * time left differs by the difference in run time; the class a flow was given does not.
 */
function normaliseLifetimes(v: JsonValue, nowS: number): JsonValue {
  if (Array.isArray(v)) return v.map((x) => normaliseLifetimes(x, nowS));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => {
      if (k !== 'lifetime' || typeof x !== 'number') return [k, normaliseLifetimes(x, nowS)];
      const left = Math.max(0, x - nowS);
      return [k, `≤${TIMEOUT_CLASSES.find((c) => left <= c) ?? Math.round(left)}s`];
    }));
  }
  return v;
}

export function compareMaps(emu: BackendRun['maps'], ker: BackendRun['maps'], emuNowS: number, kerNowS: number, used = new Set<string>()): ScenarioDivergence[] {
  const out: ScenarioDivergence[] = [];
  for (const node of [...new Set([...Object.keys(emu), ...Object.keys(ker)])].sort()) {
    for (const obj of [...new Set([...Object.keys(emu[node] ?? {}), ...Object.keys(ker[node] ?? {})])].sort()) {
      const em: MapsJson = emu[node]?.[obj] ?? {}, km: MapsJson = ker[node]?.[obj] ?? {};
      for (const map of [...new Set([...Object.keys(em), ...Object.keys(km)])].sort()) {
        const index = (entries: MapsJson[string] | undefined, now: number) =>
          new Map((entries ?? []).map((en) => [JSON.stringify(en.key), JSON.stringify(dropSegmentCounters(en.key, normaliseLifetimes(sumPerCpu(en.value), now), used))]));
        const a = index(em[map], emuNowS), b = index(km[map], kerNowS);
        for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
          if (a.get(key) !== b.get(key)) out.push({ kind: 'map', where: `${node} ${obj} ${map}`, field: `key ${key}`, emulator: a.get(key) ?? '(no entry)', kernel: b.get(key) ?? '(no entry)' });
        }
      }
    }
  }
  return out;
}

export function compareRuns(emu: BackendRun & { clockS?: number }, ker: BackendRun & { clockS?: number }): ScenarioComparison {
  const used = new Set<PacketNormalisation>();
  const mapNorms = new Set<string>();
  const divergences = [
    ...compareSteps(emu.steps, ker.steps),
    ...comparePackets(emu.packets, ker.packets, used),
    ...compareMaps(emu.maps, ker.maps, emu.clockS ?? 0, ker.clockS ?? 0, mapNorms),
  ];
  const normalisations: { name: string; reason: string }[] = [...used].map((name) => ({ name, reason: PACKET_NORMALISATIONS[name] }));
  normalisations.push({ name: 'clock-lifetimes', reason: 'conntrack lifetimes come from two clocks (virtual and CLOCK_MONOTONIC) and the backends take different times to run: compared as the timeout class (10 s, 60 s, 6 h) that covers the time left' });
  if (mapNorms.has('segment-counters')) normalisations.push({ name: 'segment-counters', reason: 'packet/byte counters of TCP conntrack entries and of forwarded-packet metrics count TCP segments, whose number depends on timing (see tcp-segmentation); they are left out (drop counters are compared)' });
  normalisations.push({ name: 'percpu-sum', reason: 'which CPU a packet was processed on is the kernel\'s scheduling; per-CPU map values are compared summed over CPUs' });
  return { divergences, normalisations };
}
