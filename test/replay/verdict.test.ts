// Return values as verdicts: TC_ACT and XDP names, the output class, and the drop reason read
// from the datapath's drop notification (docs/datapath-events.md).
import { describe, it, expect } from 'vitest';
import { actionName, classify, dropReasonOf } from '../../src/replay/verdict.js';
import { ReplayCounts } from '../../src/replay/counts.js';

function dropNotify(reason: number, version = 1): Uint8Array {
  const d = new Uint8Array(40 + 14);
  d[0] = 1; d[1] = reason; d[14] = version;
  return d;
}

describe('verdicts', () => {
  it('names tc actions, with TC_ACT_UNSPEC from the 32-bit retval', () => {
    expect(actionName(0)).toBe('TC_ACT_OK');
    expect(actionName(2)).toBe('TC_ACT_SHOT');
    expect(actionName(7)).toBe('TC_ACT_REDIRECT');
    expect(actionName(0xffffffff)).toBe('TC_ACT_UNSPEC');
    expect(actionName(99)).toBe('TC_ACT_99');
    expect(actionName(2, true)).toBe('XDP_PASS');
  });

  it('classifies: OK and UNSPEC pass, SHOT drops, REDIRECT redirects, the rest is other', () => {
    expect([0, 0xffffffff, 2, 7, 4, 1].map((r) => classify(r))).toEqual(['passed', 'passed', 'dropped', 'redirected', 'other', 'other']);
    expect([2, 1, 0, 4, 3].map((r) => classify(r, true))).toEqual(['passed', 'dropped', 'dropped', 'redirected', 'other']);
  });

  it('finds the drop reason in a drop notification, not in trace notifications or other events', () => {
    const trace = new Uint8Array(48); trace[0] = 4; trace[1] = 5; trace[14] = 1;
    expect(dropReasonOf([{ data: trace }, { data: dropNotify(133) }])).toBe(133);
    expect(dropReasonOf([{ data: trace }])).toBeUndefined();
    expect(dropReasonOf([{ data: dropNotify(133, 0) }])).toBeUndefined(); // not the datapath's layout
    expect(dropReasonOf([{ data: new Uint8Array([1, 133]) }])).toBeUndefined();
  });

  it('counts by reason and by redirect target', () => {
    const c = new ReplayCounts();
    c.add('dropped', { action: 'TC_ACT_SHOT', reason: 133 });
    c.add('dropped', { action: 'TC_ACT_SHOT', reason: 133 });
    c.add('dropped', { action: 'TC_ACT_SHOT' });
    c.add('redirected', { action: 'TC_ACT_REDIRECT', target: 3 });
    c.add('redirected', { action: 'TC_ACT_REDIRECT' });
    c.add('other', { action: 'TC_ACT_STOLEN' });
    expect(c.verdicts).toEqual({ passed: 0, redirected: 2, dropped: 3, other: 1 });
    expect(c.describeDrops()).toBe('POLICY_DENIED (133): 2, no reason: 1');
    expect(c.describeRedirects()).toBe('ifindex 3: 1, target unknown: 1');
  });
});
