// The pure parts (no kernel needed): plan → testbed spec → layout → the ip/bridge/sysctl
// lines that create exactly the plan's devices; place names; event trimming; step times.

import { describe, expect, test } from 'vitest';
import { layoutOf, SpecError } from '../../harness/netns/layout.js';
import { planOf } from '../../harness/netns/plan.js';
import type { ClusterPlan, DevicePlan } from '../../src/agent/plan-types.js';
import { kernelVersion } from '../../src/backends/kernel-env.js';
import { trimSample } from '../../src/backends/kernel-events.js';
import { Timeline } from '../../src/backends/kernel-timeline.js';
import { PlaceNames, planDevices, testbedSpecOf } from '../../src/backends/kernel-topology.js';

const dev = (name: string, ifindex: number, mac: string, mtu = 1500): DevicePlan => ({ name, ifindex, mac, mtu });

function smallPlan(podName = 'client'): ClusterPlan {
  const pod = (name: string, node: string, ip: string, ifindex: number) => ({
    name, namespace: 'default', node, labels: {}, ip, endpointId: 100 + ifindex - 10, identity: 20000 + ifindex, listen: [],
    eth0: dev('eth0', 2, `0a:58:${ip.split('.').map((x) => Number(x).toString(16).padStart(2, '0')).join(':')}`, 1450),
    lxc: dev(`lxc${name.slice(0, 11)}`, ifindex, `fe:54:${ip.split('.').map((x) => Number(x).toString(16).padStart(2, '0')).join(':')}`),
  });
  return {
    name: 't', masquerade: true, clusterCidr: '10.0.0.0/16', serviceCidr: '10.96.0.0/16', underlay: { cidr: '192.168.50.0/24' }, vxlanPort: 8472,
    nodes: [1, 2].map((n) => ({
      name: `node${n}`, ip: `192.168.50.${n}`, podCidr: `10.0.${n}.0/24`, routerIp: `10.0.${n}.1`, routerMac: `02:00:0a:00:0${n}:01`,
      eth0: dev('eth0', 2, `52:54:00:00:0${n}:01`), vxlan0: dev('vxlan0', 3, `52:54:00:01:0${n}:01`), hostEndpointId: 1, objects: [], attachments: [],
    })),
    pods: [pod(podName, 'node1', '10.0.1.10', 11), pod('web', 'node1', '10.0.1.20', 12), pod('db', 'node2', '10.0.2.30', 11)],
    world: [{ name: 'internet', ip: '203.0.113.10', eth0: dev('eth0', 2, '52:54:00:ff:01:01'), listen: [] }],
    services: [], identities: [], policy: {},
  };
}

