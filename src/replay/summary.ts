// The end-of-replay summary in tcpreplay's form ("Actual: ... sent in S seconds", "Rated:
// X Bps, Y Mbps, Z pps"), where seconds are wall-clock, then the virtual time and dpsim's
// verdict counts; and the same as one JSON object.

import type { ReplayCounts } from './counts.js';

export interface SummaryInput {
  counts: ReplayCounts;
  wallNs: number;
  prog: string;
  backend: string;
  /** The VM engine that ran the last packet (interp or wasm), when the VM ran. */
  engine?: string;
  /** How the VM's clock was paced; undefined when it followed the host's (kernel, both). */
  pacing?: string;
  divergences?: { count: number; packets: number };
  peakRssKiB?: number;
  /** The capture was damaged: the reason (the summary covers the packets before it). */
  damaged?: string;
  interrupted?: boolean;
}

function rates(c: ReplayCounts, wallNs: number) {
  const s = wallNs / 1e9;
  return { seconds: s, bps: s > 0 ? c.bytes / s : 0, mbps: s > 0 ? (c.bytes * 8) / s / 1e6 : 0, pps: s > 0 ? c.packets / s : 0 };
}

export function formatSummary(x: SummaryInput): string {
  const c = x.counts;
  const r = rates(c, x.wallNs);
  const v = c.virtualNs / 1e9;
  const lines = [
    `Actual: ${c.packets} packets (${c.bytes} bytes) sent in ${r.seconds.toFixed(6)} seconds`,
    `Rated: ${r.bps.toFixed(1)} Bps, ${r.mbps.toFixed(2)} Mbps, ${r.pps.toFixed(2)} pps`,
    x.pacing !== undefined
      ? `Virtual: ${v.toFixed(9)} seconds of virtual time, paced by ${x.pacing}${v > 0 ? ` (${((c.packets - 1) / v).toFixed(2)} pps)` : ''}`
      : "Clock: the host's CLOCK_MONOTONIC (the kernel cannot be paced); output timestamps follow the capture's",
    `Statistics for program ${x.prog} (${x.backend}${x.engine ? `, VM engine ${x.engine}` : ''}):`,
    `\tPassed packets:          ${c.verdicts.passed}`,
    `\tRedirected packets:      ${c.verdicts.redirected}${c.redirects.size ? ` (${c.describeRedirects()})` : ''}`,
    `\tDropped packets:         ${c.verdicts.dropped}${c.dropReasons.size ? ` (${c.describeDrops()})` : ''}`,
    `\tOther actions:           ${c.verdicts.other}${c.others.size ? ` (${[...c.others].map(([a, n]) => `${a}: ${n}`).join(', ')})` : ''}`,
    `\tRefused packets:         ${c.refused}`,
    `\tFaults:                  ${c.faults}`,
    `\tSkipped packets:         ${c.skipped}`,
  ];
  if (x.divergences) lines.push(`\tDivergences:             ${x.divergences.count} (in ${x.divergences.packets} packets)`);
  if (x.peakRssKiB !== undefined) lines.push(`Peak RSS: ${(x.peakRssKiB / 1024).toFixed(1)} MiB (VmHWM ${x.peakRssKiB} kB)`);
  if (x.interrupted) lines.push('Interrupted: the replay stopped early');
  if (x.damaged) lines.push(`Damaged capture: ${x.damaged}`);
  return lines.join('\n');
}

export function summaryJson(x: SummaryInput): Record<string, unknown> {
  const c = x.counts;
  const r = rates(c, x.wallNs);
  return {
    packets: c.packets, bytes: c.bytes, seconds: r.seconds, bps: r.bps, mbps: r.mbps, pps: r.pps,
    ...(x.pacing !== undefined ? { virtual_seconds: c.virtualNs / 1e9, pacing: x.pacing } : { clock: 'host' }), program: x.prog, backend: x.backend, ...(x.engine ? { engine: x.engine } : {}),
    passed: c.verdicts.passed,
    redirected: c.verdicts.redirected, redirect_targets: Object.fromEntries(c.redirects),
    dropped: c.verdicts.dropped, drop_reasons: Object.fromEntries([...c.dropReasons].map(([k, n]) => [k < 0 ? 'none' : String(k), n])),
    other: c.verdicts.other, other_actions: Object.fromEntries(c.others),
    refused: c.refused, faults: c.faults, skipped: c.skipped,
    ...(x.divergences ? { divergences: x.divergences.count, divergent_packets: x.divergences.packets } : {}),
    ...(x.peakRssKiB !== undefined ? { peak_rss_kib: x.peakRssKiB } : {}),
    ...(x.interrupted ? { interrupted: true } : {}),
    ...(x.damaged ? { damaged: x.damaged } : {}),
  };
}
