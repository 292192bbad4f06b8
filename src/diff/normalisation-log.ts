// Collects the normalisations a comparison actually applied, each named once.

import type { Normalisation } from './types.js';

export class NormalisationLog {
  readonly #applied = new Map<string, string>();

  note(name: string, reason: string): void {
    if (!this.#applied.has(name)) this.#applied.set(name, reason);
  }

  list(): Normalisation[] {
    return [...this.#applied].map(([name, reason]) => ({ name, reason }));
  }
}

export const PERF_PADDING = {
  name: 'perf-sample-padding',
  reason:
    'the kernel sizes a perf raw sample so that its u32 size field plus the data end on 8 bytes ' +
    '(perf_prepare_sample: raw->size = round_up(n + 4, 8) - 4) and skips the pad bytes without writing them; ' +
    'the pad length is checked, its contents (stale ring memory) are not compared',
};

export const EVENT_GROUPING = {
  name: 'events-grouped-by-map',
  reason:
    'the kernel side drains each perf/ringbuf map in turn after a run, so the order between ' +
    'events of different maps is lost; the emulator\'s events are grouped the same way (object map order, ' +
    'emission order within a map)',
};

export const FD_ARRAY_SLOTS = {
  name: 'fd-array-occupied-slots',
  reason:
    'a prog array or map-in-map holds kernel object ids on the kernel side and handles in the emulator; ' +
    'only which slots are occupied is compared',
};
