// What every report of one run needs besides the outcome: the plan (rebuilt from the parsed
// scenario: the agent is deterministic, so it is the plan the backends ran), the flows, the
// tool versions and when the report was made.

import type { RunOutcome } from '../src/cli/run.js';
import type { ClusterPlan } from '../src/agent/plan-types.js';
import { buildPlan } from '../src/agent/index.js';
import { outcomeFlows, type BackendFlows, type BackendName } from './flows.js';
import { toolVersions, type ToolVersions } from './environment.js';

export interface ReportContext {
  plan: ClusterPlan;
  flows: Partial<Record<BackendName, BackendFlows>>;
  versions: ToolVersions;
  generatedAt: string;
}

export function reportContext(outcome: RunOutcome, now = new Date()): ReportContext {
  const plan = buildPlan(outcome.parsed);
  return { plan, flows: outcomeFlows(outcome, plan), versions: toolVersions(), generatedAt: now.toISOString() };
}

export function backendsOf(outcome: RunOutcome): BackendName[] {
  return (['emu', 'kernel'] as const).filter((b) => outcome.runs[b]);
}
