// The kernel backend on a hand-built plan (2 nodes, 3 pods, 1 world host): topology as the
// plan says, the datapath on tcx hooks, traffic results, captures, events, map dumps, and
// nothing left behind. One run serves every test of this file.

import { describe, expect } from 'vitest';
import { kernelTest } from '../../harness/skip.js';
import type { ResolvedStep } from '../../src/backends/types.js';
import { frame } from '../datapath/packets.js';
import { backendSlot, flowHash4 } from '../datapath/hash.js';
import { ip4 } from '../datapath/cluster.js';
import { fields, isArp, isIcmp, seen } from './frames.js';
import { CLUSTER, testPlan, WORLD } from './plan.js';
import { kernelRun, type KernelRun } from './run.js';

const VIP = '10.96.0.10';
const [client, web, db] = CLUSTER.pods as [typeof CLUSTER.pods[0], typeof CLUSTER.pods[0], typeof CLUSTER.pods[0]];
const node1 = CLUSTER.nodes[0]!;

const STEPS: ResolvedStep[] = [
  { kind: 'ping', index: 0, from: 'pod:client', toIp: web.ip, count: 2, icmpId: 0x1000 },
  { kind: 'ping', index: 1, from: 'pod:client', toIp: db.ip, count: 2, icmpId: 0x1001 },
  { kind: 'tcp', index: 2, from: 'pod:client', toIp: VIP, port: 80, sport: 40002, bytes: 1000 },
  { kind: 'tcp', index: 3, from: 'pod:db', toIp: web.ip, port: 8080, sport: 40003, bytes: 100 },
  { kind: 'udp', index: 4, from: 'pod:client', toIp: web.ip, port: 5000, sport: 40004, bytes: 32 },
  { kind: 'tcp', index: 5, from: 'pod:client', toIp: db.ip, port: 8080, sport: 40005, bytes: 65536 },
  {
    kind: 'packet', index: 6, at: { place: 'pod:client', device: 'eth0', direction: 'egress' },
    frames: [frame({ srcMac: client.mac, dstMac: node1.routerMac, src: '10.0.1.99', dst: web.ip, l4: { proto: 'ICMP', id: 0x4242 } })],
  },
  { kind: 'tcp', index: 7, from: 'pod:client', toIp: WORLD.ip, port: 80, sport: 40007, bytes: 100 },
];

let shared: Promise<KernelRun> | undefined;
const run = () => (shared ??= testPlan().then((plan) => kernelRun(plan, STEPS, '2 nodes / 3 pods / 1 world host')));

