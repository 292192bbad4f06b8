// A step's outcome on one backend: pass/fail from its expectations, "error" when the backend
// itself failed on the step (an emulator exception, a datapath fault), "not run" when the
// backend has no result for it.

import type { ScenarioRun } from '../src/scenario/runner.js';

export type StepOutcome = 'pass' | 'fail' | 'error' | 'no expectations' | 'not run';

const BACKEND_FAILURE = /(emulator error: [^\n]*|datapath fault on [^;]*)/;

/** Why the backend failed on the step, if it did (first line only). */
export function stepError(run: ScenarioRun, index: number): string | undefined {
  const r = run.run.steps[index];
  if (!r) return 'the backend has no result for this step';
  return BACKEND_FAILURE.exec(r.note ?? '')?.[0];
}

/** Expectations decide; a failure (or a step without expectations) caused by the backend is an error. */
export function stepOutcome(run: ScenarioRun, index: number): StepOutcome {
  if (!run.run.steps[index]) return 'not run';
  const exp = run.expectations.filter((x) => x.step === index);
  if (exp.length > 0 && exp.every((x) => x.ok)) return 'pass';
  if (stepError(run, index)) return 'error';
  return exp.length === 0 ? 'no expectations' : 'fail';
}
