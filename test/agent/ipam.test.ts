// Addresses, devices and ids: routers, pod IPs in scenario order, explicit IPs, derived
// prefixes, and the names/ifindexes/MACs of docs/scenario-runtime.md.
import { describe, expect, test } from 'vitest';
import { nodeOf, plan, pod, podOf } from './helpers.js';

describe('IPAM and topology', () => {
  const p = plan({
    cluster: { world: [{ name: 'internet', ip: '1.1.1.1' }, { name: 'dns', ip: '8.8.8.8' }] },
    pods: [
      pod('a', 'node1'), pod('b', 'node2'), pod('c', 'node1', {}, { ip: '10.244.1.11' }), pod('d', 'node1'),
      pod('a-very-long-pod-name', 'node2'),
    ],
  });

  test('routers are .1; pods take .10 upward in scenario order per node, skipping explicit IPs', () => {
    expect(p.nodes.map((n) => n.routerIp)).toEqual(['10.244.1.1', '10.244.2.1']);
    expect(['a', 'b', 'c', 'd'].map((n) => podOf(p, n).ip)).toEqual(['10.244.1.10', '10.244.2.10', '10.244.1.11', '10.244.1.12']);
  });

  test('cluster CIDR covers the pod CIDRs (at least a /16); the underlay covers the nodes (at least a /24)', () => {
    expect(p.clusterCidr).toBe('10.244.0.0/16');
    expect(p.underlay.cidr).toBe('192.168.50.0/24');
    expect(p.serviceCidr).toBe('10.96.0.0/16');
    const wide = plan({ cluster: { nodes: [{ name: 'n1', ip: '172.18.0.2', podCIDR: '10.1.0.0/24' }, { name: 'n2', ip: '172.18.1.2', podCIDR: '10.2.0.0/24' }] } });
    expect(wide.clusterCidr).toBe('10.0.0.0/14');
    expect(wide.underlay.cidr).toBe('172.18.0.0/23');
  });

  test('node devices and MACs', () => {
    expect(nodeOf(p, 'node2')).toMatchObject({
      ip: '192.168.50.2', podCidr: '10.244.2.0/24', routerMac: '02:00:0a:00:02:01', hostEndpointId: 1,
      eth0: { name: 'eth0', ifindex: 2, mac: '52:54:00:00:02:01', mtu: 1500 },
      vxlan0: { name: 'vxlan0', ifindex: 3, mac: '52:54:00:01:02:01', mtu: 1500 },
    });
  });

  test('pod devices: eth0 (MTU 1450) and lxc<11 chars> at 10 + i with the node\'s router MAC; endpoint ids 100 + i per node', () => {
    expect(podOf(p, 'd')).toMatchObject({
      node: 'node1', endpointId: 103,
      eth0: { name: 'eth0', ifindex: 2, mac: '0a:58:0a:f4:01:0c', mtu: 1450 },
      lxc: { name: 'lxcd', ifindex: 13, mac: '02:00:0a:00:01:01', mtu: 1500 },
    });
    expect(podOf(p, 'a-very-long-pod-name').lxc).toMatchObject({ name: 'lxca-very-long', ifindex: 12 });
  });

  test('world hosts', () => {
    expect(p.world).toEqual([
      { name: 'internet', ip: '1.1.1.1', eth0: { name: 'eth0', ifindex: 2, mac: '52:54:00:ff:01:01', mtu: 1500 }, listen: [] },
      { name: 'dns', ip: '8.8.8.8', eth0: { name: 'eth0', ifindex: 2, mac: '52:54:00:ff:02:01', mtu: 1500 }, listen: [] },
    ]);
  });

  test('attachments: both lxc hooks per pod, vxlan0 and eth0', () => {
    expect(nodeOf(p, 'node2').attachments.map((a) => `${a.object} ${a.program} ${a.device}:${a.direction}`)).toEqual([
      'bpf_lxc.o cil_from_container lxcb:ingress', 'bpf_lxc.o cil_to_container lxcb:egress',
      'bpf_lxc.o cil_from_container lxca-very-long:ingress', 'bpf_lxc.o cil_to_container lxca-very-long:egress',
      'bpf_overlay.o cil_from_overlay vxlan0:ingress', 'bpf_overlay.o cil_to_overlay vxlan0:egress',
      'bpf_host.o cil_from_netdev eth0:ingress', 'bpf_host.o cil_to_netdev eth0:egress',
    ]);
  });

  test('each object gets the maps it has and the node configuration', () => {
    const [lxc, overlay, host] = nodeOf(p, 'node1').objects;
    expect(Object.keys(lxc!.maps)).toEqual(['cilium_ipcache', 'cilium_lxc', 'cilium_policy', 'cilium_lb4_services_v2', 'cilium_lb4_backends_v3', 'cilium_lb4_reverse_nat']);
    expect(Object.keys(overlay!.maps)).toEqual(['cilium_ipcache', 'cilium_lxc']);
    expect(Object.keys(host!.maps)).toEqual(['cilium_ipcache', 'cilium_lxc']);
    expect(host!.rodata).toEqual({
      node_ip: 0xc0a83201, router_ip: 0x0af40101, router_mac: '02000a000101', vxlan_ifindex: 3, native_ifindex: 2, native_mac: '525400000101',
      pod_cidr: 0x0af40100, pod_cidr_len: 24, cluster_cidr: 0x0af40000, cluster_cidr_len: 16, enable_masquerade: 1,
      snat_port_min: 32768, snat_port_max: 60999, hash_seed: 42,
    });
  });

  test('IP cache and endpoints of a node', () => {
    const maps = nodeOf(p, 'node1').objects[0]!.maps;
    const ipcache = maps.cilium_ipcache!.map((e) => {
      const k = e.key as { prefixlen: number; data: { addr: { ip4: number } } };
      const v = e.value as { sec_identity: number; tunnel_endpoint: number; flags: number };
      return `${k.data.addr.ip4.toString(16)}/${k.prefixlen - 32} id ${v.sec_identity} via ${v.tunnel_endpoint.toString(16)} flags ${v.flags}`;
    });
    expect(ipcache).toEqual([
      '0/0 id 2 via 0 flags 0',
      'c0a83201/32 id 1 via 0 flags 0', 'af40101/32 id 1 via c0a83201 flags 0',
      'c0a83202/32 id 6 via 0 flags 0', 'af40201/32 id 6 via c0a83202 flags 1', 'af40200/24 id 2 via c0a83202 flags 1',
      'af4010a/32 id 256 via c0a83201 flags 1', 'af4020a/32 id 256 via c0a83202 flags 1', 'af4010b/32 id 256 via c0a83201 flags 1',
      'af4010c/32 id 256 via c0a83201 flags 1', 'af4020b/32 id 256 via c0a83202 flags 1',
    ]);
    expect(maps.cilium_lxc!.map((e) => (e.value as { lxc_id: number }).lxc_id)).toEqual([1, 1, 101, 102, 103]);
  });
});
