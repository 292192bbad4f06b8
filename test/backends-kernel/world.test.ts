// Pod to world through the node's stack and bpf_host's SNAT. The lxcs take the router MAC
// (as Cilium's do) so that frames the datapath passes up are the node's to route; with the
// contract's distinct MACs the stack drops them (cluster.test.ts shows that).

import { describe, expect } from 'vitest';
import { kernelTest } from '../../harness/skip.js';
import type { ResolvedStep } from '../../src/backends/types.js';
import { flowHash4, snatPort } from '../datapath/hash.js';
import { ip4 } from '../datapath/cluster.js';
import { isIcmp, seen } from './frames.js';
import { CLUSTER, testPlan, WORLD } from './plan.js';
import { kernelRun, type KernelRun } from './run.js';

const client = CLUSTER.pods[0]!;
const node1 = CLUSTER.nodes[0]!;

const STEPS: ResolvedStep[] = [
  { kind: 'tcp', index: 0, from: 'pod:client', toIp: WORLD.ip, port: 80, sport: 40000, bytes: 1000 },
  { kind: 'udp', index: 1, from: 'pod:client', toIp: WORLD.ip, port: 53, sport: 40001, bytes: 32 },
  { kind: 'ping', index: 2, from: 'pod:client', toIp: WORLD.ip, count: 2, icmpId: 0x1002 },
];

let shared: Promise<KernelRun> | undefined;
const run = () => (shared ??= testPlan({ lxcMacIsRouterMac: true }).then((plan) => kernelRun(plan, STEPS, 'pod to world (lxc MAC = router MAC)')));

describe('kernel backend: pod to world with masquerading', () => {
  kernelTest('the world sees the node\'s IP; replies find their way back', async () => {
    const { results } = await run();
    expect(results[0]).toMatchObject({ sent: 1, replies: 1, delivered: true, sourceSeen: node1.ip, drops: [] });
    expect(results[1]).toMatchObject({ sent: 1, replies: 1, delivered: true, sourceSeen: node1.ip, drops: [] });
    expect(results[2]).toMatchObject({ sent: 2, replies: 2, delivered: true, drops: [] });
    expect(results[0]!.backend).toBeUndefined(); // a world host is no pod
  }, 60_000);

  kernelTest('SNAT on eth0: the hash-predicted port, next-hop MACs, TTL - 1', async () => {
    const { collected: { packets } } = await run();
    const port = snatPort(flowHash4(ip4(client.ip), ip4(WORLD.ip), 40000, 80, 6, CLUSTER.hashSeed), 0, ...CLUSTER.snatPorts);
    const syn = seen(packets, 'node1/eth0:egress', 0).find((f) => f['tcp.flags'] === '0x02');
    expect(syn).toMatchObject({ 'ip.src': node1.ip, 'tcp.sport': port, 'ip.ttl': 63, 'eth.src': node1.mac, 'eth.dst': WORLD.mac });
    expect(seen(packets, 'world:internet/eth0:ingress', 0).find((f) => f['tcp.flags'] === '0x02')).toMatchObject({ 'ip.src': node1.ip, 'tcp.sport': port });
    const echo = seen(packets, 'world:internet/eth0:egress', 2).filter(isIcmp(0));
    expect(echo).toHaveLength(2);
    expect(echo[0]!['ip.dst']).toBe(node1.ip);
  }, 60_000);

  kernelTest('the NAT map holds both directions of each flow', async () => {
    const { collected: { maps } } = await run();
    const nat = maps.node1!['bpf_host.o']!.cilium_snat_v4_external!;
    const key = (e: { key: unknown }) => e.key as Record<string, number>;
    for (const [proto, sport] of [[6, 40000], [17, 40001]] as const) {
      expect(nat.some((e) => key(e).nexthdr === proto && key(e).saddr === ip4(client.ip) && key(e).sport === sport && key(e).flags === 0)).toBe(true);
      expect(nat.some((e) => key(e).nexthdr === proto && key(e).daddr === ip4(node1.ip) && key(e).flags === 1)).toBe(true);
    }
  }, 60_000);

  kernelTest('teardown leaves nothing behind', async () => {
    const r = await run();
    expect(r.leftovers).toEqual([]);
    expect(r.survivors).toEqual([]);
  }, 60_000);
});
