// Frames as the pods and nodes of the test cluster send them.

import { CLUSTER } from './testbed.js';
import { node, pod, ip4, type PodSpec } from './cluster.js';
import { frame, type L4 } from './packets.js';
import type { TunnelKey } from '../../src/vm/index.js';

export const C = CLUSTER;
export const P = (name: string): PodSpec => pod(C, name);
export const N = (name: string) => node(C, name);

/** A frame a pod sends to its gateway (pod MAC -> router MAC), as its lxc's ingress sees it. */
export function fromPod(name: string, dst: string, l4: L4, o: { ttl?: number; src?: string } = {}): Uint8Array {
  const p = P(name);
  return frame({ srcMac: p.mac, dstMac: N(p.node).routerMac, src: o.src ?? p.ip, dst, l4, ...(o.ttl !== undefined ? { ttl: o.ttl } : {}) });
}

/** A frame for a pod as the stack or a redirect hands it to the pod's lxc (lxc MAC -> pod MAC). */
export function toPod(name: string, src: string, l4: L4, o: { ttl?: number } = {}): Uint8Array {
  const p = P(name);
  return frame({ srcMac: p.lxcMac, dstMac: p.mac, src, dst: p.ip, l4, ...(o.ttl !== undefined ? { ttl: o.ttl } : {}) });
}

/** Run options of a pod's lxc ingress (cil_from_container). */
export const onLxcOf = (name: string) => ({ ingressIfindex: P(name).ifindex });

/** The skb->mark that carries an identity across a redirect (bpf/lib/identity.h). */
export function identityMark(identity: number): number {
  return (((identity & 0xffff) << 16) | 0x0f00 | ((identity >>> 16) & 0xff)) >>> 0;
}

/** Tunnel metadata as the receiving node's VXLAN device reports it (outer source = the sender). */
export function receivedKey(vni: number, fromNode: string, toNode: string): TunnelKey {
  return { tunnelId: vni, srcIpv4: ip4(N(fromNode).ip), dstIpv4: ip4(N(toNode).ip), tos: 0, ttl: 64, label: 0, flags: TUNNEL_FLAG.KEY };
}

/** The kernel's TUNNEL_* flags in a tunnel key (TUNNEL_CSUM: outer UDP checksum). */
export const TUNNEL_FLAG = { CSUM: 0x1, KEY: 0x4 } as const;

export { ip4 };
