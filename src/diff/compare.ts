// The pure comparison: two sides' records in, divergences and applied normalisations out.
// No kernel, no VM: tests feed it records directly.

import { compareMaps } from './map-compare.js';
import { NormalisationLog } from './normalisation-log.js';
import { compareRun } from './run-compare.js';
import type { CompareOptions, Comparison, Divergence, SideRecord } from './types.js';

export function compareSides(emulator: SideRecord, kernel: SideRecord, opts: CompareOptions = {}): Comparison {
  const log = new NormalisationLog();
  const divergences: Divergence[] = [];
  const order = opts.eventMapOrder ?? [];
  for (let i = 0; i < Math.max(emulator.runs.length, kernel.runs.length); i++) {
    const e = emulator.runs[i], k = kernel.runs[i];
    if (e === undefined || k === undefined) {
      divergences.push({ input: i, field: 'input', emulator: e ? 'ran' : '(not run)', kernel: k ? 'ran' : '(not run)' });
      continue;
    }
    divergences.push(...compareRun(i, e, k, order, log, opts.ctxLayout));
  }
  divergences.push(...compareMaps(emulator.maps, kernel.maps, opts.mapNormalisers ?? [], log));
  return { divergences, normalisations: log.list() };
}
