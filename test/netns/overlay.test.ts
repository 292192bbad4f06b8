// The topology carries an eBPF VXLAN datapath: with nothing but two tc programs per node
// (and static gateway neighbours instead of an ARP responder), pods on different nodes talk
// through vxlan0 in external mode, and the underlay shows the encapsulated packets.
import { execFileSync } from 'node:child_process';
import { describe, expect } from 'vitest';
import { kernelTest } from '../../harness/skip.js';
import { startCapture } from '../../harness/netns/capture.js';
import { createTestbed, type Testbed } from '../../harness/netns/topology.js';
import { ping, tcpTransfer } from '../../harness/netns/traffic.js';
import { parseIpv4, parseMac } from '../../src/packet/build.js';
import { compileNetnsFixture } from './fixtures.js';
import { leftoversOf, twoNodeSpec } from './helpers.js';

const le32 = (n: number) => Uint8Array.of(n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24);
const hostOrder = (ip: string) => le32(Buffer.from(parseIpv4(ip)).readUInt32BE(0));

async function loadOverlay(tb: Testbed, obj: string, self: string, other: string): Promise<void> {
  const node = tb.nodes[self]!, remote = tb.nodes[other]!;
  const [net, prefix] = remote.podCidr.split('/');
  const mask = Buffer.alloc(4);
  mask.writeUInt32BE(Number(prefix) === 0 ? 0 : (0xffffffff << (32 - Number(prefix))) >>> 0);
  const loader = await tb.loader(self);
  const cfg = Uint8Array.from([...hostOrder(remote.underlayIp), ...parseIpv4(net!), ...mask, ...le32(node.vxlan0.ifindex)]);
  await loader.open('overlay', obj, { rodata: [{ section: '.rodata', offset: 0, bytes: cfg }] });
  await loader.load('overlay');
  const local = Object.values(tb.pods).filter((p) => p.node === self);
  await loader.fill('overlay', [{
    map: 'endpoints',
    entries: local.map((p) => ({ key: parseIpv4(p.ip), value: Uint8Array.from([...le32(p.lxc.ifindex), ...parseMac(p.mac), ...parseMac(p.lxc.mac)]) })),
  }]);
  for (const p of local) await loader.attach('overlay', 'from_pod', p.lxc.name, 'ingress');
  await loader.attach('overlay', 'from_overlay', 'vxlan0', 'ingress');
}

describe('netns testbed with an eBPF overlay', () => {
  kernelTest('pods on two nodes talk over VXLAN through tc programs only', async () => {
    const obj = await compileNetnsFixture('overlay_min');
    const tb = await createTestbed(twoNodeSpec({ staticGatewayNeighbour: true }));
    try {
      await loadOverlay(tb, obj, 'node1', 'node2');
      await loadOverlay(tb, obj, 'node2', 'node1');
      const capture = await startCapture(tb, 'node2', 'eth0', { filter: 'udp port 8472' });
      expect((await ping(tb, 'pod-a', 'pod-c', { count: 2 })).received).toBe(2);
      const tcp = await tcpTransfer(tb, { from: 'pod-b', to: 'pod-d', port: 9000, bytes: 1 << 20 });
      expect(tcp).toMatchObject({ received: true, bytes: 1 << 20, peer: { ip: '10.244.1.11' } });
      const { file } = await capture.stop();
      const outer = execFileSync('tcpdump', ['-r', file, '-n', '-c', '2'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(outer).toMatch(/192\.168\.50\.1\.\d+ > 192\.168\.50\.2\.8472: .*instance 2/);
    } finally {
      await tb.teardown();
    }
    expect(leftoversOf(tb.runId)).toEqual([]);
  });
});
