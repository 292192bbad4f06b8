// A program's return value read as a verdict: the TC_ACT_* (or XDP_*) name, and which output
// the packet belongs to (passed, redirected, dropped, other).

export type VerdictClass = 'passed' | 'redirected' | 'dropped' | 'other';

const TC_ACT: Record<number, string> = {
  [-1]: 'TC_ACT_UNSPEC', 0: 'TC_ACT_OK', 1: 'TC_ACT_RECLASSIFY', 2: 'TC_ACT_SHOT', 3: 'TC_ACT_PIPE',
  4: 'TC_ACT_STOLEN', 5: 'TC_ACT_QUEUED', 6: 'TC_ACT_REPEAT', 7: 'TC_ACT_REDIRECT', 8: 'TC_ACT_TRAP',
};

const XDP_ACT: Record<number, string> = { 0: 'XDP_ABORTED', 1: 'XDP_DROP', 2: 'XDP_PASS', 3: 'XDP_TX', 4: 'XDP_REDIRECT' };

/** retval as the program meant it: 0xffffffff is TC_ACT_UNSPEC (-1). */
const signed = (retval: number) => retval | 0;

export function actionName(retval: number, xdp = false): string {
  const name = xdp ? XDP_ACT[retval] : TC_ACT[signed(retval)];
  return name ?? `${xdp ? 'XDP' : 'TC_ACT'}_${signed(retval)}`;
}

export function classify(retval: number, xdp = false): VerdictClass {
  if (xdp) {
    if (retval === 2) return 'passed';
    if (retval === 4) return 'redirected';
    if (retval === 0 || retval === 1) return 'dropped';
    return 'other';
  }
  const r = signed(retval);
  if (r === 0 || r === -1) return 'passed';
  if (r === 7) return 'redirected';
  if (r === 2) return 'dropped';
  return 'other';
}

/**
 * The drop reason of the datapath's drop notification among a run's events
 * (docs/datapath-events.md: type 1, subtype = reason, version byte 1), if there is one.
 */
export function dropReasonOf(events: readonly { data: Uint8Array }[]): number | undefined {
  for (const e of events) {
    const d = e.data;
    if (d.length >= 40 && d[0] === 1 && d[14] === 1) return d[1];
  }
  return undefined;
}
