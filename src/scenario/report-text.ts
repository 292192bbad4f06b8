// The human summary of `dpsim run`: each step's outcome per backend, failed expectations,
// divergences with both sides, and the normalisations applied.
import type { RunOutcome } from '../cli/run.js';
import { dropReasonName } from '../observe/drop-reasons.js';

export function formatRunReport(out: RunOutcome): string {
  const s = out.parsed.scenario;
  const lines = [`scenario ${s.name} (${out.parsed.file})`];
  for (const n of out.notes) lines.push(`note: ${n}`);
  s.traffic.forEach((step, i) => {
    const kind = step.ping ? `ping ${step.ping.from} → ${step.ping.to}` : step.tcp ? `tcp ${step.tcp.from} → ${step.tcp.to}:${step.tcp.port}`
      : step.udp ? `udp ${step.udp.from} → ${step.udp.to}:${step.udp.port}` : step.packet ? `packet at ${step.packet.at}` : 'pcap';
    lines.push(`step ${i}${step.name ? ` (${step.name})` : ''}: ${kind}`);
    for (const [backend, run] of Object.entries(out.runs)) {
      const r = run.run.steps[i];
      if (!r) continue;
      const drops = r.drops.length ? ` dropped: ${[...new Set(r.drops.map((d) => dropReasonName(d.reason)))].join(', ')}` : '';
      const exp = run.expectations.filter((x) => x.step === i);
      const verdict = exp.length === 0 ? '' : exp.every((x) => x.ok) ? ' PASS' : ' FAIL';
      lines.push(`  ${backend.padEnd(6)} replies ${r.replies}/${r.sent}, delivered ${r.delivered ? 'yes' : 'no'}${r.sourceSeen ? `, source seen ${r.sourceSeen}` : ''}${r.backend ? `, backend ${r.backend}` : ''}${drops}${verdict}`);
      for (const x of exp.filter((e) => !e.ok)) lines.push(`         expected ${x.what}: ${x.expected}, got ${x.actual}`);
    }
  });
  for (const [backend, run] of Object.entries(out.runs)) {
    const t = run.run.timings;
    lines.push(`${backend}${run.run.engine ? ` (VM engine ${run.run.engine})` : ''}: setup ${t.setupMs.toFixed(0)} ms, traffic ${t.runMs.toFixed(0)} ms, teardown ${t.teardownMs.toFixed(0)} ms`);
  }
  if (out.comparison) {
    const d = out.comparison.divergences;
    lines.push(d.length === 0 ? 'emulator and kernel agree' : `${d.length} divergence(s) between emulator and kernel:`);
    for (const x of d.slice(0, 50)) lines.push(`  [${x.kind}] ${x.where}: ${x.field}\n      emulator: ${x.emulator}\n      kernel:   ${x.kernel}`);
    if (d.length > 50) lines.push(`  ... ${d.length - 50} more`);
    if (out.comparison.normalisations.length) lines.push('normalised: ' + out.comparison.normalisations.map((n) => `${n.name} (${n.reason})`).join('; '));
  }
  const failed = Object.values(out.runs).flatMap((r) => r.expectations).filter((x) => !x.ok).length;
  lines.push(failed ? `${failed} expectation(s) failed` : 'all expectations hold');
  return lines.join('\n');
}
