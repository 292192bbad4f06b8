// Scenario files: valid ones parse; every error names the line; unsupported features are refused.
import { describe, it, expect } from 'vitest';
import { parseScenario, ScenarioError } from '../../src/scenario/parse.js';
import { scenarioJsonSchema } from '../../src/scenario/schema.js';

const BASE = `apiVersion: dpsim/v1
kind: Scenario
name: two-pods
cluster:
  nodes:
    - name: node1
      ip: 192.168.50.1
      podCIDR: 10.244.1.0/24
pods:
  - name: client
    node: node1
    labels: { app: client }
  - name: server
    node: node1
    labels: { app: server }
    listen: [{ port: 80 }]
traffic:
  - ping: { from: client, to: server }
    expect: { reply: true }
`;

const CNP = `---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: allow-client
spec:
  endpointSelector:
    matchLabels: { app: server }
  ingress:
    - fromEndpoints:
        - matchLabels: { app: client }
      toPorts:
        - ports: [{ port: "80", protocol: TCP }]
`;

function errorsOf(text: string): string[] {
  try {
    parseScenario(text, 's.yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems.map((p) => `${p.line}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('scenario parsing', () => {
  it('parses a scenario with defaults and a pasted CiliumNetworkPolicy document', () => {
    const p = parseScenario(BASE + CNP, 's.yaml');
    expect(p.scenario.pods[0]!.namespace).toBe('default');
    expect(p.scenario.cluster.masquerade).toBe(true);
    expect(p.objects).toHaveLength(1);
    expect(p.objects[0]!.kind).toBe('CiliumNetworkPolicy');
    expect(p.locate(['objects', 0, 'spec', 'ingress']).line).toBe(29);
    expect(p.locate(['traffic', 0, 'ping']).line).toBe(18);
  });

  it('names the line of a schema error', () => {
    const bad = BASE.replace('ip: 192.168.50.1', 'ip: 192.168.50');
    expect(errorsOf(bad)).toEqual([expect.stringMatching(/^7: cluster\.nodes\.0\.ip: an IPv4 address/)]);
    expect(errorsOf(BASE.replace('labels: { app: client }', 'lables: { app: client }'))[0]).toMatch(/^10: pods\.0: .*lables/);
  });

  it('names the line of a YAML syntax error', () => {
    expect(errorsOf(BASE + '  - ping: { from: client\n')[0]).toMatch(/^\d+: YAML:/);
  });

  it('refuses L7 rules and toFQDNs with the line where they are', () => {
    const l7 = CNP.replace('        - ports: [{ port: "80", protocol: TCP }]', '        - ports: [{ port: "80", protocol: TCP }]\n          rules:\n            http: [{ method: GET }]');
    const errs = errorsOf(BASE + l7);
    expect(errs.some((e) => /^33: rules: L7 rules/.test(e))).toBe(true);
    const fqdn = CNP.replace('  ingress:', '  egress:\n    - toFQDNs: [{ matchName: example.com }]\n  ingress:');
    expect(errorsOf(BASE + fqdn).some((e) => /^29: toFQDNs: DNS-based policy/.test(e))).toBe(true);
  });

  it('validates embedded objects and points into them', () => {
    const bad = CNP.replace('endpointSelector:', 'endpointSelectr:');
    const errs = errorsOf(BASE + bad);
    expect(errs).toContain('26: CiliumNetworkPolicy spec: Unrecognized key: "endpointSelectr"');
  });

  it('rejects a step with two kinds of traffic', () => {
    const two = BASE.replace('  - ping: { from: client, to: server }', '  - ping: { from: client, to: server }\n    udp: { from: client, to: server, port: 53 }');
    expect(errorsOf(two)[0]).toMatch(/exactly one of ping, tcp, udp, packet, pcap/);
  });

  it('exports a JSON Schema for editors', () => {
    const s = scenarioJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['cluster', 'pods', 'objects', 'traffic']));
  });
});
