// The captures in pcaps/ (recorded from the kernel testbed) read back as capinfos reads them,
// and replaying the same-node one through cil_from_container in the VM, with the agent's map
// state for node1, forwards every packet the way the kernel did when it was recorded.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readPackets, toEthernetFrame, pcapInfo } from '../../src/pcap/index.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { buildPlan } from '../../src/agent/index.js';
import { loadObjectSpec } from '../../src/elf/index.js';
import { LoadedObject, testRun, SKB } from '../../src/vm/index.js';
import { importMaps, encodeValue } from '../../src/maps/index.js';

const REPO = resolve(import.meta.dirname, '../..');
const FILES = ['pod-to-pod-same-node.pcap', 'vxlan-underlay.pcap', 'masquerade-to-world.pcap', 'policy-drop.pcap'];
const haveCapinfos = spawnSync('capinfos', ['-h']).error === undefined;

describe('recorded captures', () => {
  it.each(FILES)('%s: packet count and protocols agree with capinfos', async (file) => {
    const path = resolve(REPO, 'pcaps', file);
    const info = await pcapInfo(path);
    expect(info.error).toBeUndefined();
    expect(info.packetCount).toBeGreaterThan(0);
    if (!haveCapinfos) { console.log('[dpsim] capinfos missing: count not cross-checked'); return; }
    const out = spawnSync('capinfos', ['-M', '-c', path], { encoding: 'utf8' }).stdout;
    expect(Number(/Number of packets:\s+(\d+)/.exec(out)?.[1])).toBe(info.packetCount);
    if (file === 'vxlan-underlay.pcap') expect(info.protocols.transport.vxlan).toBe(info.packetCount);
  });

  it('replaying pod-to-pod-same-node.pcap through cil_from_container forwards every packet', async () => {
    make();
    const parsed = parseScenario(readFileSync(resolve(REPO, 'scenarios/pod-to-pod-same-node.yaml'), 'utf8'), 'pod-to-pod-same-node.yaml');
    const plan = buildPlan(parsed);
    const node = plan.nodes[0]!;
    const lxcPlan = node.objects.find((o) => o.file === 'bpf_lxc.o')!;
    const spec = await loadObjectSpec(resolve(REPO, 'bpf/build/bpf_lxc.o'));
    const rodata = spec.maps.find((m) => m.name === '.rodata')!.dataLayout!;
    const globals = Object.entries(lxcPlan.rodata).map(([name, value]) => {
      const v = rodata.find((d) => d.name === name)!;
      return { section: '.rodata', offset: v.offset, bytes: encodeValue(v.layout, value) };
    });
    const obj = LoadedObject.load(spec, { globals });
    importMaps(obj.maps.values(), lxcPlan.maps, (n) => obj.programs.get(n));
    const client = plan.pods.find((p) => p.name === 'client')!;
    const ctx = new Uint8Array(SKB.ifindex + 4);
    new DataView(ctx.buffer).setUint32(SKB.ingress_ifindex, client.lxc.ifindex, true);
    const verdicts: number[] = [];
    for await (const p of readPackets(resolve(REPO, 'pcaps/pod-to-pod-same-node.pcap'))) {
      const r = testRun(obj, obj.program('cil_from_container'), { dataIn: toEthernetFrame(p)!, ctxIn: ctx });
      expect(r.fault).toBeNull();
      verdicts.push(r.retval);
    }
    // ARP for the gateway is answered and redirected back; same-node traffic is redirected to the peer.
    expect(verdicts.length).toBeGreaterThan(5);
    expect(new Set(verdicts)).toEqual(new Set([7]));
  });
});

function make(): void {
  const r = spawnSync('make', ['-s', '-C', resolve(REPO, 'bpf')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}
