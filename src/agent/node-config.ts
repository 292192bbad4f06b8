// A node's configuration: the .rodata variables of bpf/lib/config.h, as values for the plan,
// and as byte patches at each variable's BTF offset for the loaders (VM and libbpf).

import type { ObjectSpec } from '../elf/index.js';
import { encodeValue, type JsonValue } from '../maps/index.js';
import { macHex, nodeOf, type DatapathCluster } from './datapath-maps.js';
import { ipToNum, parseCidr } from './ipv4.js';

/** The values of the .rodata variables for one node (addresses as host-meaning numbers, MACs hex). */
export function nodeConfig(c: Pick<DatapathCluster, 'nodes' | 'clusterCidr' | 'masquerade' | 'snatPorts' | 'hashSeed'>, nodeName: string): Record<string, JsonValue> {
  const n = nodeOf(c, nodeName);
  const pods = parseCidr(n.podCidr);
  const cluster = parseCidr(c.clusterCidr);
  return {
    node_ip: ipToNum(n.ip),
    router_ip: ipToNum(n.routerIp),
    router_mac: macHex(n.routerMac),
    vxlan_ifindex: n.vxlanIfindex,
    native_ifindex: n.nativeIfindex,
    native_mac: macHex(n.mac),
    pod_cidr: pods.base,
    pod_cidr_len: pods.len,
    cluster_cidr: cluster.base,
    cluster_cidr_len: cluster.len,
    enable_masquerade: c.masquerade ? 1 : 0,
    snat_port_min: c.snatPorts[0],
    snat_port_max: c.snatPorts[1],
    hash_seed: c.hashSeed,
  };
}

export interface GlobalPatch {
  section: string;
  offset: number;
  bytes: Uint8Array;
}

/** The .rodata variables an object has (objects may not all use every setting). */
export function rodataVariables(spec: ObjectSpec): string[] {
  return spec.maps.find((m) => m.source === 'data' && m.name === '.rodata')?.dataLayout?.map((d) => d.name) ?? [];
}

/** Config values -> byte patches of .rodata at each variable's offset (from BTF), for both loaders. */
export function rodataPatches(spec: ObjectSpec, values: Record<string, JsonValue>): GlobalPatch[] {
  const rodata = spec.maps.find((m) => m.source === 'data' && m.name === '.rodata');
  if (!rodata?.dataLayout) throw new Error(`${spec.path}: no .rodata with BTF variables`);
  return Object.entries(values).map(([name, value]) => {
    const v = rodata.dataLayout!.find((d) => d.name === name);
    if (!v) throw new Error(`${spec.path}: .rodata has no variable ${name} (has ${rodata.dataLayout!.map((d) => d.name).join(', ')})`);
    return { section: '.rodata', offset: v.offset, bytes: encodeValue(v.layout, value) };
  });
}
