// The replay flags checked and turned into what the replay takes: the pacing (one of
// --pps, --mbps, --multiplier, --topspeed; rates only for the VM's clock), counts, OBJ:PROG.

import type { BackendChoice } from './engines.js';
import { ReplayError } from './errors.js';
import type { Pacing } from './pacing.js';

const bad = (msg: string) => new ReplayError('bad-input', msg);

export interface PacingFlags {
  backend: BackendChoice;
  pps?: number;
  mbps?: number;
  multiplier?: number;
  topspeed?: boolean;
}

export function pacingOf(a: PacingFlags): Pacing {
  const given = [a.pps !== undefined && '--pps', a.mbps !== undefined && '--mbps', a.topspeed && '--topspeed', a.multiplier !== undefined && '--multiplier'].filter(Boolean);
  if (given.length > 1) throw bad(`${given.join(' and ')} cannot be combined: choose one way to pace`);
  const positive = (v: number, flag: string) => {
    if (!Number.isFinite(v) || v <= 0) throw bad(`${flag} must be a positive number, got ${v}`);
    return v;
  };
  if (a.backend !== 'emu' && (a.pps !== undefined || a.mbps !== undefined || a.multiplier !== undefined)) {
    throw bad(`${given[0]} paces the VM's virtual clock; the kernel (--backend ${a.backend}) runs on its own clock, which cannot be paced (with both, the VM follows the kernel's clock so that the two compare)`);
  }
  if (a.pps !== undefined) return { kind: 'pps', pps: positive(a.pps, '--pps') };
  if (a.mbps !== undefined) return { kind: 'mbps', mbps: positive(a.mbps, '--mbps') };
  return { kind: 'capture', multiplier: a.multiplier !== undefined ? positive(a.multiplier, '--multiplier') : 1 };
}

export function checkCounts(a: { loop: number; limit?: number; batch: number }): void {
  if (!Number.isInteger(a.loop) || a.loop < 0) throw bad(`--loop must be a whole number >= 0 (0: until --limit or Ctrl-C), got ${a.loop}`);
  if (a.limit !== undefined && (!Number.isInteger(a.limit) || a.limit < 1)) throw bad(`--limit must be a whole number >= 1, got ${a.limit}`);
  if (!Number.isInteger(a.batch) || a.batch < 1) throw bad(`--batch must be a whole number >= 1, got ${a.batch}`);
}

/** OBJ:PROG, split at the last colon (paths may hold one; program names do not). */
export function splitProg(text: string): { obj: string; prog: string } {
  const i = text.lastIndexOf(':');
  if (i <= 0 || i === text.length - 1) throw bad(`--prog ${text}: expected OBJ:PROG (e.g. bpf/build/bpf_lxc.o:cil_from_container)`);
  return { obj: text.slice(0, i), prog: text.slice(i + 1) };
}
