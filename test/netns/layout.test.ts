// The spec → names → commands part of the testbed, which needs no kernel.
import { describe, expect, test } from 'vitest';
import { layoutOf, SpecError } from '../../harness/netns/layout.js';
import { fillText } from '../../harness/netns/loader.js';
import { ifName, lxcName, netnsName, runIdOf, stableMac } from '../../harness/netns/names.js';
import { planOf } from '../../harness/netns/plan.js';
import { twoNodeSpec } from './helpers.js';

describe('testbed names', () => {
  test('device names fit in 15 characters; long names are hashed, short ones kept', () => {
    expect(lxcName('pod-a')).toBe('lxcpod-a');
    const long = lxcName('a-very-long-pod-name');
    expect(long).toMatch(/^lxc[0-9a-f]{12}$/);
    expect(long).not.toBe(lxcName('a-very-long-pod-name2'));
    expect(ifName('n-', 'node-with-long-name').length).toBe(15);
  });

  test('namespace names carry the run id and kind', () => {
    expect(netnsName('1a2b', 'pod', 'pod-a')).toBe('dpsim-1a2b-p-pod-a');
    expect(netnsName('1a2b', 'underlay')).toBe('dpsim-1a2b-ul');
    expect(runIdOf('dpsim-1a2b-n-node1')).toBe('1a2b');
    expect(runIdOf('dpsim-foo')).toBeUndefined();
    expect(stableMac('1a2b', 'pod/x')).toMatch(/^02:1a:2b(:[0-9a-f]{2}){3}$/);
  });
});

describe('testbed layout and plan', () => {
  test('spells out every namespace, device and default', () => {
    const layout = layoutOf(twoNodeSpec(), '00ff');
    expect(layout.options).toEqual({ staticGatewayNeighbour: false, kernelRouting: false, masquerade: 'none', ipv6: false, keepOffloads: false });
    const pod = layout.nodes[0]!.pods[0]!;
    expect(pod).toMatchObject({ netns: 'dpsim-00ff-p-pod-a', cidr: { ip: '10.244.1.10', prefix: 32 }, mtu: 1450, lxc: 'lxcpod-a' });
    expect(layout.nodes[1]!.pinDir).toBe('/sys/fs/bpf/dpsim-00ff/node2');
  });

  test('rejects bad or clashing names and addresses', () => {
    const spec = twoNodeSpec();
    expect(() => layoutOf({ ...spec, world: [{ name: 'pod-a', ip: '203.0.113.1' }] }, '0000')).toThrow(/already used/);
    expect(() => layoutOf({ ...spec, world: [{ name: 'Web', ip: '203.0.113.1' }] }, '0000')).toThrow(SpecError);
    expect(() => layoutOf({ ...spec, world: [{ name: 'web', ip: '203.0.113.300' }] }, '0000')).toThrow(/not an IPv4/);
    expect(() => layoutOf({ ...spec, vxlan: { port: 0 } }, '0000')).toThrow(/vxlan.port/);
    const badMtu = twoNodeSpec();
    badMtu.nodes[0]!.pods[0]!.mtu = 100;
    expect(() => layoutOf(badMtu, '0000')).toThrow(/mtu/);
  });

  test('the plan creates links inside namespaces only and routes per option', () => {
    const plain = planOf(layoutOf(twoNodeSpec(), '00ff'));
    const nodeLines = plain.links.find((b) => b.netns === 'dpsim-00ff-n-node1')!.lines;
    expect(nodeLines).toContain('link add vxlan0 type vxlan external dstport 8472');
    expect(nodeLines).toContain('route add 10.244.1.10/32 dev lxcpod-a');
    expect(nodeLines.some((l) => l.includes('via'))).toBe(false); // no node-to-node routes: the datapath's job
    expect(plain.nft).toEqual([]);
    const routed = planOf(layoutOf(twoNodeSpec({ kernelRouting: true, masquerade: 'nft' }), '00ff'));
    expect(routed.links.find((b) => b.netns === 'dpsim-00ff-n-node1')!.lines).toContain('route add 10.244.2.0/24 via 192.168.50.2 dev eth0');
    expect(routed.nft[0]!.ruleset).toMatch(/oifname "eth0" ip saddr 10\.244\.1\.0\/24 ip daddr != \{ 10\.244\.1\.0\/24, 10\.244\.2\.0\/24, 192\.168\.50\.0\/24 \} masquerade/);
    // With masquerading the world host needs no routes back to pods.
    expect(routed.config.find((b) => b.netns === 'dpsim-00ff-w-web')!.lines).toEqual(['route add 192.168.50.0/24 dev eth0']);
  });
});

test('fill files: key/value hex lines and prog-array slots by name', () => {
  expect(fillText([
    { map: 'm', entries: [{ key: Uint8Array.of(1), value: Uint8Array.of(2, 3) }, { key: Uint8Array.of(4), value: Uint8Array.of(5, 6), flags: 1 }] },
    { map: 'jump', progs: [{ index: 0, prog: 'tail' }] },
  ])).toBe('map m\n01 0203\n04 0506 1\nmap jump\n0 tail\n');
});
