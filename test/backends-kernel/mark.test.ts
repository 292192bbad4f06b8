// What the kernel does to skb->mark between tc hooks, measured with a probe object (set the
// mark on ICMP at one hook, record it at another): the emulated topology must keep or clear
// it at the same places, since cil_to_container reads the source identity from it. Note
// bpf_redirect_peer: into another namespace, yet the mark stays (the veth's xmit clears it).

import { execFile } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect } from 'vitest';
import { harnessDir } from '../../harness/helper-build.js';
import { kernelTest } from '../../harness/skip.js';
import { ipBatch } from '../../harness/netns/exec.js';
import { createTestbed, NodeLoader, ping, type Direction, type Testbed } from '../../harness/netns/index.js';
import { pinRoot } from '../../harness/netns/names.js';
import { leftoversOf, twoNodeSpec } from '../netns/helpers.js';

const run = promisify(execFile);

async function compileProbe(): Promise<string> {
  const src = fileURLToPath(new URL('./fixtures/mark_probe.bpf.c', import.meta.url));
  const outDir = join(harnessDir(), 'build/fixtures/backends-kernel');
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, 'mark_probe.o'), tmp = `${out}.${process.pid}.tmp`;
  const { stdout: arch } = await run('gcc', ['-print-multiarch']);
  const clang = await run('clang-19', ['--version']).then(() => 'clang-19', () => 'clang');
  await run(clang, ['-O2', '-g', '-target', 'bpf', `-I/usr/include/${arch.trim()}`, '-c', src, '-o', tmp]);
  renameSync(tmp, out);
  return out;
}

/** Probe instances in any namespace of the testbed (pods too), removed with it. */
class Probes {
  private readonly loaders = new Map<string, Promise<NodeLoader>>();
  private count = 0;
  private readonly attached: { loader: NodeLoader; inst: string; prog: string; dev: string; dir: Direction }[] = [];
  constructor(private readonly tb: Testbed, private readonly obj: string) {}

  private loader(place: string): Promise<NodeLoader> {
    let l = this.loaders.get(place);
    if (!l) {
      l = NodeLoader.start(this.tb.netnsOf(place), `${pinRoot(this.tb.runId)}/probe-${place}`, this.tb.workDir).then((x) => (this.tb.track(x), x));
      this.loaders.set(place, l);
    }
    return l;
  }

  /** Attaches PROG at PLACE/DEV:DIR; returns a reader of the recorded mark (record only). */
  async attach(place: string, dev: string, dir: Direction, prog: string, targetIfindex = 0): Promise<() => Promise<number | undefined>> {
    const loader = await this.loader(place);
    const inst = `p${this.count++}`;
    const le = Uint8Array.of(targetIfindex & 255, (targetIfindex >> 8) & 255, 0, 0);
    await loader.open(inst, this.obj, { rodata: [{ section: '.rodata', offset: 0, bytes: le }] });
    await loader.load(inst);
    await loader.attach(inst, prog, dev, dir);
    this.attached.push({ loader, inst, prog, dev, dir });
    return async () => {
      const v = await loader.lookup(inst, 'seen', new Uint8Array(4));
      const n = v ? new DataView(v.buffer, v.byteOffset).getUint32(0, true) : 0;
      return n & 0x80000000 ? n & 0x7fffffff : undefined;
    };
  }

  async detachAll(): Promise<void> {
    for (const a of this.attached.splice(0)) await a.loader.detach(a.inst, a.prog, a.dev, a.dir);
  }
}

