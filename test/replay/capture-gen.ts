// Test captures: UDP frames from the frontend pod of scenarios/default.yaml (node1), in a
// repeating pattern of three destinations — the world (passed), api-1 on the same node
// (dropped: POLICY_DENIED, the policy admits TCP only) and api-2 on node2 (redirected to
// vxlan0) — written streaming, so a million packets cost no memory; plus the agent's map
// state, globals and ctx for bpf_lxc.o's cil_from_container.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseScenario } from '../../src/scenario/parse.js';
import { buildPlan } from '../../src/agent/index.js';
import { PcapWriter } from '../../src/pcap/index.js';
import { udpFrame } from '../../src/packet/build.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const LXC = resolve(REPO, 'bpf/build/bpf_lxc.o');

export function defaultPlan(scenario = 'default.yaml') {
  return buildPlan(parseScenario(readFileSync(join(REPO, 'scenarios', scenario), 'utf8'), scenario));
}

/** maps.json, globals.json, ctx.json for cil_from_container on the pod's node (node1 of default.yaml's frontend by default), in `dir`. */
export function writeLxcState(dir: string, scenario = 'default.yaml', pod = 'frontend'): { maps: string; globals: string; ctx: string; vxlanIfindex: number } {
  const plan = defaultPlan(scenario);
  const frontend = plan.pods.find((p) => p.name === pod)!;
  const node = plan.nodes.find((n) => n.name === frontend.node)!;
  const lxc = node.objects.find((o) => o.file === 'bpf_lxc.o')!;
  const stem = scenario === 'default.yaml' ? '' : `${scenario.replace(/\.yaml$/, '')}-`;
  const files = { maps: join(dir, `${stem}maps.json`), globals: join(dir, `${stem}globals.json`), ctx: join(dir, `${stem}ctx.json`) };
  writeFileSync(files.maps, JSON.stringify(lxc.maps));
  writeFileSync(files.globals, JSON.stringify({ '.rodata': lxc.rodata }));
  writeFileSync(files.ctx, JSON.stringify({ ingress_ifindex: frontend.lxc.ifindex }));
  return { ...files, vxlanIfindex: node.vxlan0.ifindex };
}

/** The pattern's frames: [world (passed), api-1 (dropped), api-2 (redirected)] × `flows` source ports. */
export function patternFrames(flows = 16): Uint8Array[] {
  const plan = defaultPlan();
  const node = plan.nodes[0]!;
  const fe = plan.pods.find((p) => p.name === 'frontend')!;
  const ip = (name: string) => plan.pods.find((p) => p.name === name)!.ip;
  const eth = { src: fe.eth0.mac, dst: node.routerMac };
  const dsts: [string, number][] = [[plan.world[0]!.ip, 443], [ip('api-1'), 8080], [ip('api-2'), 8080]];
  const out: Uint8Array[] = [];
  for (let f = 0; f < flows; f++) for (const [dst, dport] of dsts) out.push(udpFrame({ src: fe.ip, dst, sport: 20000 + f, dport, eth }));
  return out;
}

/** Packet i is pattern[i % pattern.length], 1 µs apart from 1700000000 s. */
export async function writeCapture(path: string, packets: number, pattern = patternFrames()): Promise<void> {
  const w = new PcapWriter(path, { resolution: 'ns' });
  for (let i = 0; i < packets; i++) {
    await w.write({ timestamp: { seconds: 1_700_000_000 + Math.floor(i / 1e6), nanos: (i % 1e6) * 1000 }, data: pattern[i % pattern.length]! });
  }
  await w.close();
}

/** Expected verdict counts of the first n packets of the pattern. */
export function expectedCounts(n: number): { passed: number; dropped: number; redirected: number } {
  const per = (k: number) => Math.floor(n / 3) + (n % 3 > k ? 1 : 0);
  return { passed: per(0), dropped: per(1), redirected: per(2) };
}
