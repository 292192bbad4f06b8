// Scenarios for the agent tests: plain objects (with a two-node default cluster) turned into
// YAML and parsed like a scenario file, so refusals can be located like real ones.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import YAML from 'yaml';
import { AgentError, buildPlan, type ClusterPlan } from '../../src/agent/index.js';
import { parseScenario, type ParsedScenario } from '../../src/scenario/parse.js';

const repo = new URL('../../', import.meta.url).pathname;
let built = false;

/** bpf/build, built once per test process (the plan reads the objects' maps from it). */
export function datapathDir(): string {
  if (!built) {
    execFileSync('make', ['-s', '-C', join(repo, 'bpf')], { stdio: ['ignore', 'ignore', 'inherit'] });
    built = true;
  }
  return join(repo, 'bpf/build');
}

export const NODES = [
  { name: 'node1', ip: '192.168.50.1', podCIDR: '10.244.1.0/24' },
  { name: 'node2', ip: '192.168.50.2', podCIDR: '10.244.2.0/24' },
];

export interface ScenarioInput {
  cluster?: Record<string, unknown>;
  namespaces?: Record<string, { labels: Record<string, string> }>;
  pods?: Record<string, unknown>[];
  objects?: Record<string, unknown>[];
}

export function scenarioText(input: ScenarioInput): string {
  return YAML.stringify({
    apiVersion: 'dpsim/v1',
    kind: 'Scenario',
    name: 'agent-test',
    cluster: { nodes: NODES, ...input.cluster },
    ...(input.namespaces ? { namespaces: input.namespaces } : {}),
    pods: input.pods ?? [],
    objects: input.objects ?? [],
  });
}

export function parse(input: ScenarioInput): ParsedScenario {
  return parseScenario(scenarioText(input), 'agent-test.yaml');
}

export function plan(input: ScenarioInput): ClusterPlan {
  return buildPlan(parse(input), { datapathDir: datapathDir() });
}

/** The refusal of a scenario: message, path, and the line locate() gives for it. */
export function refusal(input: ScenarioInput): { message: string; path: (string | number)[]; line: number; text: string } {
  const parsed = parse(input);
  try {
    buildPlan(parsed, { datapathDir: datapathDir() });
  } catch (e) {
    if (!(e instanceof AgentError)) throw e;
    const line = parsed.locate(e.path).line;
    return { message: e.message, path: e.path, line, text: scenarioText(input).split('\n')[line - 1]!.trim() };
  }
  throw new Error('the scenario was accepted');
}

export const pod = (name: string, node: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
  ({ name, node, labels, ...extra });

export const cnp = (name: string, spec: Record<string, unknown>, namespace?: string) => ({
  apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, ...(namespace ? { namespace } : {}) }, spec,
});

export const ccnp = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name }, spec,
});

export const netpol = (name: string, spec: Record<string, unknown>, namespace?: string) => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, ...(namespace ? { namespace } : {}) }, spec,
});

export const service = (name: string, spec: Record<string, unknown>, namespace?: string) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, ...(namespace ? { namespace } : {}) }, spec,
});

export const podOf = (p: ClusterPlan, name: string) => p.pods.find((x) => x.name === name)!;
export const nodeOf = (p: ClusterPlan, name: string) => p.nodes.find((x) => x.name === name)!;
export const objectOf = (p: ClusterPlan, node: string, file: string) => nodeOf(p, node).objects.find((o) => o.file === file)!;
