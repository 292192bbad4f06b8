// Device names, ifindexes, MACs and MTUs, fixed by the agent so both backends build the same
// topology (docs/scenario-runtime.md).

import type { DevicePlan } from './plan-types.js';
import { ipToNum } from './ipv4.js';

export const IFINDEX = { lo: 1, eth0: 2, vxlan0: 3 } as const;
export const MTU = { pod: 1450, other: 1500 } as const;
/** The host endpoint id of every node; pods get 100 + i (i from 1, like their lxc ifindex 10 + i). */
export const HOST_ENDPOINT_ID = 1;

const hex2 = (n: number) => n.toString(16).padStart(2, '0');
const ipBytes = (ip: string) => { const n = ipToNum(ip); return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].map(hex2).join(':'); };

/** Node numbers (from 1) and world host numbers fit one MAC byte. */
export const MAX_NUMBERED = 255;

export const nodeMac = (nodeNumber: number) => `52:54:00:00:${hex2(nodeNumber)}:01`;
/** The scenario-runtime doc leaves it open; next to eth0's so a capture tells them apart. */
export const vxlanMac = (nodeNumber: number) => `52:54:00:01:${hex2(nodeNumber)}:01`;
export const routerMac = (nodeNumber: number) => `02:00:0a:00:${hex2(nodeNumber)}:01`;
export const worldMac = (worldNumber: number) => `52:54:00:ff:${hex2(worldNumber)}:01`;
export const podMac = (ip: string) => `0a:58:${ipBytes(ip)}`;
export const lxcMac = (ip: string) => `fe:54:${ipBytes(ip)}`;

/** IFNAMSIZ leaves 15 characters: "lxc" + 11 of the pod name (+ NUL). */
export const lxcName = (podName: string) => `lxc${podName.slice(0, 11)}`;

export const podEndpointId = (slot: number) => 100 + slot;

export function nodeDevices(nodeNumber: number): { eth0: DevicePlan; vxlan0: DevicePlan } {
  return {
    eth0: { name: 'eth0', ifindex: IFINDEX.eth0, mac: nodeMac(nodeNumber), mtu: MTU.other },
    vxlan0: { name: 'vxlan0', ifindex: IFINDEX.vxlan0, mac: vxlanMac(nodeNumber), mtu: MTU.other },
  };
}

/**
 * The i-th pod of its node (i from 1, scenario order). Every lxc carries the node's router MAC,
 * as in Cilium: the pod's gateway (learnt by ARP from the datapath) is the lxc itself, so frames
 * the datapath passes up to the node's stack are addressed to the receiving device (otherwise
 * the kernel would see PACKET_OTHERHOST and drop them).
 */
export function podDevices(podName: string, ip: string, slot: number, nodeRouterMac: string): { eth0: DevicePlan; lxc: DevicePlan } {
  return {
    eth0: { name: 'eth0', ifindex: IFINDEX.eth0, mac: podMac(ip), mtu: MTU.pod },
    lxc: { name: lxcName(podName), ifindex: 10 + slot, mac: nodeRouterMac, mtu: MTU.other },
  };
}

export function worldDevice(worldNumber: number): DevicePlan {
  return { name: 'eth0', ifindex: IFINDEX.eth0, mac: worldMac(worldNumber), mtu: MTU.other };
}
