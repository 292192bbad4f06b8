// One packet's verdict as a line: packet number, tcpdump-style summary, the action with its
// retval, the redirect target, the drop reason from the datapath's events; or as JSON.

import { dropReasonName } from '../observe/drop-reasons.js';
import type { Divergence } from '../diff/index.js';
import type { PacketOutcome } from './outcome.js';
import type { VerdictClass } from './verdict.js';

export interface PacketReport {
  number: number;
  /** tcpdump-style summary of the input frame (empty when not asked for). */
  summary: string;
  /** undefined: skipped (no Ethernet form of its link type). */
  outcome?: PacketOutcome;
  linkType?: number;
  verdict?: VerdictClass;
  action?: string;
  dropReason?: number;
  /** Redirect target; undefined for a redirect the backend cannot see. */
  target?: number;
  divergences?: Divergence[];
}

export function formatReport(r: PacketReport): string {
  const head = `#${r.number} ${r.summary}`.trimEnd();
  const o = r.outcome;
  if (!o) return `${head} -> skipped: link type ${r.linkType} has no Ethernet form`;
  let text: string;
  if (o.refused) text = `refused: ${o.refused.message} (errno ${o.refused.errno})`;
  else if (o.fault) text = `fault: ${o.fault.split('\n')[0]}`;
  else {
    text = `${r.action} (${o.retval | 0})`;
    if (r.verdict === 'redirected') {
      text += r.target !== undefined ? `, redirect to ifindex ${r.target}${o.redirect ? ` (bpf_${o.redirect.helper})` : ''}` : ', redirect target not visible';
    }
    if (r.dropReason !== undefined) text += `, drop ${dropReasonName(r.dropReason)} (${r.dropReason})`;
  }
  if (r.divergences?.length) text += `; kernel diverges: ${r.divergences.map((d) => d.field).join(', ')}`;
  return `${head} -> ${text}`;
}

export function reportJson(r: PacketReport): Record<string, unknown> {
  const o = r.outcome;
  if (!o) return { packet: r.number, skipped: true, link_type: r.linkType };
  return {
    packet: r.number,
    summary: r.summary,
    ...(o.refused ? { refused: o.refused } : {}),
    ...(o.fault ? { fault: o.fault } : {}),
    ...(!o.refused && !o.fault ? { retval: o.retval | 0, action: r.action, verdict: r.verdict } : {}),
    ...(r.verdict === 'redirected' ? { redirect_ifindex: r.target ?? null, ...(o.redirect ? { redirect_helper: o.redirect.helper } : {}) } : {}),
    ...(r.dropReason !== undefined ? { drop_reason: r.dropReason, drop_reason_desc: dropReasonName(r.dropReason) } : {}),
    ...(r.divergences?.length ? { divergences: r.divergences } : {}),
  };
}
