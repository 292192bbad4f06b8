// Checking a step's expectations against what a backend observed.

import type { StepResult } from '../backends/types.js';
import { dropReasonCode, dropReasonName } from '../observe/drop-reasons.js';
import type { Expectation } from './schema.js';

export interface ExpectationResult {
  step: number;
  what: 'delivered' | 'reply' | 'dropped' | 'sourceSeen' | 'backend';
  expected: string;
  actual: string;
  ok: boolean;
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

export function checkExpectations(step: number, expect: Expectation, r: StepResult): ExpectationResult[] {
  const out: ExpectationResult[] = [];
  const add = (what: ExpectationResult['what'], expected: string, actual: string, ok: boolean) => out.push({ step, what, expected, actual, ok });
  if (expect.delivered !== undefined) add('delivered', yesNo(expect.delivered), yesNo(r.delivered), r.delivered === expect.delivered);
  if (expect.reply !== undefined) {
    const got = r.replies > 0;
    add('reply', expect.reply ? `replies (${r.sent} sent)` : 'no reply', `${r.replies} of ${r.sent}`, expect.reply ? r.replies === r.sent && got : !got);
  }
  if (expect.dropped !== undefined) {
    const code = dropReasonCode(expect.dropped);
    const seen = r.drops.map((d) => `${dropReasonName(d.reason)} (${d.reason}) at ${d.node}/${d.device}`);
    const ok = code !== undefined && r.drops.some((d) => d.reason === code) && !r.delivered;
    add('dropped', code === undefined ? `unknown reason "${expect.dropped}"` : `${dropReasonName(code)} (${code})`, seen.length ? seen.join(', ') : r.delivered ? 'delivered' : 'no drop event', ok);
  }
  if (expect.sourceSeen !== undefined) add('sourceSeen', expect.sourceSeen, r.sourceSeen ?? '(nothing received)', r.sourceSeen === expect.sourceSeen);
  if (expect.backend !== undefined) add('backend', expect.backend, r.backend ?? '(no backend answered)', r.backend === expect.backend);
  return out;
}
