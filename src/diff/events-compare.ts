// Events (perf samples, ring buffer records) of one input on both sides.

import { describeBufferAt, firstDifference, hex } from './hexdump.js';
import type { NormalisationLog } from './normalisation-log.js';
import { EVENT_GROUPING, PERF_PADDING } from './normalisations.js';
import type { Divergence, EventRecord } from './types.js';

/** The raw sample size the kernel reports for `n` bytes of perf output. */
export function paddedPerfSize(n: number): number {
  return Math.ceil((n + 4) / 8) * 8 - 4;
}

/** Stable-sorts events by their map's position in `order` (maps not listed go last). */
export function groupByMap(events: readonly EventRecord[], order: readonly string[]): EventRecord[] {
  const rank = (e: EventRecord) => {
    const i = order.indexOf(e.map);
    return i < 0 ? order.length : i;
  };
  return events.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i).map(({ e }) => e);
}

function describeEvent(e: EventRecord | undefined): string {
  return e === undefined ? '(no event)' : `${e.kind} event on ${e.map}, ${e.data.length} bytes: ${hex(e.data)}`;
}

export function compareEvents(
  input: number,
  emulatorEvents: readonly EventRecord[],
  kernelEvents: readonly EventRecord[],
  order: readonly string[],
  log: NormalisationLog,
): Divergence[] {
  const emu = order.length > 0 ? groupByMap(emulatorEvents, order) : [...emulatorEvents];
  if (emu.some((e, i) => e !== emulatorEvents[i])) log.note(EVENT_GROUPING);
  const out: Divergence[] = [];
  for (let j = 0; j < Math.max(emu.length, kernelEvents.length); j++) {
    const e = emu[j], k = kernelEvents[j];
    const field = `events[${j}]`;
    if (e === undefined || k === undefined || e.map !== k.map || e.kind !== k.kind) {
      out.push({ input, field, emulator: describeEvent(e), kernel: describeEvent(k) });
      continue;
    }
    let kernelData = k.data;
    if (e.kind === 'perf') {
      const padded = paddedPerfSize(e.data.length);
      if (k.data.length !== padded) {
        out.push({
          input, field: `${field}.length`,
          emulator: `${e.data.length} bytes of output: the kernel would report ${padded} (padded)`,
          kernel: `${k.data.length} bytes`,
        });
        continue;
      }
      if (padded > e.data.length) log.note(PERF_PADDING);
      kernelData = k.data.subarray(0, e.data.length);
    }
    const at = firstDifference(e.data, kernelData);
    if (at >= 0) {
      out.push({ input, field: `${field}.data[${at}]`, emulator: describeBufferAt(e.data, at), kernel: describeBufferAt(kernelData, at) });
    }
  }
  return out;
}