describe('kernel backend: a 2-node cluster on real tcx hooks', () => {
  kernelTest('devices have the plan\'s names, ifindexes, MACs and MTUs', async () => {
    const r = await run();
    const want = [
      ...r.plan.nodes.flatMap((n) => [[n.name, n.eth0], [n.name, n.vxlan0]] as const),
      ...r.plan.pods.flatMap((p) => [[p.node, p.lxc], [`pod:${p.name}`, p.eth0]] as const),
      ...r.plan.world.map((w) => [`world:${w.name}`, w.eth0] as const),
    ];
    for (const [place, d] of want) {
      const got = r.links[place]!.find((l) => l.ifname === d.name);
      expect(got, `${place}/${d.name}`).toMatchObject({ ifindex: d.ifindex, address: d.mac, mtu: d.mtu });
    }
    for (const place of Object.keys(r.links)) expect(r.links[place]!.find((l) => l.ifname === 'lo')?.ifindex).toBe(1);
  }, 60_000);

  kernelTest('every attachment of the plan is a tcx link', async () => {
    const r = await run();
    for (const n of r.plan.nodes) {
      const want = n.attachments.map((a) => `${a.program}@${a.device}:${a.direction}`).sort();
      expect(r.attached[n.name]!.map((l) => `${l.prog}@${l.dev}:${l.direction}`).sort()).toEqual(want);
    }
  }, 60_000);

  kernelTest('same node: the datapath answers ARP for the gateway and delivers the ping', async () => {
    const { results, collected: { packets } } = await run();
    expect(results[0]).toMatchObject({ sent: 2, replies: 2, delivered: true, drops: [] });
    const arp = seen(packets, 'pod:client/eth0:ingress', 0).find(isArp(2));
    expect(arp).toMatchObject({ 'eth.src': node1.routerMac, 'eth.dst': client.mac, 'arp.sha': node1.routerMac, 'arp.spa': node1.routerIp, 'arp.tha': client.mac, 'arp.tpa': client.ip, length: 42 });
    expect(seen(packets, 'node1/lxcclient:egress', 0).filter(isArp(2))).toHaveLength(1); // the reply leaves through the lxc
    const delivered = seen(packets, 'pod:web/eth0:ingress', 0).filter(isIcmp(8));
    expect(delivered).toHaveLength(2);
    expect(delivered[0]).toMatchObject({ 'eth.src': web.lxcMac, 'eth.dst': web.mac, 'ip.ttl': 63, 'icmp.id': 0x1000 });
    // bpf_redirect_peer: straight into the pod, the lxc's egress (and its tap) never sees it.
    expect(seen(packets, 'node1/lxcweb:egress', 0).filter(isIcmp(8))).toEqual([]);
  }, 60_000);

  kernelTest('across nodes: VXLAN on the underlay with the source identity as VNI', async () => {
    const { results, collected: { packets } } = await run();
    expect(results[1]).toMatchObject({ sent: 2, replies: 2, delivered: true, drops: [] });
    expect(seen(packets, 'node1/vxlan0:egress', 1).filter(isIcmp(8))).toHaveLength(2);
    const outer = seen(packets, 'node1/eth0:egress', 1).filter((f) => f['udp.dport'] === 8472);
    expect(outer).toHaveLength(2);
    expect(outer[0]).toMatchObject({ 'ip.src': node1.ip, 'ip.dst': CLUSTER.nodes[1]!.ip, 'vxlan.vni': client.identity, 'inner.ip.dst': db.ip, 'inner.icmp.type': 8 });
    expect(seen(packets, 'node2/eth0:ingress', 1).filter((f) => f['udp.dport'] === 8472)).toHaveLength(2);
    expect(seen(packets, 'node2/lxcdb:egress', 1).filter(isIcmp(8))[0]).toMatchObject({ 'ip.ttl': 63, 'eth.src': db.lxcMac, 'eth.dst': db.mac });
    // Static FDB entries: the bridge floods nothing to the world host.
    expect(seen(packets, 'world:internet/eth0:ingress', 1)).toEqual([]);
  }, 60_000);

  kernelTest('a ClusterIP service reaches the backend the datapath\'s hash picks; replies come from the VIP', async () => {
    const { results, collected: { packets } } = await run();
    const slot = backendSlot(flowHash4(ip4(client.ip), ip4(VIP), 40002, 80, 6, CLUSTER.hashSeed), 2);
    const backend = ['web', 'db'][slot - 1];
    expect(results[2]).toMatchObject({ sent: 1, replies: 1, delivered: true, sourceSeen: client.ip, backend, drops: [] });
    const back = seen(packets, 'pod:client/eth0:ingress', 2).filter((f) => f['ip.proto'] === 6);
    expect(back.length).toBeGreaterThan(0);
    expect(back.every((f) => f['ip.src'] === VIP && f['tcp.sport'] === 80)).toBe(true);
  }, 60_000);

  kernelTest('policy: a denied flow is dropped with the expected drop reason event', async () => {
    const { results } = await run();
    expect(results[3]).toMatchObject({ replies: 0, delivered: false, drops: [{ node: 'node1', reason: 181, device: 'lxcweb', ifindex: web.ifindex }] });
    expect(results[4]).toMatchObject({ replies: 0, delivered: false, drops: [{ node: 'node1', reason: 133, device: 'lxcweb', ifindex: web.ifindex }] });
  }, 60_000);

  kernelTest('TCP transfer: 64 KiB echoed, the source seen, segments with the MSS option only', async () => {
    const { results, collected: { packets } } = await run();
    expect(results[5]).toMatchObject({ sent: 1, replies: 1, delivered: true, sourceSeen: client.ip, backend: 'db', drops: [] });
    const syn = packets.find((p) => p.point === 'pod:client/eth0:egress' && p.step === 5 && fields(p.frame)['tcp.flags'] === '0x02')!;
    expect(syn.frame[14 + 20 + 12]! >> 4, 'TCP header: 5 words + MSS').toBe(6);
    expect([...syn.frame.subarray(54, 58)]).toEqual([2, 4, (1410 >> 8) & 0xff, 1410 & 0xff]); // MSS = 1450 - 40
  }, 60_000);

  kernelTest('injected frames: a spoofed source is dropped with INVALID_SIP at the lxc', async () => {
    const { results, collected: { packets } } = await run();
    expect(results[6]).toMatchObject({ sent: 1, delivered: false, drops: [{ node: 'node1', reason: 132, device: 'lxcclient', ifindex: client.ifindex }] });
    expect(seen(packets, 'node1/lxcclient:ingress', 6)).toMatchObject([{ 'ip.src': '10.0.1.99', 'icmp.id': 0x4242 }]);
  }, 60_000);

  kernelTest('pod to world with the contract\'s MACs: the node\'s stack drops the frame (to the router MAC, not the lxc\'s)', async () => {
    const { results, links, collected: { packets } } = await run();
    // from-container passes it up (TRACE_TO_STACK, no drop); ip_rcv drops PACKET_OTHERHOST.
    expect(results[7]).toMatchObject({ replies: 0, delivered: false, drops: [] });
    expect(links.node1!.find((l) => l.ifname === 'lxcclient')!.stats64!.rx.otherhost).toBeGreaterThanOrEqual(1);
    expect(seen(packets, 'node1/lxcclient:ingress', 7).filter((f) => f['tcp.flags'] === '0x02')).toHaveLength(1); // one SYN: no retransmission
    expect(seen(packets, 'node1/eth0:egress', 7)).toEqual([]);
  }, 60_000);

  kernelTest('events: raw samples per node, attributed to steps', async () => {
    const { collected: { events } } = await run();
    const step0 = events.filter((e) => e.node === 'node1' && e.step === 0).map((e) => `${e.data[0]}/${e.data[1]}`);
    expect(step0).toContain('4/5'); // TRACE_FROM_LXC
    expect(step0).toContain('4/0'); // TRACE_TO_LXC
    const drop = events.find((e) => e.step === 3 && e.data[0] === 1)!;
    expect(drop.node).toBe('node1');
    expect(drop.data.length).toBe(40 + (drop.data[12]! | (drop.data[13]! << 8))); // message + len_cap, no padding
  }, 60_000);

  kernelTest('map dumps: conntrack entries, policy counters, prog array by name', async () => {
    const { collected: { maps } } = await run();
    const ct = maps.node1!['bpf_lxc.o']!.cilium_ct4_global!;
    const key = (e: { key: unknown }) => e.key as Record<string, number>;
    // client → VIP:80 remembered as a service flow (CT_SERVICE 2), client → db as egress (0).
    expect(ct.some((e) => key(e).saddr === ip4(client.ip) && key(e).daddr === ip4(VIP) && key(e).flags === 2)).toBe(true);
    expect(ct.some((e) => key(e).saddr === ip4(client.ip) && key(e).daddr === ip4(db.ip) && key(e).dport === 8080 && key(e).flags === 0)).toBe(true);
    const ct2 = maps.node2!['bpf_lxc.o']!.cilium_ct4_global!;
    expect(ct2.some((e) => key(e).daddr === ip4(db.ip) && key(e).dport === 8080 && key(e).flags === 1)).toBe(true);
    expect(maps.node1!['bpf_lxc.o']!.cilium_calls).toEqual([
      { key: 1, value: 'tail_ipv4_from_lxc_cont' },
      { key: 2, value: 'tail_ipv4_to_endpoint' },
    ]);
    expect(Object.keys(maps.node1!).sort()).toEqual(['bpf_host.o', 'bpf_lxc.o', 'bpf_overlay.o']);
  }, 60_000);

  kernelTest('teardown leaves nothing: no namespaces, links, pins, files or processes', async () => {
    const r = await run();
    expect(r.leftovers).toEqual([]);
    expect(r.survivors).toEqual([]);
  }, 60_000);
});
