// The topology without any eBPF: plain kernel routing between nodes proves the namespaces,
// veths, underlay and world host are wired as docs/testbed.md says.
import { execFileSync } from 'node:child_process';
import { describe, expect } from 'vitest';
import { kernelTest } from '../../harness/skip.js';
import { createTestbed } from '../../harness/netns/topology.js';
import { ping, tcpTransfer, udpSend } from '../../harness/netns/traffic.js';
import { leftoversOf, logTimes, twoNodeSpec } from './helpers.js';

function ipJson(netns: string, ...args: string[]): unknown[] {
  return JSON.parse(execFileSync('ip', ['-j', '-n', netns, ...args], { encoding: 'utf8' })) as unknown[];
}

describe('netns testbed topology', () => {
  kernelTest('2 nodes x 2 pods + a world host: devices, sysctls, and kernel-routed traffic', async () => {
    const tb = await createTestbed(twoNodeSpec({ kernelRouting: true }));
    try {
      const a = tb.pods['pod-a']!, c = tb.pods['pod-c']!, n1 = tb.nodes.node1!;
      // Handles carry what the kernel reports: veth peers point at each other's ifindex.
      expect(a.eth0.peerIfindex).toBe(a.lxc.ifindex);
      expect(a.lxc.peerIfindex).toBe(a.eth0.ifindex);
      expect(a.eth0.mac).toBe(a.mac);
      expect([a.eth0.mtu, a.lxc.mtu]).toEqual([1450, 1450]);
      expect(n1.vxlan0.kind).toBe('vxlan');
      expect(n1.lxc['pod-a']!.name).toBe('lxcpod-a');
      expect(tb.underlay.bridge.kind).toBe('bridge');
      expect(Object.keys(tb.underlay.devices).sort()).toEqual(['br0', 'lo', 'n-node1', 'n-node2', 'w-web']);
      expect(tb.peerOf('pod-a', 'eth0')).toEqual({ place: 'node1', netns: n1.netns, dev: 'lxcpod-a' });

      const vxlan = ipJson(n1.netns, '-d', 'link', 'show', 'vxlan0')[0] as { linkinfo: { info_data: { external?: boolean; port: number } } };
      expect(vxlan.linkinfo.info_data).toMatchObject({ external: true, port: 8472 });
      const sysctl = (ns: string, key: string) => execFileSync('nsenter', [`--net=/run/netns/${ns}`, 'sysctl', '-n', key], { encoding: 'utf8' }).trim();
      expect(sysctl(n1.netns, 'net.ipv4.ip_forward')).toBe('1');
      expect(sysctl(a.netns, 'net.ipv6.conf.all.disable_ipv6')).toBe('1');
      expect(sysctl(a.netns, 'net.ipv4.conf.eth0.rp_filter')).toBe('0');
      // The gateway is learnt by ARP (here the node answers for the router IP on its lo).
      expect(ipJson(a.netns, 'neigh', 'show', 'nud', 'permanent')).toEqual([]);
      const features = execFileSync('nsenter', [`--net=/run/netns/${a.netns}`, 'ethtool', '-k', 'eth0'], { encoding: 'utf8' });
      expect(features).toMatch(/tx-checksumming: off/);

      const sameNode = await ping(tb, 'pod-a', 'pod-b', { count: 2 });
      const crossNode = await ping(tb, 'pod-a', 'pod-c', { count: 3 });
      const toWorld = await ping(tb, 'pod-d', 'web', { count: 2 });
      expect([sameNode.received, crossNode.received, toWorld.received]).toEqual([2, 3, 2]);
      expect(crossNode.rttsMs).toHaveLength(3);

      const tcp = await tcpTransfer(tb, { from: 'pod-a', to: 'pod-c', port: 8080, bytes: 1 << 20 });
      expect(tcp).toMatchObject({ sent: true, received: true, bytes: 1 << 20, peer: { ip: '10.244.1.10' } });
      expect(c.ip).toBe('10.244.2.10');
      const fromWorld = await tcpTransfer(tb, { from: 'web', to: 'pod-b', port: 80, bytes: 1000 });
      expect(fromWorld).toMatchObject({ received: true, bytes: 1000, peer: { ip: '203.0.113.10' } });
      const udp = await udpSend(tb, { from: 'pod-c', to: 'pod-b', port: 5353, bytes: 100 });
      expect(udp).toMatchObject({ sent: true, received: true, bytes: 100, peer: { ip: '10.244.2.10' } });
      const refused = await tcpTransfer(tb, { from: 'pod-a', to: 'pod-b', dst: '10.244.2.99', port: 81, bytes: 10, timeoutMs: 1000 });
      expect(refused.sent).toBe(false);
    } finally {
      await tb.teardown();
    }
    logTimes('2 nodes / 4 pods / 1 world host', tb.timings);
    expect(leftoversOf(tb.runId)).toEqual([]);
    expect(tb.timings.setupMs).toBeLessThan(3000);
  });

  kernelTest('nft masquerade: the world sees the node address', async () => {
    const tb = await createTestbed(twoNodeSpec({ kernelRouting: true, masquerade: 'nft' }));
    try {
      const r = await tcpTransfer(tb, { from: 'pod-c', to: 'web', port: 443, bytes: 5000 });
      expect(r).toMatchObject({ received: true, bytes: 5000, peer: { ip: '192.168.50.2' } });
      // Pod-to-pod traffic keeps its source.
      const inside = await tcpTransfer(tb, { from: 'pod-c', to: 'pod-a', port: 443, bytes: 10 });
      expect(inside.peer?.ip).toBe('10.244.2.10');
    } finally {
      await tb.teardown();
    }
  });

  kernelTest('without a datapath nobody answers ARP for the gateway; staticGatewayNeighbour adds one', async () => {
    const tb = await createTestbed({ ...twoNodeSpec({ staticGatewayNeighbour: true }), nodes: [twoNodeSpec().nodes[0]!], world: [] });
    try {
      const a = tb.pods['pod-a']!;
      const neigh = ipJson(a.netns, 'neigh', 'show', 'nud', 'permanent') as { dst: string; lladdr: string }[];
      expect(neigh).toEqual([expect.objectContaining({ dst: '10.244.1.1', lladdr: a.lxc.mac })]);
      // No routes between pods on the node side without kernelRouting: the lxc /32 routes exist
      // but nothing answers for the router; with the static entry the frame reaches the node.
      const routes = ipJson(tb.nodes.node1!.netns, 'route', 'show') as { dst: string; dev: string }[];
      expect(routes).toEqual(expect.arrayContaining([expect.objectContaining({ dst: '10.244.1.10', dev: 'lxcpod-a' })]));
    } finally {
      await tb.teardown();
    }
    const plain = await createTestbed({ ...twoNodeSpec(), nodes: [twoNodeSpec().nodes[0]!], world: [] });
    try {
      expect((await ping(plain, 'pod-a', 'pod-b', { count: 1, timeoutS: 1 })).received).toBe(0);
    } finally {
      await plain.teardown();
    }
  });
});