describe('kernel facts: skb->mark between hooks', () => {
  kernelTest('kept by forwarding, bpf_redirect(_peer) and VXLAN encapsulation; cleared by a veth into another namespace', async () => {
    const tb = await createTestbed(twoNodeSpec({ kernelRouting: true, staticGatewayNeighbour: true }));
    const found: Record<string, number | undefined> = {};
    try {
      const probes = new Probes(tb, await compileProbe());
      const lxcA = tb.pods['pod-a']!.lxc.name, lxcB = tb.pods['pod-b']!.lxc.name;

      // 1. Leaving a pod through its veth: the node sees the frame without the mark.
      await probes.attach('pod-a', 'eth0', 'egress', 'set_mark');
      const atLxc = await probes.attach('node1', lxcA, 'ingress', 'record');
      await ping(tb, 'pod-a', 'pod-b', { count: 1 });
      found['pod eth0 egress -> lxc ingress (veth, netns crossed)'] = await atLxc();
      await probes.detachAll();

      // 2. Routed by the node's stack to another lxc, then into the pod.
      await probes.attach('node1', lxcA, 'ingress', 'set_mark');
      const forwarded = await probes.attach('node1', lxcB, 'egress', 'record');
      const inPod = await probes.attach('pod-b', 'eth0', 'ingress', 'record');
      await ping(tb, 'pod-a', 'pod-b', { count: 1 });
      found['lxc ingress -> stack forward -> lxc egress'] = await forwarded();
      found['lxc egress -> pod eth0 ingress (veth, netns crossed)'] = await inPod();
      await probes.detachAll();

      // 3. bpf_redirect to another device's egress (what from-overlay / from-netdev do).
      await probes.attach('node1', lxcA, 'ingress', 'set_mark_redirect', tb.pods['pod-b']!.lxc.ifindex);
      const redirected = await probes.attach('node1', lxcB, 'egress', 'record');
      await ping(tb, 'pod-a', 'pod-b', { count: 1, timeoutS: 0.3 });
      found['bpf_redirect -> lxc egress'] = await redirected();
      await probes.detachAll();

      // 4. bpf_redirect_peer straight into the pod (same-node delivery).
      await probes.attach('node1', lxcA, 'ingress', 'set_mark_redirect_peer', tb.pods['pod-b']!.lxc.ifindex);
      const peer = await probes.attach('pod-b', 'eth0', 'ingress', 'record');
      await ping(tb, 'pod-a', 'pod-b', { count: 1, timeoutS: 0.3 });
      found['bpf_redirect_peer -> pod eth0 ingress'] = await peer();
      await probes.detachAll();

      // 5. VXLAN (external, key from a lightweight tunnel route): inner and outer packet.
      await ipBatch(tb.nodes.node1!.netns, [
        'route replace 10.244.2.10/32 encap ip id 42 dst 192.168.50.2 dev vxlan0',
        'neigh replace 10.244.2.10 lladdr 02:00:00:00:00:42 dev vxlan0 nud permanent',
      ]);
      await probes.attach('node1', lxcA, 'ingress', 'set_mark');
      const inner = await probes.attach('node1', 'vxlan0', 'egress', 'record');
      const outer = await probes.attach('node1', 'eth0', 'egress', 'record_udp');
      await ping(tb, 'pod-a', 'pod-c', { count: 1, timeoutS: 0.3 });
      found['stack -> vxlan0 egress (inner)'] = await inner();
      found['vxlan0 -> eth0 egress (outer, encapsulated)'] = await outer();
    } finally {
      await tb.teardown();
    }
    expect(leftoversOf(tb.runId)).toEqual([]);
    console.log(`[backends-kernel] skb->mark 0x1234 after each path:\n${Object.entries(found).map(([k, v]) => `  ${k}: ${v === undefined ? 'not seen' : `0x${v.toString(16)}`}`).join('\n')}`);
    expect(found).toEqual({
      'pod eth0 egress -> lxc ingress (veth, netns crossed)': 0,
      'lxc ingress -> stack forward -> lxc egress': 0x1234,
      'lxc egress -> pod eth0 ingress (veth, netns crossed)': 0,
      'bpf_redirect -> lxc egress': 0x1234,
      'bpf_redirect_peer -> pod eth0 ingress': 0x1234,
      'stack -> vxlan0 egress (inner)': 0x1234,
      'vxlan0 -> eth0 egress (outer, encapsulated)': 0x1234,
    });
  }, 60_000);
});
