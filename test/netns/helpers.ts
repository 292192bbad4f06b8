// Shared by the netns tests: the standard 2-node / 4-pod / 1-world spec and a leftover check.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { defaultWorkDir, ownerFile, pinRoot } from '../../harness/netns/names.js';
import type { TestbedOptions, TestbedSpec } from '../../harness/netns/spec.js';

export function twoNodeSpec(options: TestbedOptions = {}): TestbedSpec {
  return {
    nodes: [
      {
        name: 'node1', underlayIp: '192.168.50.1/24', podCidr: '10.244.1.0/24', routerIp: '10.244.1.1',
        pods: [{ name: 'pod-a', ip: '10.244.1.10' }, { name: 'pod-b', ip: '10.244.1.11' }],
      },
      {
        name: 'node2', underlayIp: '192.168.50.2/24', podCidr: '10.244.2.0/24', routerIp: '10.244.2.1',
        pods: [{ name: 'pod-c', ip: '10.244.2.10' }, { name: 'pod-d', ip: '10.244.2.11' }],
      },
    ],
    world: [{ name: 'web', ip: '203.0.113.10' }],
    vxlan: { port: 8472 },
    options,
  };
}

/** Everything of run RUNID still on the machine: namespaces, pins, owner file, work folder, host links. */
export function leftoversOf(runId: string): string[] {
  const prefix = `dpsim-${runId}`;
  const namespaces = existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith(prefix)) : [];
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n').map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1]).filter((n): n is string => !!n && n.startsWith(prefix));
  return [
    ...namespaces.map((n) => `netns ${n}`),
    ...links.map((n) => `link ${n}`),
    ...[pinRoot(runId), ownerFile(runId), defaultWorkDir(runId)].filter((p) => existsSync(p)),
  ];
}

/** Printed so a test run shows the timings the testbed is built for (~1 s budget). */
export function logTimes(what: string, t: { setupMs: number; stageMs: Record<string, number>; teardownMs?: number }): void {
  console.log(`[netns] ${what}: set-up ${t.setupMs} ms (${Object.entries(t.stageMs).map(([k, v]) => `${k} ${v}`).join(', ')}), teardown ${t.teardownMs ?? '?'} ms`);
}
