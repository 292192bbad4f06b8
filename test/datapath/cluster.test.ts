// The builder of map contents and node configuration (what the agent will produce), pinned
// to the byte layouts of docs/datapath.md.
import { describe, expect, test } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { entryBytes, mapsOf, nodeConfig, nodeMaps, portPrefixes, rodataPatches, policyEntries } from './cluster.js';
import { objectSpec } from './sides.js';
import { CLUSTER } from './testbed.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const GOLDEN = new URL('../fixtures/datapath/node1-maps.json', import.meta.url).pathname;

describe('cluster builder', () => {
  test('port ranges become prefixes of the 16-bit port', () => {
    expect(portPrefixes(80, 80)).toEqual([{ port: 80, bits: 16 }]);
    expect(portPrefixes(5000, 5007)).toEqual([{ port: 5000, bits: 13 }]);
    expect(portPrefixes(0, 65535)).toEqual([{ port: 0, bits: 0 }]);
    expect(portPrefixes(8000, 8010)).toEqual([{ port: 8000, bits: 13 }, { port: 8008, bits: 15 }, { port: 8010, bits: 16 }]);
    expect(portPrefixes(1, 6)).toEqual([{ port: 1, bits: 16 }, { port: 2, bits: 15 }, { port: 4, bits: 15 }, { port: 6, bits: 16 }]);
  });

  test('map entries have the documented bytes', async () => {
    const spec = await objectSpec('bpf_lxc');
    const bytes = entryBytes(spec, mapsOf(spec, nodeMaps(CLUSTER, 'node1')));
    const find = (map: string, keyHex: string) => bytes.find((e) => e.map === map && hex(e.key) === keyHex);
    // ipcache 10.0.1.10/32: prefixlen 64 (LE), cluster_id 0, pad 0, family AF_INET, address.
    expect(hex(find('cilium_ipcache', '40000000' + '0000' + '00' + '02' + '0a00010a' + '00'.repeat(12))!.value))
      .toBe('214e0000' + 'c0a80a01' + '01' + '000000'); // identity 20001, node1, HAS_TUNNEL_EP
    // world: 0.0.0.0/0 is prefixlen 32 (only family etc. must match).
    expect(find('cilium_ipcache', '20000000' + '0000' + '00' + '02' + '00'.repeat(16))).toBeDefined();
    // cilium_lxc web: address, family, pad, cluster id -> ifindex, id, flags, identity, MACs.
    expect(hex(find('cilium_lxc', '0a000114' + '00'.repeat(12) + '02' + '00' + '0000')!.value))
      .toBe('0c000000' + '6600' + '0200' + '224e0000' + '0a580a000114' + 'fe5400000114');
    // cilium_policy web ingress, any identity, UDP 5000-5007: prefix 56 + 8 + 13.
    const [range] = entryBytes(spec, { cilium_policy: policyEntries(CLUSTER, { pod: 'web', direction: 'ingress', peer: 'any', proto: 'UDP', port: 5000, endPort: 5007 }) });
    expect(hex(range!.key)).toBe('4d000000' + '00000000' + '6600' + '00' + '11' + '1388' + '0000');
    // Services: slot 0 has the count; backend slots the backend id.
    expect(hex(find('cilium_lb4_services_v2', '0a60000a' + '0050' + '0000' + '06' + '00' + '0000')!.value)).toBe('00000000' + '0200' + '0100' + '00000000');
    expect(hex(find('cilium_lb4_services_v2', '0a60000a' + '0050' + '0200' + '06' + '00' + '0000')!.value)).toBe('02000000' + '0000' + '0100' + '00000000');
    expect(hex(find('cilium_lb4_backends_v3', '02000000')!.value)).toBe('0a000214' + '1f90' + '06' + '00');
    expect(hex(find('cilium_lb4_reverse_nat', '0100')!.value)).toBe('0a60000a' + '0050' + '0000');
  });

  test('node configuration goes into .rodata at the BTF offsets, in network order for addresses', async () => {
    const spec = await objectSpec('bpf_host');
    const patches = rodataPatches(spec, nodeConfig(CLUSTER, 'node2'));
    const rodata = spec.maps.find((m) => m.name === '.rodata')!;
    const at = (name: string) => {
      const v = rodata.dataLayout!.find((d) => d.name === name)!;
      return hex(patches.find((p) => p.offset === v.offset)!.bytes);
    };
    expect(at('node_ip')).toBe('c0a80a02');
    expect(at('router_mac')).toBe('02000a000201');
    expect(at('pod_cidr')).toBe('0a000200');
    expect(at('pod_cidr_len')).toBe('18');
    expect(at('snat_port_min')).toBe('0080'); // 32768, a host-order __u16
    expect(at('enable_masquerade')).toBe('01');
  });

  test("node1's maps match the golden file (the agent's format; DPSIM_UPDATE_FIXTURES=1 rewrites it)", () => {
    const json = JSON.stringify(nodeMaps(CLUSTER, 'node1'), null, 1) + '\n';
    if (process.env.DPSIM_UPDATE_FIXTURES === '1') writeFileSync(GOLDEN, json);
    expect(json).toBe(readFileSync(GOLDEN, 'utf8'));
  });
});
