// The data the HTML viewer renders, embedded in the page as JSON: steps with each backend's
// outcome, the flows, the captured packets, the hooks, the divergences field by field and
// each step's program trace. Plain, display-ready strings; the viewer adds no knowledge.

import type { RunOutcome } from '../../src/cli/run.js';
import type { ExpectationResult } from '../../src/scenario/expect.js';
import { compactLine, type HubbleEndpoint } from '../../src/observe/flows.js';
import { dropReasonName } from '../../src/observe/drop-reasons.js';
import { tcpdumpLine } from '../../src/packet/decode.js';
import { backendsOf, type ReportContext } from '../context.js';
import type { BackendName, ReportFlow } from '../flows.js';
import { stepTitle, stepWhat } from '../step-labels.js';
import { stepError, stepOutcome, type StepOutcome } from '../step-outcome.js';
import type { ToolVersions } from '../environment.js';
import type { StepTrace } from '../traces.js';
import { divergenceViews, type DivergenceView } from './divergence-detail.js';

export interface StepView {
  index: number;
  title: string;
  what: string;
  results: Partial<Record<BackendName, {
    outcome: StepOutcome;
    summary: string;
    note?: string;
    error?: string;
    expectations: ExpectationResult[];
  }>>;
  /** Fields where the backends' outcomes differ. */
  diverging: string[];
}

export interface FlowRow {
  id: number;
  backend: BackendName;
  step: number;
  timeNs: number;
  time: string;
  node: string;
  source: string;
  destination: string;
  /** Pod names (namespace/name) on either side, for the pod filter. */
  pods: string[];
  point: string;
  verdict: string;
  dropReason: string;
  protocol: string;
  summary: string;
  compact: string;
}

export interface PacketRow {
  id: number;
  backend: BackendName;
  step: number;
  point: string;
  timeNs: number;
  time: string;
  length: number;
  line: string;
  /** Divergence ids this packet takes part in. */
  divergences: number[];
}

export interface ReportModel {
  scenario: { name: string; file: string; description?: string };
  generatedAt: string;
  versions: ToolVersions;
  exitCode: number;
  notes: string[];
  backends: BackendName[];
  compared: boolean;
  steps: StepView[];
  pods: string[];
  flows: FlowRow[];
  packets: PacketRow[];
  /** "node1/lxcfrontend:ingress" → "tc ingress: bpf_lxc.o cil_from_container". */
  hooks: Record<string, string>;
  divergences: DivergenceView[];
  normalisations: { name: string; reason: string }[];
  traces: Record<number, StepTrace>;
}

export const relTime = (ns: number) => `+${(ns / 1e9).toFixed(6)} s`;

function endpointText(e: HubbleEndpoint, ip: string | undefined, port: number | undefined): string {
  const who = e.pod_name ? `${e.namespace ?? 'default'}/${e.pod_name}` : ip ?? `identity ${e.identity}`;
  return port !== undefined ? `${who}:${port}` : who;
}

function flowRow(f: ReportFlow, id: number): FlowRow {
  const fl = f.record.flow;
  const l4 = fl.l4?.TCP ?? fl.l4?.UDP;
  const protocol = fl.l4?.TCP ? 'tcp' : fl.l4?.UDP ? 'udp' : fl.l4?.ICMPv4 ? 'icmp' : fl.Summary.startsWith('ARP') ? 'arp' : 'other';
  const pods = [fl.source, fl.destination].filter((e) => e.pod_name).map((e) => `${e.namespace ?? 'default'}/${e.pod_name}`);
  return {
    id, backend: f.backend, step: f.step, timeNs: f.timeNs, time: relTime(f.timeNs), node: f.record.node_name,
    source: endpointText(fl.source, fl.IP?.source, l4?.source_port),
    destination: endpointText(fl.destination, fl.IP?.destination, l4?.destination_port),
    pods: [...new Set(pods)],
    point: fl.trace_observation_point ?? (fl.interface?.name ? `drop at ${fl.interface.name}` : 'drop'),
    verdict: fl.verdict,
    dropReason: fl.drop_reason_desc ?? '',
    protocol,
    summary: fl.Summary,
    compact: compactLine(f.record),
  };
}

function stepSummary(r: { replies: number; sent: number; delivered: boolean; sourceSeen?: string; backend?: string; drops: { reason: number; node: string; device: string }[] }): string {
  const drops = [...new Set(r.drops.map((d) => `${dropReasonName(d.reason)} at ${d.node}/${d.device}`))];
  return [`replies ${r.replies}/${r.sent}`, `delivered ${r.delivered ? 'yes' : 'no'}`, r.sourceSeen ? `source seen ${r.sourceSeen}` : '', r.backend ? `backend ${r.backend}` : '', drops.length ? `dropped: ${drops.join(', ')}` : '']
    .filter(Boolean).join(', ');
}

function hooks(ctx: ReportContext): Record<string, string> {
  return Object.fromEntries(ctx.plan.nodes.flatMap((n) => n.attachments.map((a) => [`${n.name}/${a.device}:${a.direction}`, `tc ${a.direction}: ${a.object} ${a.program}`])));
}

export function reportModel(outcome: RunOutcome, ctx: ReportContext, traces: Record<number, StepTrace>): ReportModel {
  const s = outcome.parsed.scenario;
  const backends = backendsOf(outcome);
  const divergences = divergenceViews(outcome);
  const steps: StepView[] = s.traffic.map((step, i) => ({
    index: i, title: stepTitle(s, i), what: stepWhat(step),
    results: Object.fromEntries(backends.map((b) => {
      const run = outcome.runs[b]!;
      const r = run.run.steps[i];
      const error = stepError(run, i);
      return [b, {
        outcome: stepOutcome(run, i), summary: r ? stepSummary(r) : 'not run',
        ...(r?.note ? { note: r.note } : {}), ...(error ? { error } : {}),
        expectations: run.expectations.filter((x) => x.step === i),
      }];
    })),
    diverging: divergences.filter((d) => d.kind === 'step' && d.step === i).map((d) => d.field),
  }));
  const flows = backends.flatMap((b) => ctx.flows[b]?.flows ?? []).sort((a, b) => a.timeNs - b.timeNs || a.seq - b.seq).map(flowRow);
  const packets: PacketRow[] = [];
  for (const b of backends) {
    const byPacket = new Map<number, number[]>();
    for (const d of divergences) {
      const i = b === 'emu' ? d.emuPacket : d.kernelPacket;
      if (i !== undefined) (byPacket.get(i) ?? byPacket.set(i, []).get(i)!).push(d.id);
    }
    outcome.runs[b]!.run.packets.forEach((p, i) => {
      const mine = byPacket.get(i) ?? [];
      packets.push({ id: packets.length, backend: b, step: p.step, point: p.point, timeNs: p.timeNs, time: relTime(p.timeNs), length: p.frame.length, line: tcpdumpLine(p.frame), divergences: mine });
    });
  }
  return {
    scenario: { name: s.name, file: outcome.parsed.file, ...(s.description ? { description: s.description } : {}) },
    generatedAt: ctx.generatedAt,
    versions: ctx.versions,
    exitCode: outcome.exitCode,
    notes: outcome.notes,
    backends,
    compared: outcome.comparison !== undefined,
    steps,
    pods: ctx.plan.pods.map((p) => `${p.namespace}/${p.name}`),
    flows,
    packets,
    hooks: hooks(ctx),
    divergences,
    normalisations: outcome.comparison?.normalisations ?? [],
    traces,
  };
}
