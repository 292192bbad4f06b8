// Every difference the comparison deliberately ignores, with the kernel behaviour behind it
// (docs/agreement.md lists them too).

import type { Normalisation } from './types.js';

export const PERF_PADDING: Normalisation = {
  name: 'perf-sample-padding',
  reason:
    'the kernel sizes a perf raw sample so that its u32 size field plus the data end on 8 bytes ' +
    '(perf_prepare_sample: raw->size = round_up(n + 4, 8) - 4) and skips the pad bytes without writing them; ' +
    'the pad length is checked, its contents (stale ring memory) are not compared',
};

export const EVENT_GROUPING: Normalisation = {
  name: 'events-grouped-by-map',
  reason:
    'the kernel side drains each perf/ringbuf map in turn after a run, so the order between ' +
    'events of different maps is lost; the emulator\'s events are grouped the same way (object map order, ' +
    'emission order within a map)',
};

export const FD_ARRAY_SLOTS: Normalisation = {
  name: 'fd-array-occupied-slots',
  reason:
    'a prog array or map-in-map holds kernel object ids on the kernel side and handles in the emulator; ' +
    'only which slots are occupied is compared',
};

export const CTX_ZERO_EXTENDED: Normalisation = {
  name: 'ctx-in-zero-extended',
  reason:
    'the kernel helper sizes ctx_out like ctx_in, and the kernel fails a ctx_out shorter than the context struct ' +
    'with ENOSPC; a short ctx_in is zero-extended to the full struct for the kernel side, as the kernel itself does with it',
};