describe('plan → netns testbed', () => {
  test('every device is created with the plan\'s name, ifindex, MAC and MTU', () => {
    const plan = smallPlan();
    const layout = layoutOf(testbedSpecOf(plan, new PlaceNames(plan)), '00aa');
    const lines = planOf(layout);
    const node1 = lines.links.find((b) => b.netns === 'dpsim-00aa-n-node1')!.lines;
    expect(node1).toContain('link add eth0 index 2 address 52:54:00:00:01:01 mtu 1500 type veth peer name n-node1 mtu 1500 netns dpsim-00aa-ul');
    expect(node1).toContain('link add vxlan0 index 3 address 52:54:00:01:01:01 mtu 1500 type vxlan external dstport 8472');
    expect(node1).toContain('link add lxcclient index 11 address fe:54:0a:00:01:0a mtu 1500 type veth peer name eth0 index 2 address 0a:58:0a:00:01:0a mtu 1450 netns dpsim-00aa-p-client');
    expect(lines.links.find((b) => b.netns === 'dpsim-00aa-w-internet')!.lines)
      .toContain('link add eth0 index 2 address 52:54:00:ff:01:01 mtu 1500 type veth peer name w-internet mtu 1500 netns dpsim-00aa-ul');
  });

  test('a quiet kernel: permanent underlay neighbours, static FDB, TCP with MSS only, gateway left to ARP', () => {
    const plan = smallPlan();
    const p = planOf(layoutOf(testbedSpecOf(plan, new PlaceNames(plan)), '00aa'));
    const config = (ns: string) => p.config.find((b) => b.netns === ns)!.lines;
    expect(config('dpsim-00aa-n-node1')).toEqual([
      'neigh replace 192.168.50.2 lladdr 52:54:00:00:02:01 dev eth0 nud permanent',
      'neigh replace 203.0.113.10 lladdr 52:54:00:ff:01:01 dev eth0 nud permanent',
    ]);
    expect(config('dpsim-00aa-w-internet')).toEqual(expect.arrayContaining([
      'neigh replace 192.168.50.1 lladdr 52:54:00:00:01:01 dev eth0 nud permanent',
      'neigh replace 192.168.50.2 lladdr 52:54:00:00:02:01 dev eth0 nud permanent',
    ]));
    expect(config('dpsim-00aa-p-client').some((l) => l.startsWith('neigh'))).toBe(false);
    expect(p.bridge).toEqual([{ netns: 'dpsim-00aa-ul', lines: [
      'fdb replace 52:54:00:00:01:01 dev n-node1 master static',
      'fdb replace 52:54:00:00:02:01 dev n-node2 master static',
      'fdb replace 52:54:00:ff:01:01 dev w-internet master static',
    ] }]);
    const sysctls = (ns: string) => p.sysctls.find((b) => b.netns === ns)!.lines;
    for (const ns of ['dpsim-00aa-p-client', 'dpsim-00aa-w-internet']) {
      expect(sysctls(ns)).toEqual(expect.arrayContaining(['net.ipv4.tcp_timestamps=0', 'net.ipv4.tcp_sack=0', 'net.ipv4.tcp_window_scaling=0', 'net.ipv6.conf.all.disable_ipv6=1']));
    }
    expect(sysctls('dpsim-00aa-n-node1')).toEqual(expect.arrayContaining(['net.ipv4.ip_forward=1', 'net.ipv4.conf.all.rp_filter=0']));
    expect(sysctls('dpsim-00aa-n-node1')).not.toContain('net.ipv4.tcp_timestamps=0');
  });

  test('fixed ifindexes must fit: not 1, not twice in one namespace', () => {
    const plan = smallPlan();
    const spec = testbedSpecOf(plan, new PlaceNames(plan));
    spec.nodes[0]!.pods[1]!.lxc!.ifindex = 11;
    expect(() => layoutOf(spec, '00aa')).toThrow(SpecError);
    spec.nodes[0]!.pods[1]!.lxc!.ifindex = 3; // vxlan0's
    expect(() => layoutOf(spec, '00aa')).toThrow(/ifindex 3 is already used/);
    spec.nodes[0]!.pods[1]!.lxc!.ifindex = 1;
    expect(() => layoutOf(spec, '00aa')).toThrow(/out of range/);
  });

  test('place names: the plan\'s where the testbed takes them, numbered otherwise', () => {
    const plan = smallPlan('Client.v2');
    const names = new PlaceNames(plan);
    expect(names.testbed('pod:Client.v2')).toBe('pod-1');
    expect(names.plan('pod-1')).toBe('pod:Client.v2');
    expect(names.testbed('pod:web')).toBe('web');
    expect(names.testbed('world:internet')).toBe('internet');
    expect(names.testbed('node1')).toBe('node1');
    expect(testbedSpecOf(plan, names).nodes[0]!.pods[0]).toMatchObject({ name: 'pod-1', lxc: { name: 'lxcClient.v2', ifindex: 11 } });
  });

  test('every device of the plan is observed', () => {
    expect(planDevices(smallPlan()).map((d) => `${d.place}/${d.device.name}`)).toEqual([
      'node1/eth0', 'node1/vxlan0', 'node1/lxcclient', 'node1/lxcweb', 'node2/eth0', 'node2/vxlan0', 'node2/lxcdb',
      'pod:client/eth0', 'pod:web/eth0', 'pod:db/eth0', 'world:internet/eth0',
    ]);
  });
});

describe('events and time', () => {
  test('perf samples are trimmed to message + len_cap (the kernel pads them)', () => {
    const drop = new Uint8Array(56);
    drop[0] = 1;
    drop[12] = 12; // len_cap
    expect(trimSample(drop).length).toBe(52);
    const trace = new Uint8Array(64);
    trace[0] = 4;
    trace[12] = 14;
    expect(trimSample(trace).length).toBe(62);
  });

  test('observations belong to the last step started before them', () => {
    const t = new Timeline();
    const before = process.hrtime.bigint();
    t.startStep(0);
    const during0 = process.hrtime.bigint();
    t.startStep(1);
    expect(t.stepAtMono(before - 1n)).toBe(-1);
    expect(t.stepAtMono(during0)).toBe(0);
    expect(t.stepAtMono(process.hrtime.bigint())).toBe(1);
  });

  test('kernel release → version (tcx needs 6.6)', () => {
    expect(kernelVersion('6.18.44-fc-v669')).toEqual([6, 18]);
    expect(kernelVersion('5.15.0-91-generic')).toEqual([5, 15]);
  });
});
