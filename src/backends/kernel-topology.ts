// The plan's cluster as a netns testbed spec: every device with the plan's name, ifindex,
// MAC and MTU, and the contract's kernel settings (docs/scenario-runtime.md). Also the
// names both sides use for places: the plan's ("pod:client", "world:internet", "node1")
// and the testbed's (names unique across nodes, pods and world hosts, [a-z0-9-]{1,24}).

import type { ClusterPlan, DevicePlan } from '../agent/plan-types.js';
import type { DeviceSpec, TestbedSpec } from '../../harness/netns/index.js';

const TESTBED_NAME = /^[a-z0-9]([a-z0-9-]{0,22}[a-z0-9])?$/;

/** Plan place ("pod:client") ↔ testbed place ("client"). */
export class PlaceNames {
  private readonly toTestbed = new Map<string, string>();
  private readonly toPlan = new Map<string, string>();

  constructor(plan: ClusterPlan) {
    const taken = new Set<string>(['underlay']);
    const add = (planPlace: string, name: string, fallback: string) => {
      // A pod name may be longer, contain dots, or repeat across k8s namespaces.
      const tb = TESTBED_NAME.test(name) && !taken.has(name) ? name : fallback;
      if (taken.has(tb)) throw new Error(`place name ${tb} is used twice`);
      taken.add(tb);
      this.toTestbed.set(planPlace, tb);
      this.toPlan.set(tb, planPlace);
    };
    plan.nodes.forEach((n, i) => add(n.name, n.name, `node-${i + 1}`));
    plan.pods.forEach((p, i) => add(`pod:${p.name}`, p.name, `pod-${i + 1}`));
    plan.world.forEach((w, i) => add(`world:${w.name}`, w.name, `world-${i + 1}`));
    this.toTestbed.set('underlay', 'underlay');
    this.toPlan.set('underlay', 'underlay');
  }

  testbed(planPlace: string): string {
    const tb = this.toTestbed.get(planPlace);
    if (!tb) throw new Error(`no place ${planPlace} in the plan (places: ${[...this.toTestbed.keys()].join(', ')})`);
    return tb;
  }

  plan(testbedPlace: string): string {
    const p = this.toPlan.get(testbedPlace);
    if (!p) throw new Error(`no testbed place ${testbedPlace}`);
    return p;
  }
}

/** One device to observe: where (plan place), which device. */
export interface PlanDevice {
  place: string;
  device: DevicePlan;
}

/** Every device of the plan: nodes' eth0, vxlan0 and lxcs, pods' and world hosts' eth0. */
export function planDevices(plan: ClusterPlan): PlanDevice[] {
  return [
    ...plan.nodes.flatMap((n) => [
      { place: n.name, device: n.eth0 },
      { place: n.name, device: n.vxlan0 },
      ...plan.pods.filter((p) => p.node === n.name).map((p) => ({ place: n.name, device: p.lxc })),
    ]),
    ...plan.pods.map((p) => ({ place: `pod:${p.name}`, device: p.eth0 })),
    ...plan.world.map((w) => ({ place: `world:${w.name}`, device: w.eth0 })),
  ];
}

const dev = (d: DevicePlan): DeviceSpec => ({ ifindex: d.ifindex, mac: d.mac, mtu: d.mtu });

export function testbedSpecOf(plan: ClusterPlan, names: PlaceNames): TestbedSpec {
  const prefix = plan.underlay.cidr.split('/')[1] ?? '24';
  const fixed = [
    ...plan.nodes.flatMap((n) => [[n.name, n.eth0.name, 'eth0'], [n.name, n.vxlan0.name, 'vxlan0']]),
    ...[...plan.pods, ...plan.world].map((x) => [x.name, x.eth0.name, 'eth0']),
  ];
  for (const [who, name, want] of fixed) {
    if (name !== want) throw new Error(`${who}: device ${name}: the testbed names it ${want}`);
  }
  return {
    nodes: plan.nodes.map((n) => ({
      name: names.testbed(n.name),
      underlayIp: `${n.ip}/${prefix}`,
      podCidr: n.podCidr,
      routerIp: n.routerIp,
      eth0: dev(n.eth0),
      vxlan0: dev(n.vxlan0),
      pods: plan.pods.filter((p) => p.node === n.name).map((p) => ({
        name: names.testbed(`pod:${p.name}`),
        ip: p.ip,
        eth0: dev(p.eth0),
        lxc: { ...dev(p.lxc), name: p.lxc.name },
      })),
    })),
    world: plan.world.map((w) => ({ name: names.testbed(`world:${w.name}`), ip: w.ip, eth0: dev(w.eth0) })),
    vxlan: { port: plan.vxlanPort },
    // The contract's quiet kernel: no IPv6, no offloads (testbed defaults), no underlay ARP,
    // TCP with the MSS option only; the datapath answers the pods' ARP for the gateway.
    options: { permanentNeighbours: true, quietTcp: true, staticGatewayNeighbour: false, masquerade: 'none', kernelRouting: false },
  };
}
