// Traffic steps with every address and port fixed, so both backends send the same bytes:
// endpoints resolved to places and IPs, ICMP identifiers and TCP/UDP source ports chosen
// deterministically from the step index.

import type { ClusterPlan } from '../agent/plan-types.js';
import type { ResolvedStep } from '../backends/types.js';
import type { Scenario } from './schema.js';

export class StepError extends Error {
  constructor(readonly path: (string | number)[], message: string) {
    super(message);
  }
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** "client", "default/client", "internet" (world), "svc/web", "default/svc/web", or an IP → {place, ip}. */
export function resolveEndpoint(plan: ClusterPlan, ref: string, path: (string | number)[]): { place?: string; ip: string } {
  if (IPV4.test(ref)) return { ip: ref };
  const parts = ref.split('/');
  if (parts.includes('svc')) {
    const [ns, , name] = parts.length === 3 ? parts : ['default', 'svc', parts[1]];
    const svc = plan.services.find((s) => s.name === name && s.namespace === ns);
    if (!svc) throw new StepError(path, `no service ${ns}/${name} (services: ${plan.services.map((s) => `${s.namespace}/${s.name}`).join(', ') || 'none'})`);
    return { ip: svc.vip };
  }
  const [ns, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  const pod = plan.pods.find((p) => p.name === name && (ns === undefined || p.namespace === ns));
  if (pod) return { place: `pod:${pod.name}`, ip: pod.ip };
  const world = plan.world.find((w) => w.name === name);
  if (world && ns === undefined) return { place: `world:${world.name}`, ip: world.ip };
  throw new StepError(path, `no pod, world host or service named "${ref}"`);
}

export function sourcePlace(plan: ClusterPlan, ref: string, path: (string | number)[]): string {
  const e = resolveEndpoint(plan, ref, path);
  if (!e.place) throw new StepError(path, `traffic must start at a pod or a world host, not ${ref}`);
  return e.place;
}

export function resolveSteps(scenario: Scenario, plan: ClusterPlan): ResolvedStep[] {
  return scenario.traffic.map((s, index): ResolvedStep => {
    const base = ['traffic', index];
    if (s.ping) {
      return { kind: 'ping', index, from: sourcePlace(plan, s.ping.from, [...base, 'ping', 'from']), toIp: resolveEndpoint(plan, s.ping.to, [...base, 'ping', 'to']).ip, count: s.ping.count, icmpId: 0x1000 + index };
    }
    if (s.tcp) {
      return { kind: 'tcp', index, from: sourcePlace(plan, s.tcp.from, [...base, 'tcp', 'from']), toIp: resolveEndpoint(plan, s.tcp.to, [...base, 'tcp', 'to']).ip, port: s.tcp.port, sport: 40000 + index, bytes: s.tcp.bytes };
    }
    if (s.udp) {
      return { kind: 'udp', index, from: sourcePlace(plan, s.udp.from, [...base, 'udp', 'from']), toIp: resolveEndpoint(plan, s.udp.to, [...base, 'udp', 'to']).ip, port: s.udp.port, sport: 40000 + index, bytes: s.udp.bytes };
    }
    if (s.packet) {
      return { kind: 'packet', index, at: resolveInjection(plan, s.packet.at, [...base, 'packet', 'at']), frames: [Buffer.from(s.packet.hex.replace(/\s+/g, ''), 'hex')] };
    }
    throw new StepError([...base, 'pcap'], 'pcap steps run through `dpsim replay --scenario` (the replay issue); not in `dpsim run` yet');
  });
}

/** "node1/eth0:ingress", "client" (the pod's eth0, egress = sent by the pod). */
export function resolveInjection(plan: ClusterPlan, at: string, path: (string | number)[]): { place: string; device: string; direction: 'ingress' | 'egress' } {
  const m = /^([^/:]+)(?:\/([^:]+))?(?::(ingress|egress))?$/.exec(at);
  if (!m) throw new StepError(path, `"${at}" is not NODE/DEVICE:ingress|egress or a pod name`);
  const [, where, device, dir] = m;
  const node = plan.nodes.find((n) => n.name === where);
  if (node) {
    const devs = [node.eth0.name, node.vxlan0.name, ...plan.pods.filter((p) => p.node === node.name).map((p) => p.lxc.name)];
    if (!device || !devs.includes(device)) throw new StepError(path, `node ${where} has no device "${device ?? ''}" (devices: ${devs.join(', ')})`);
    return { place: node.name, device, direction: (dir as 'ingress' | 'egress') ?? 'ingress' };
  }
  const place = sourcePlace(plan, where!, path);
  return { place, device: device ?? 'eth0', direction: (dir as 'ingress' | 'egress') ?? 'egress' };
}
