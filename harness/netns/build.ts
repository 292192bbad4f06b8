// Executes a plan (plan.ts) stage by stage, each stage's namespaces in parallel, and reads
// every namespace's devices back at the end.
import { parseIpLinks, type Device } from './devices.js';
import { inNetns, ipBatch, run } from './exec.js';
import type { Plan } from './plan.js';

export interface BuildResult {
  devices: Map<string, Record<string, Device>>;
  /** Milliseconds per stage, for tuning. */
  stageMs: Record<string, number>;
}

// Offloads merge or defer packets and leave checksums partial (pitfalls 9, 13); a feature a
// device does not have is skipped, not an error. `ethtool DEV` (get link) also makes the
// kernel process the device's pending link-watch event now: until then a bridge port whose
// carrier just came up stays disabled (drop reason BRIDGE_INGRESS_STP_STATE), for up to 1 s.
const OFFLOADS_OFF_AND_READ_BACK =
  'for d in "$@"; do ethtool -K "$d" tx off gso off tso off gro off >/dev/null 2>&1; ethtool "$d" >/dev/null 2>&1; done; exec ip -d -j link show';

export async function executePlan(plan: Plan): Promise<BuildResult> {
  const stageMs: Record<string, number> = {};
  const stage = async (name: string, work: () => Promise<unknown>) => {
    const start = performance.now();
    await work();
    stageMs[name] = Math.round(performance.now() - start);
  };
  await stage('namespaces', () => ipBatch(undefined, plan.namespaces.map((ns) => `netns add ${ns}`)));
  await stage('sysctls', () => Promise.all(plan.sysctls.map((b) => run(inNetns(b.netns, 'sysctl', ['-q', '-w', ...b.lines])))));
  await stage('links', () => Promise.all(plan.links.map((b) => ipBatch(b.netns, b.lines))));
  const bridgeBatch = (netns: string) => plan.bridge.find((b) => b.netns === netns);
  await stage('config', () => Promise.all([
    // A namespace's FDB entries once its ip batch has put the ports on the bridge.
    ...plan.config.map((b) => ipBatch(b.netns, b.lines).then(() => {
      const fdb = bridgeBatch(b.netns);
      return fdb && run(['bridge', '-n', b.netns, '-batch', '-'], { input: fdb.lines.join('\n') + '\n' });
    })),
    ...plan.nft.map((n) => run(inNetns(n.netns, 'nft', ['-f', '-']), { input: n.ruleset })),
  ]));
  const devices = new Map<string, Record<string, Device>>();
  await stage('offloads+readback', () => Promise.all(plan.offloads.map(async (b) => {
    const { stdout } = await run(inNetns(b.netns, 'sh', ['-c', OFFLOADS_OFF_AND_READ_BACK, 'sh', ...b.lines]));
    devices.set(b.netns, parseIpLinks(stdout));
  })));
  await stage('bridge', () => waitForwarding(plan.underlayNetns));
  return { devices, stageMs };
}

/** Until every port of the underlay bridge forwards (a port is disabled until its link-watch event ran). */
async function waitForwarding(netns: string, timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const ports = JSON.parse((await run(['bridge', '-n', netns, '-j', 'link', 'show'])).stdout || '[]') as { ifname: string; state?: string }[];
    const waiting = ports.filter((p) => p.state !== 'forwarding');
    if (!waiting.length) return;
    if (performance.now() > deadline) throw new Error(`underlay bridge ports not forwarding after ${timeoutMs} ms: ${waiting.map((p) => `${p.ifname} ${p.state}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
