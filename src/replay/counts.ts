// Running totals of a replay: what was sent, and the verdicts by class, drop reason and
// redirect target. Constant size whatever the capture's length.

import { dropReasonName } from '../observe/drop-reasons.js';
import type { VerdictClass } from './verdict.js';

export class ReplayCounts {
  /** Packets run through the program (refused ones included) and their bytes. */
  packets = 0;
  bytes = 0;
  readonly verdicts: Record<VerdictClass, number> = { passed: 0, redirected: 0, dropped: 0, other: 0 };
  /** Test runs refused as the kernel would (EINVAL: too short a frame, ...). */
  refused = 0;
  /** VM faults (the kernel's verifier would not have let the program fault). */
  faults = 0;
  /** Packets whose link type has no Ethernet form: not run. */
  skipped = 0;
  /** By drop reason code; -1 = no drop notification. */
  readonly dropReasons = new Map<number, number>();
  /** By redirect target ("3", or "unknown" where the backend cannot see it). */
  readonly redirects = new Map<string, number>();
  /** Other actions by name. */
  readonly others = new Map<string, number>();
  /** Virtual time from the first packet to the last. */
  virtualNs = 0;

  add(verdict: VerdictClass, detail: { reason?: number; target?: number; action: string }): void {
    this.verdicts[verdict]++;
    if (verdict === 'dropped') bump(this.dropReasons, detail.reason ?? -1);
    else if (verdict === 'redirected') bump(this.redirects, detail.target === undefined ? 'unknown' : String(detail.target));
    else if (verdict === 'other') bump(this.others, detail.action);
  }

  /** "POLICY_DENIED (133): 5, no reason: 1". */
  describeDrops(): string {
    return [...this.dropReasons].sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${code < 0 ? 'no reason' : `${dropReasonName(code)} (${code})`}: ${n}`).join(', ');
  }

  describeRedirects(): string {
    return [...this.redirects].map(([t, n]) => `${t === 'unknown' ? 'target unknown' : `ifindex ${t}`}: ${n}`).join(', ');
  }
}

function bump<K>(m: Map<K, number>, k: K): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}
