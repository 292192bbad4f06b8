// What the agent refuses, and that each refusal points at the line that causes it.
import { describe, expect, test } from 'vitest';
import { AgentError, buildPlan, formatAgentError } from '../../src/agent/index.js';
import { cnp, datapathDir, netpol, parse, pod, refusal, service } from './helpers.js';

describe('refusals carry the scenario path', () => {
  test('a duplicate pod IP', () => {
    const r = refusal({ pods: [pod('a', 'node1', {}, { ip: '10.244.1.20' }), pod('b', 'node1', {}, { ip: '10.244.1.20' })] });
    expect(r).toMatchObject({ path: ['pods', 1, 'ip'], message: '10.244.1.20 is already pod a\'s address', text: 'ip: 10.244.1.20' });
  });

  test('an IP outside the node\'s pod CIDR, or the router\'s', () => {
    expect(refusal({ pods: [pod('a', 'node1', {}, { ip: '10.244.2.20' })] })).toMatchObject({
      path: ['pods', 0, 'ip'], message: '10.244.2.20 is outside node node1\'s pod CIDR 10.244.1.0/24',
    });
    expect(refusal({ pods: [pod('a', 'node1', {}, { ip: '10.244.1.1' })] }).message).toBe('10.244.1.1 is node node1\'s router address');
  });

  test('an unknown node', () => {
    expect(refusal({ pods: [pod('a', 'node9')] })).toMatchObject({ path: ['pods', 0, 'node'], message: 'unknown node node9 (nodes: node1, node2)', text: 'node: node9' });
  });

  test('named ports: in a policy and as a service targetPort', () => {
    const inPolicy = refusal({ pods: [pod('a', 'node1')], objects: [cnp('p', { endpointSelector: {}, ingress: [{ toPorts: [{ ports: [{ port: 'http', protocol: 'TCP' }] }] }] })] });
    expect(inPolicy).toMatchObject({ path: ['objects', 0, 'spec', 'ingress', 0, 'toPorts', 0, 'ports', 0, 'port'], text: '- port: http' });
    expect(inPolicy.message).toMatch(/^named port "http" is not supported/);
    const inNetpol = refusal({ pods: [pod('a', 'node1')], objects: [netpol('p', { podSelector: {}, ingress: [{ ports: [{ port: 'dns' }] }] })] });
    expect(inNetpol.path).toEqual(['objects', 0, 'spec', 'ingress', 0, 'ports', 0, 'port']);
    const inService = refusal({ objects: [service('s', { ports: [{ port: 80, targetPort: 'http' }] })] });
    expect(inService).toMatchObject({ path: ['objects', 0, 'spec', 'ports', 0, 'targetPort'], text: 'targetPort: http' });
  });

  test('names: duplicate pods, lxc devices that would clash, world hosts named like pods', () => {
    expect(refusal({ pods: [pod('a', 'node1'), pod('a', 'node2', {}, { namespace: 'x' })] }).path).toEqual(['pods', 1, 'name']);
    expect(refusal({ pods: [pod('frontend-one-a', 'node1'), pod('frontend-one-b', 'node1')] }).message).toMatch(/both get device lxcfrontend-on /);
    expect(refusal({ cluster: { world: [{ name: 'a', ip: '1.1.1.1' }] }, pods: [pod('a', 'node1')] }).path).toEqual(['cluster', 'world', 0, 'name']);
  });

  test('addresses: overlapping pod CIDRs, host bits, world hosts inside the cluster, clusterIPs outside the service CIDR', () => {
    const nodes = [{ name: 'n1', ip: '192.168.50.1', podCIDR: '10.244.0.0/16' }, { name: 'n2', ip: '192.168.50.2', podCIDR: '10.244.2.0/24' }];
    expect(refusal({ cluster: { nodes } })).toMatchObject({ path: ['cluster', 'nodes', 1, 'podCIDR'], message: '10.244.2.0/24 overlaps node n1\'s pod CIDR 10.244.0.0/16' });
    expect(refusal({ cluster: { nodes: [{ name: 'n1', ip: '192.168.50.1', podCIDR: '10.244.1.5/24' }] } }).message).toBe('10.244.1.5/24 has host bits set: did you mean 10.244.1.0/24?');
    expect(refusal({ cluster: { world: [{ name: 'w', ip: '10.244.9.9' }] } }).message).toBe('10.244.9.9 is inside the cluster CIDR 10.244.0.0/16');
    expect(refusal({ objects: [service('s', { clusterIP: '10.97.0.1', ports: [{ port: 80 }] })] }).path).toEqual(['objects', 0, 'spec', 'clusterIP']);
  });

  test('policy CIDRs: an except outside its CIDR, reserved labels in selectors', () => {
    expect(refusal({ objects: [cnp('p', { endpointSelector: {}, egress: [{ toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['11.0.0.0/8'] }] }] })] }))
      .toMatchObject({ path: ['objects', 0, 'spec', 'egress', 0, 'toCIDRSet', 0, 'except', 0], message: 'except 11.0.0.0/8 is not inside 10.0.0.0/8' });
    expect(refusal({ objects: [cnp('p', { endpointSelector: {}, ingress: [{ fromEndpoints: [{ matchLabels: { 'reserved:host': '' } }] }] })] }).message)
      .toMatch(/fromEntities/);
  });

  test('formatAgentError prints file:line:col like the scenario parser', () => {
    const parsed = parse({ pods: [pod('a', 'node9')] });
    try {
      buildPlan(parsed, { datapathDir: datapathDir() });
      expect.unreachable();
    } catch (e) {
      expect(formatAgentError(parsed, e as AgentError)).toMatch(/^agent-test\.yaml:\d+:\d+: unknown node node9/);
    }
  });
});
