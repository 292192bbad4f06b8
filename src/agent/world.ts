// World hosts: hosts outside the cluster on the underlay segment. Their addresses must not
// collide with the cluster's, and must be outside the cluster CIDR (pod traffic to them is
// masqueraded only there).

import type { Scenario } from '../scenario/schema.js';
import { AgentError } from './errors.js';
import { cidrAt, formatPrefix, ipAt, prefixContains, type Prefix } from './ipv4.js';
import type { WorldPlan } from './plan-types.js';
import { MAX_NUMBERED, worldDevice } from './topology.js';

export function planWorld(s: Scenario, clusterCidr: Prefix): WorldPlan[] {
  const { world, nodes } = s.cluster;
  if (world.length > MAX_NUMBERED) throw new AgentError(['cluster', 'world'], `at most ${MAX_NUMBERED} world hosts (MACs carry their number)`);
  const serviceCidr = cidrAt(s.cluster.serviceCIDR, ['cluster', 'serviceCIDR']);
  return world.map((w, i) => {
    const at = ['cluster', 'world', i];
    if (world.findIndex((x) => x.name === w.name) !== i || s.pods.some((p) => p.name === w.name)) {
      throw new AgentError([...at, 'name'], `${w.name} is already the name of a ${s.pods.some((p) => p.name === w.name) ? 'pod' : 'world host'}`);
    }
    const ip = { base: ipAt(w.ip, [...at, 'ip']), len: 32 };
    const node = nodes.find((n) => n.ip === w.ip);
    if (node) throw new AgentError([...at, 'ip'], `${w.ip} is node ${node.name}'s address`);
    if (world.findIndex((x) => x.ip === w.ip) !== i) throw new AgentError([...at, 'ip'], `${w.ip} is already another world host's address`);
    if (prefixContains(clusterCidr, ip)) throw new AgentError([...at, 'ip'], `${w.ip} is inside the cluster CIDR ${formatPrefix(clusterCidr)}`);
    if (prefixContains(serviceCidr, ip)) throw new AgentError([...at, 'ip'], `${w.ip} is inside the service CIDR ${s.cluster.serviceCIDR}`);
    return { name: w.name, ip: w.ip, eth0: worldDevice(i + 1), listen: w.listen ?? [] };
  });
}
