// A scenario file → the agent's ClusterPlan, with problems as "file:line:col: message".

import type { ClusterPlan } from '../agent/plan-types.js';
import { loadScenario, ScenarioError, type ParsedScenario } from '../scenario/parse.js';
import { ReplayError } from './errors.js';

export async function scenarioPlan(file: string): Promise<{ parsed: ParsedScenario; plan: ClusterPlan }> {
  let parsed: ParsedScenario;
  try {
    parsed = loadScenario(file);
  } catch (e) {
    if (e instanceof ScenarioError) throw new ReplayError('bad-input', e.message);
    throw e;
  }
  const { buildPlan, AgentError } = await import('../agent/index.js');
  try {
    return { parsed, plan: buildPlan(parsed) };
  } catch (e) {
    if (e instanceof AgentError) {
      const at = parsed.locate(e.path);
      throw new ReplayError('bad-input', `${at.file}:${at.line}:${at.col}: ${e.message}`);
    }
    throw e;
  }
}
