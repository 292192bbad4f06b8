// A scenario the agent refuses: the message says why, the path says where (a path into the
// scenario, or into objects[i]), so the caller prints file:line with `parsed.locate(path)`.

import type { ParsedScenario } from '../scenario/parse.js';

export type ScenarioPath = (string | number)[];

export class AgentError extends Error {
  constructor(readonly path: ScenarioPath, message: string) {
    super(message);
    this.name = 'AgentError';
  }
}

/** "file:line:col: message", as the scenario parser prints its problems. */
export function formatAgentError(parsed: Pick<ParsedScenario, 'locate'>, err: AgentError): string {
  const at = parsed.locate(err.path);
  return `${at.file}:${at.line}:${at.col}: ${err.message}`;
}
