// Policy resolution, checked through the map entries the plan gives the datapath (decided
// like policy_can_access does): every construct, default deny, deny beating allow.
import { describe, expect, test } from 'vitest';
import { RESERVED_IDENTITY as R } from '../../src/agent/identity.js';
import { ccnp, cnp, netpol, plan, pod, podOf, type ScenarioInput } from './helpers.js';
import { ICMP, TCP, UDP, verdict } from './policy-verdict.js';

const PODS = [
  pod('client', 'node1', { app: 'client' }),
  pod('other', 'node1', { app: 'other' }),
  pod('web', 'node2', { app: 'web' }),
  pod('prodclient', 'node1', { app: 'client' }, { namespace: 'prod' }),
];
const NAMESPACES = { prod: { labels: { env: 'production' } } };
const withPolicy = (...objects: Record<string, unknown>[]): ScenarioInput => ({ pods: PODS, namespaces: NAMESPACES, objects });
const webSelector = { matchLabels: { app: 'web' } };
const id = (p: ReturnType<typeof plan>, name: string) => podOf(p, name).identity;
const cidrId = (p: ReturnType<typeof plan>, cidr: string) => p.identities.find((i) => i.labels[0] === `cidr:${cidr}`)!.id;

describe('policy resolution', () => {
  test('no policy: nothing enforced, no entries', () => {
    const p = plan(withPolicy());
    expect(verdict(p, 'web', 'ingress', id(p, 'client'), TCP, 80)).toBe('allowed');
    expect(p.policy.web!.ingress.enforced).toBe(false);
  });

  test('L3 allow: the selected peers only (namespace-confined), default deny for the rest, the node always', () => {
    const p = plan(withPolicy(cnp('in', { endpointSelector: webSelector, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }] }] })));
    expect(verdict(p, 'web', 'ingress', id(p, 'client'), UDP, 53)).toBe('allowed');
    expect(verdict(p, 'web', 'ingress', id(p, 'other'), TCP, 80)).toBe('default-deny');
    expect(verdict(p, 'web', 'ingress', id(p, 'prodclient'), TCP, 80)).toBe('default-deny'); // same labels, other namespace
    expect(verdict(p, 'web', 'ingress', R.host, TCP, 80)).toBe('allowed'); // allow-localhost
    expect(verdict(p, 'web', 'egress', id(p, 'other'), TCP, 80)).toBe('allowed'); // egress not selected
  });

  test('a selector naming the namespace reaches across namespaces', () => {
    const p = plan(withPolicy(cnp('in', { endpointSelector: webSelector, ingress: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'prod' } }] }] })));
    expect(verdict(p, 'web', 'ingress', id(p, 'prodclient'), TCP, 80)).toBe('allowed');
    expect(verdict(p, 'web', 'ingress', id(p, 'client'), TCP, 80)).toBe('default-deny');
  });

  test('L3 deny', () => {
    const p = plan(withPolicy(cnp('deny', { endpointSelector: webSelector, ingressDeny: [{ fromEndpoints: [{ matchLabels: { app: 'other' } }] }] })));
    expect(verdict(p, 'web', 'ingress', id(p, 'other'), TCP, 80)).toBe('denied');
    expect(verdict(p, 'web', 'ingress', id(p, 'client'), TCP, 80)).toBe('default-deny'); // a deny-only policy still selects
  });

  test('L4: ports, protocols, ANY, and endPort ranges as prefixes', () => {
    const p = plan(withPolicy(cnp('l4', {
      endpointSelector: webSelector,
      ingress: [{ toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }, { port: '5000', endPort: 5007, protocol: 'UDP' }, { port: '9000' }] }] }],
    })));
    const client = id(p, 'client');
    expect(verdict(p, 'web', 'ingress', client, TCP, 80)).toBe('allowed');
    expect(verdict(p, 'web', 'ingress', client, TCP, 81)).toBe('default-deny');
    expect(verdict(p, 'web', 'ingress', client, UDP, 80)).toBe('default-deny');
    expect([4999, 5000, 5007, 5008].map((port) => verdict(p, 'web', 'ingress', client, UDP, port))).toEqual(['default-deny', 'allowed', 'allowed', 'default-deny']);
    expect([TCP, UDP, ICMP].map((proto) => verdict(p, 'web', 'ingress', client, proto, 9000))).toEqual(['allowed', 'allowed', 'default-deny']);
    // L4-only: any peer (wildcard identity), the range one prefix of 13 bits.
    expect(p.policy.web!.ingress.rules.filter((r) => r.proto === UDP && r.port === 5000)).toEqual([expect.objectContaining({ identity: 0, portPrefixLen: 13 })]);
  });

  test('an empty rule selects nothing but turns on default deny; an empty list does not apply', () => {
    const denyAll = plan(withPolicy(cnp('all', { endpointSelector: webSelector, ingress: [{}] })));
    expect(verdict(denyAll, 'web', 'ingress', id(denyAll, 'client'), TCP, 80)).toBe('default-deny');
    const none = plan(withPolicy(cnp('none', { endpointSelector: webSelector, ingress: [] })));
    expect(none.policy.web!.ingress.enforced).toBe(false);
  });

  test('entities: world (with CIDR identities), cluster, host, remote-node, all', () => {
    const rule = (entities: string[]) => cnp('e', { endpointSelector: webSelector, egress: [{ toEntities: entities }] });
    const cidr = cnp('c', { endpointSelector: { matchLabels: { app: 'other' } }, egress: [{ toCIDR: ['8.8.8.0/24'] }] });
    const world = plan(withPolicy(rule(['world']), cidr));
    expect(verdict(world, 'web', 'egress', R.world, UDP, 53)).toBe('allowed');
    expect(verdict(world, 'web', 'egress', cidrId(world, '8.8.8.0/24'), UDP, 53)).toBe('allowed');
    expect(verdict(world, 'web', 'egress', id(world, 'client'), UDP, 53)).toBe('default-deny');
    const cluster = plan(withPolicy(rule(['cluster'])));
    for (const peer of [id(cluster, 'client'), id(cluster, 'prodclient'), R.host, R['remote-node']]) expect(verdict(cluster, 'web', 'egress', peer, TCP, 1)).toBe('allowed');
    expect(verdict(cluster, 'web', 'egress', R.world, TCP, 1)).toBe('default-deny');
    const nodes = plan(withPolicy(rule(['host', 'remote-node'])));
    expect([R.host, R['remote-node'], id(nodes, 'client')].map((peer) => verdict(nodes, 'web', 'egress', peer, TCP, 1))).toEqual(['allowed', 'allowed', 'default-deny']);
    const all = plan(withPolicy(rule(['all'])));
    expect(all.policy.web!.egress.rules).toEqual([expect.objectContaining({ identity: 0, proto: 0 })]);
  });

  test('CIDR with except: the except prefix has its own identity, which the rule does not select', () => {
    const p = plan(withPolicy(cnp('c', { endpointSelector: webSelector, egress: [{ toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] }] }, { toCIDR: ['10.1.2.3'] }] })));
    const outer = cidrId(p, '10.0.0.0/8'), except = cidrId(p, '10.96.0.0/12'), host = cidrId(p, '10.1.2.3/32');
    expect(verdict(p, 'web', 'egress', outer, TCP, 443)).toBe('allowed');
    expect(verdict(p, 'web', 'egress', host, TCP, 443)).toBe('allowed'); // a narrower CIDR identity inside it
    expect(verdict(p, 'web', 'egress', except, TCP, 443)).toBe('default-deny');
    expect(verdict(p, 'web', 'egress', R.world, TCP, 443)).toBe('default-deny');
  });

  test('deny beats a narrower allow of the same peer, and the wildcard deny beats any allow', () => {
    const p = plan(withPolicy(cnp('mix', {
      endpointSelector: webSelector,
      ingress: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }, { port: '443', protocol: 'TCP' }] }] }],
      ingressDeny: [
        { fromEndpoints: [{ matchLabels: { app: 'client' } }], toPorts: [{ ports: [{ port: '0', protocol: 'TCP' }] }] },
        { toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }] }] },
      ],
    }), cnp('allow-dns', { endpointSelector: webSelector, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'other' } }], toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }] }] }] })));
    expect(verdict(p, 'web', 'ingress', id(p, 'client'), TCP, 80)).toBe('denied');
    expect(verdict(p, 'web', 'ingress', id(p, 'other'), UDP, 53)).toBe('denied');
    // The covered allows are not installed at all.
    expect(p.nodes[1]!.objects[0]!.maps.cilium_policy!.some((e) => (e.key as { prefixlen: number }).prefixlen === 80 && (e.value as { deny: number }).deny === 0 && (e.key as { data: { sec_label: number } }).data.sec_label === id(p, 'client'))).toBe(false);
  });

  test('CCNP selects in every namespace and its selectors are not confined', () => {
    const p = plan(withPolicy(ccnp('cw', { endpointSelector: { matchLabels: { app: 'client' } }, egress: [{ toEndpoints: [{ matchLabels: { app: 'web' } }] }] })));
    expect(p.policy.client!.egress.enforced).toBe(true);
    expect(p.policy.prodclient!.egress.enforced).toBe(true);
    expect(verdict(p, 'prodclient', 'egress', id(p, 'web'), TCP, 80)).toBe('allowed');
  });

  test('NetworkPolicy: podSelector, namespaceSelector with namespace labels, policyTypes, default protocol TCP', () => {
    const p = plan(withPolicy(netpol('np', {
      podSelector: webSelector,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { env: 'production' } } }], ports: [{ port: 80 }] },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } }, podSelector: { matchLabels: { app: 'other' } } }] },
      ],
    })));
    expect(verdict(p, 'web', 'ingress', id(p, 'prodclient'), TCP, 80)).toBe('allowed');
    expect(verdict(p, 'web', 'ingress', id(p, 'prodclient'), UDP, 80)).toBe('default-deny');
    expect(verdict(p, 'web', 'ingress', id(p, 'client'), TCP, 80)).toBe('default-deny');
    expect(verdict(p, 'web', 'ingress', id(p, 'other'), UDP, 9)).toBe('allowed');
    expect(verdict(p, 'web', 'egress', id(p, 'client'), TCP, 80)).toBe('default-deny'); // Egress type, no egress rules
  });

  test('NetworkPolicy: egress is enforced only when there are egress rules or policyTypes says so; an empty peer list is anyone', () => {
    const p = plan(withPolicy(netpol('np', { podSelector: webSelector, ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }] })));
    expect(p.policy.web!.egress.enforced).toBe(false);
    expect(verdict(p, 'web', 'ingress', R.world, TCP, 8080)).toBe('allowed');
  });

  test('NetworkPolicy ipBlock with except', () => {
    const p = plan(withPolicy(netpol('np', { podSelector: webSelector, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } }] }] })));
    expect(verdict(p, 'web', 'egress', R.world, TCP, 443)).toBe('allowed');
    expect(verdict(p, 'web', 'egress', cidrId(p, '169.254.0.0/16'), TCP, 443)).toBe('default-deny');
    expect(verdict(p, 'web', 'egress', id(p, 'client'), TCP, 443)).toBe('default-deny'); // CIDRs never select pods
  });

  test('rules say where they came from', () => {
    const p = plan(withPolicy(cnp('in', { endpointSelector: webSelector, ingress: [{ fromEntities: ['world'] }] })));
    expect(new Set(p.policy.web!.ingress.rules.map((r) => r.source))).toEqual(new Set(['CiliumNetworkPolicy default/in', 'allow-localhost']));
  });
});
