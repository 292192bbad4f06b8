// Identities: label sets → numbers. Numbering is by sorted label set (not by scenario order),
// so reordering a scenario changes nothing, while adding a label set that sorts earlier
// renumbers the later ones: the plan is deterministic, not stable across edits.
import { describe, expect, test } from 'vitest';
import { FIRST_CIDR_IDENTITY, IdentityAllocator } from '../../src/agent/identity.js';
import { cnp, plan, pod, podOf } from './helpers.js';

describe('identities', () => {
  test('the same labels in the same namespace share an identity; the namespace is a label', () => {
    const p = plan({ pods: [pod('a1', 'node1', { app: 'a' }), pod('a2', 'node2', { app: 'a' }), pod('a3', 'node1', { app: 'a' }, { namespace: 'other' })] });
    expect(podOf(p, 'a1').identity).toBe(podOf(p, 'a2').identity);
    expect(podOf(p, 'a3').identity).not.toBe(podOf(p, 'a1').identity);
    expect(p.identities.find((i) => i.id === podOf(p, 'a1').identity)!.labels).toEqual(['k8s:app=a', 'k8s:io.kubernetes.pod.namespace=default']);
  });

  test('cluster identities from 256 in sorted label-set order, whatever the scenario order', () => {
    const pods = [pod('z', 'node1', { app: 'z' }), pod('a', 'node1', { app: 'a' }), pod('m', 'node2', { app: 'm' })];
    const p = plan({ pods });
    expect(['a', 'm', 'z'].map((n) => podOf(p, n).identity)).toEqual([256, 257, 258]);
    const reordered = plan({ pods: [pods[2]!, pods[0]!, pods[1]!] });
    expect(['a', 'm', 'z'].map((n) => podOf(reordered, n).identity)).toEqual([256, 257, 258]);
  });

  test('adding a label set that sorts first renumbers (documented: deterministic, not stable)', () => {
    const before = plan({ pods: [pod('m', 'node1', { app: 'm' })] });
    const after = plan({ pods: [pod('m', 'node1', { app: 'm' }), pod('a', 'node1', { app: 'a' })] });
    expect(podOf(before, 'm').identity).toBe(256);
    expect(podOf(after, 'm').identity).toBe(257);
  });

  test('the same scenario gives a byte-identical plan', () => {
    const input = {
      pods: [pod('a', 'node1', { app: 'a' }), pod('b', 'node2', { app: 'b' })],
      objects: [cnp('c', { endpointSelector: {}, egress: [{ toCIDR: ['8.8.8.8/32', '1.0.0.0/8'] }] })],
    };
    expect(JSON.stringify(plan(input))).toBe(JSON.stringify(plan(input)));
  });

  test('reserved identities keep Cilium numbers; only those in use are listed', () => {
    const p = plan({ pods: [pod('a', 'node1')] });
    expect(p.identities.filter((i) => i.id < 256)).toEqual([
      { id: 1, labels: ['reserved:host'] }, { id: 2, labels: ['reserved:world'] }, { id: 6, labels: ['reserved:remote-node'] },
    ]);
  });

  test('CIDR identities from (1 << 24) + 1 in address order; 0.0.0.0/0 is world itself', () => {
    const ids = new IdentityAllocator();
    ids.allocateCidrs(['10.0.0.0/8', '1.1.1.1/32', '0.0.0.0/0', '1.0.0.0/8', '10.0.0.0/8']);
    expect(ids.cidrs()).toEqual([
      { prefix: '1.0.0.0/8', identity: FIRST_CIDR_IDENTITY + 1 },
      { prefix: '1.1.1.1/32', identity: FIRST_CIDR_IDENTITY + 2 },
      { prefix: '10.0.0.0/8', identity: FIRST_CIDR_IDENTITY + 3 },
    ]);
    expect(ids.selectCidr('1.0.0.0/8')).toEqual([FIRST_CIDR_IDENTITY + 1, FIRST_CIDR_IDENTITY + 2]);
    expect(ids.selectCidr('1.0.0.0/8', ['1.1.0.0/16'])).toEqual([FIRST_CIDR_IDENTITY + 1]);
    expect(ids.selectCidr('0.0.0.0/0', ['10.0.0.0/8'])).toEqual([2, FIRST_CIDR_IDENTITY + 1, FIRST_CIDR_IDENTITY + 2]);
  });
});
