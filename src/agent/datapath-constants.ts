// Numbers shared with bpf/lib (see docs/datapath.md): flags, protocols and LPM prefix
// lengths of the control-plane maps, and the node configuration defaults.

import { RESERVED_IDENTITY } from './identity.js';

export const AF_INET = 2;
export const IDENTITY = { unknown: 0, host: RESERVED_IDENTITY.host, world: RESERVED_IDENTITY.world, 'remote-node': RESERVED_IDENTITY['remote-node'] } as const;
export type Proto = 'TCP' | 'UDP' | 'ICMP';
export const PROTO: Record<Proto, number> = { ICMP: 1, TCP: 6, UDP: 17 };
export const ENDPOINT_F = { HOST: 0x1, POLICY_INGRESS: 0x2, POLICY_EGRESS: 0x4 } as const;
export const IPCACHE_F = { HAS_TUNNEL_EP: 0x1, SKIP_TUNNEL: 0x2 } as const;
/** LPM prefix lengths of cilium_policy keys: identity+endpoint+direction, + protocol, + port. */
export const POLICY_PREFIX = { ANY: 56, PROTO: 64, FULL: 80 } as const;
/** cilium_ipcache: family, pad and cluster id always match. */
export const ipcachePrefixLen = (bits: number): number => 32 + bits;

export const VXLAN_PORT = 8472;
/** Linux's default ephemeral range (ip_local_port_range), as Cilium's SNAT range. */
export const SNAT_PORTS: [number, number] = [32768, 60999];
/** Seed of the datapath's flow hash: fixed, so backend and SNAT port choices are reproducible. */
export const HASH_SEED = 42;
