// The summary of a replay into the emulated topology: tcpreplay's Actual/Rated lines, then
// what each observation point saw and the datapath's drops.

import { dropReasonName } from '../observe/drop-reasons.js';
import type { ScenarioReplayResult } from './replay-scenario.js';

export function formatScenarioSummary(r: ScenarioReplayResult, at: string): string {
  const s = r.wallNs / 1e9;
  const lines = [
    `Actual: ${r.packets} packets (${r.bytes} bytes) sent in ${s.toFixed(6)} seconds`,
    `Rated: ${(s > 0 ? r.bytes / s : 0).toFixed(1)} Bps, ${(s > 0 ? (r.bytes * 8) / s / 1e6 : 0).toFixed(2)} Mbps, ${(s > 0 ? r.packets / s : 0).toFixed(2)} pps`,
    `Injected at ${at} in ${r.steps} emulator step${r.steps === 1 ? '' : 's'}${r.notSent ? `; ${r.notSent} not sent` : ''}${r.skipped ? `; ${r.skipped} skipped (no Ethernet form)` : ''}`,
    'Observation points:',
    ...[...r.points].map(([p, n]) => `\t${p}: ${n} packets`),
    `Datapath drops: ${[...r.drops.values()].reduce((n, d) => n + d.count, 0)}`,
    ...[...r.drops.values()].map((d) => `\t${d.node}: ${dropReasonName(d.reason)} (${d.reason}): ${d.count}`),
    ...r.notes.map((n) => `note: ${n}`),
  ];
  if (r.damaged) lines.push(`Damaged capture: ${r.damaged.message}`);
  return lines.join('\n');
}

export function scenarioSummaryJson(r: ScenarioReplayResult, at: string): Record<string, unknown> {
  const s = r.wallNs / 1e9;
  return {
    packets: r.packets, bytes: r.bytes, seconds: s, pps: s > 0 ? r.packets / s : 0, at, steps: r.steps,
    not_sent: r.notSent, skipped: r.skipped, points: Object.fromEntries(r.points),
    drops: [...r.drops.values()].map((d) => ({ node: d.node, reason: d.reason, reason_desc: dropReasonName(d.reason), count: d.count })),
    notes: r.notes, ...(r.damaged ? { damaged: r.damaged.message } : {}),
    ...(r.outputs ? { outputs: r.outputs } : {}),
  };
}
