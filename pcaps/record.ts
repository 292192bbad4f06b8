// Records the captures in pcaps/ from the kernel testbed: each entry runs a library scenario on
// the kernel backend and writes the packets seen at one observation point, as tcpdump captured
// them there. Run as root: `npx tsx pcaps/record.ts` (rewrites the files; see README.md).
import { resolve } from 'node:path';
import { loadScenario } from '../src/scenario/parse.js';
import { buildPlan } from '../src/agent/index.js';
import { resolveSteps } from '../src/scenario/resolve.js';
import { runOnBackend } from '../src/scenario/runner.js';
import { KernelBackend } from '../src/backends/kernel.js';
import { PcapWriter } from '../src/pcap/index.js';
import { repoPath } from '../src/repo-root.js';

export const RECORDINGS = [
  { file: 'pod-to-pod-same-node.pcap', scenario: 'pod-to-pod-same-node.yaml', point: 'node1/lxcclient:ingress', what: 'client → server on one node (ping, TCP, UDP) as it leaves the client pod, at the lxc before cil_from_container' },
  { file: 'vxlan-underlay.pcap', scenario: 'pod-to-pod-cross-node.yaml', point: 'node1/eth0:egress', what: 'the VXLAN underlay between the nodes: node1 eth0 egress while client pings and talks TCP to a pod on node2' },
  { file: 'masquerade-to-world.pcap', scenario: 'pod-to-world-masquerade.yaml', point: 'world:internet/eth0:ingress', what: 'pod traffic masqueraded to the node IP, as the world host receives it' },
  { file: 'policy-drop.pcap', scenario: 'l3-identity-policy.yaml', point: 'node2/vxlan0:ingress', what: 'cross-node traffic arriving at the backend\'s node; the intruder\'s SYNs are dropped there by policy (POLICY_DENIED)' },
] as const;

async function record(r: (typeof RECORDINGS)[number]): Promise<number> {
  const parsed = loadScenario(repoPath('scenarios', r.scenario));
  const plan = buildPlan(parsed);
  const out = await runOnBackend(new KernelBackend(), parsed.scenario, plan, resolveSteps(parsed.scenario, plan));
  const packets = out.run.packets.filter((p) => p.point === r.point).sort((a, b) => a.timeNs - b.timeNs);
  const w = new PcapWriter(resolve(repoPath('pcaps'), r.file), { resolution: 'ns' });
  const base = 1_700_000_000;
  for (const p of packets) await w.write({ timestamp: { seconds: base + Math.floor(p.timeNs / 1e9), nanos: p.timeNs % 1e9 }, data: p.frame });
  await w.close();
  return packets.length;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  for (const r of RECORDINGS) console.log(`${r.file}: ${await record(r)} packets from ${r.scenario} at ${r.point}`);
}
