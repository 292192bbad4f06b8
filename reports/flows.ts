// Hubble-style flows from every backend's raw datapath events (src/observe/flows.ts), each
// with its step and an approximate time (reports/event-times.ts: ns since the run started).

import type { RunOutcome } from '../src/cli/run.js';
import type { ClusterPlan } from '../src/agent/plan-types.js';
import type { BackendRun } from '../src/backends/types.js';
import { eventToFlow, type FlowRecord } from '../src/observe/flows.js';
import { planDirectory } from '../src/observe/directory.js';
import { eventTimes } from './event-times.js';

export type BackendName = 'emu' | 'kernel';

export interface ReportFlow {
  backend: BackendName;
  step: number;
  /** Position among the backend's events. */
  seq: number;
  timeNs: number;
  record: FlowRecord;
}

export interface BackendFlows {
  flows: ReportFlow[];
  /** Events the decoder does not know (neither drop nor trace notifications). */
  undecoded: number;
}

export function backendFlows(backend: BackendName, run: BackendRun, plan: ClusterPlan): BackendFlows {
  const dir = planDirectory(plan);
  const times = eventTimes(run);
  const flows: ReportFlow[] = [];
  let undecoded = 0;
  run.events.forEach((e, seq) => {
    const timeNs = times[seq]!;
    const record = eventToFlow(e.data, e.node, BigInt(Math.round(timeNs)), dir);
    if (record) flows.push({ backend, step: e.step, seq, timeNs, record });
    else undecoded++;
  });
  flows.sort((a, b) => a.timeNs - b.timeNs || a.seq - b.seq);
  return { flows, undecoded };
}

export function outcomeFlows(outcome: RunOutcome, plan: ClusterPlan): Partial<Record<BackendName, BackendFlows>> {
  const out: Partial<Record<BackendName, BackendFlows>> = {};
  for (const name of ['emu', 'kernel'] as const) {
    const r = outcome.runs[name];
    if (r) out[name] = backendFlows(name, r.run, plan);
  }
  return out;
}
