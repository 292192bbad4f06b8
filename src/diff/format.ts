// A program diff report as text for a terminal.

import type { Comparison, Divergence, ProgramDiffReport } from './types.js';

export function formatDiff(report: Comparison & Partial<Pick<ProgramDiffReport, 'objPath' | 'prog' | 'inputs' | 'nCpus' | 'pinnedToCpu0'>>): string {
  const lines: string[] = [];
  if (report.objPath !== undefined) {
    lines.push(`${report.objPath} ${report.prog ?? ''}: ${report.inputs ?? '?'} inputs, ${report.nCpus ?? '?'} CPUs`);
  }
  if (report.pinnedToCpu0 === false) lines.push('warning: the kernel helper is not pinned to CPU 0; per-CPU results may differ from the emulator\'s CPU 0');
  if (report.divergences.length === 0) lines.push('emulator and kernel agree');
  else lines.push(`${report.divergences.length} divergence${report.divergences.length === 1 ? '' : 's'}:`);
  for (const d of report.divergences) lines.push(...formatDivergence(d));
  if (report.normalisations.length > 0) {
    lines.push('normalised:');
    for (const n of report.normalisations) lines.push(`  ${n.name}: ${n.reason}`);
  }
  return lines.join('\n');
}

function formatDivergence(d: Divergence): string[] {
  const where = d.input === 'final' ? 'after the last input' : `input ${d.input}`;
  return [`- ${where}: ${d.field}`, ...side('emulator', d.emulator), ...side('kernel  ', d.kernel)];
}

/** Multi-line values (hex dumps, faults) indented under their label. */
function side(label: string, text: string): string[] {
  const [first, ...rest] = text.split('\n');
  return [`    ${label}: ${first}`, ...rest.map((l) => `      ${l}`)];
}
