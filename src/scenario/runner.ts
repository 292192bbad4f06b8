// Running a parsed scenario on one backend: plan → setup → steps → collect → teardown,
// expectations checked per step. Teardown always runs.

import type { Backend, BackendRun, ResolvedStep } from '../backends/types.js';
import type { ClusterPlan } from '../agent/plan-types.js';
import type { Scenario } from './schema.js';
import { checkExpectations, type ExpectationResult } from './expect.js';

export interface ScenarioRun {
  run: BackendRun;
  expectations: ExpectationResult[];
}

export async function runOnBackend(backend: Backend, scenario: Scenario, plan: ClusterPlan, steps: ResolvedStep[]): Promise<ScenarioRun> {
  const t0 = performance.now();
  let setupMs = 0, runMs = 0;
  try {
    await backend.setup(plan);
    setupMs = performance.now() - t0;
    const results = [];
    for (const step of steps) results.push(await backend.runStep(step));
    runMs = performance.now() - t0 - setupMs;
    const collected = await backend.collect();
    const expectations = results.flatMap((r, i) => checkExpectations(i, scenario.traffic[i]!.expect, r));
    const t1 = performance.now();
    await backend.teardown();
    return { run: { ...collected, timings: { setupMs, runMs, teardownMs: performance.now() - t1 } }, expectations };
  } catch (e) {
    await backend.teardown().catch(() => undefined);
    throw e;
  }
}
