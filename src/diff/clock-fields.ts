// Fields the datapath fills from bpf_ktime_get_ns come from two different clocks (the kernel's
// monotonic clock, the emulator's virtual one). A `lifetime` field (seconds, as Cilium's
// conntrack keeps it) is compared as the time left, rounded to 10 s, so a flow that got the
// same timeout on both sides compares equal however far apart the clocks are.

import type { Layout } from '../maps/index.js';
import type { MapNormaliser, MapSnapshot } from './types.js';

const CLOCK_FIELD_NAMES = new Set(['lifetime']);

function clockFields(layout: Layout | undefined): { offset: number; size: 4 | 8 }[] {
  if (!layout || layout.kind !== 'struct') return [];
  return layout.fields
    .filter((f) => CLOCK_FIELD_NAMES.has(f.name) && f.layout.kind === 'int' && (f.layout.size === 4 || f.layout.size === 8))
    .map((f) => ({ offset: f.offset, size: (f.layout as { size: 4 | 8 }).size }));
}

export const CLOCK_LIFETIMES: MapNormaliser = {
  name: 'clock-lifetimes',
  reason: 'conntrack/NAT lifetimes are set from bpf_ktime_get_ns, which is the kernel\'s monotonic clock on one side and ' +
    'the emulator\'s virtual clock on the other: they are compared as time left, rounded to 10 s',
  applies: (m) => clockFields(m.valueLayout).length > 0,
  normalise: (m: MapSnapshot) => {
    const now = Number((m.clockNs ?? 0n) / 1_000_000_000n);
    const fields = clockFields(m.valueLayout);
    const fix = (v: Uint8Array) => {
      const out = v.slice();
      const view = new DataView(out.buffer);
      for (const f of fields) {
        const t = f.size === 4 ? view.getUint32(f.offset, true) : Number(view.getBigUint64(f.offset, true));
        const left = Math.max(0, Math.round((t - now) / 10) * 10);
        if (f.size === 4) view.setUint32(f.offset, left, true); else view.setBigUint64(f.offset, BigInt(left), true);
      }
      return out;
    };
    return {
      ...m,
      entries: m.entries.map((e) => ({ key: e.key, value: e.value === null ? null : Array.isArray(e.value) ? e.value.map(fix) : fix(e.value) })),
    };
  },
};
