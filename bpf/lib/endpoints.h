/* Local endpoints (pods on this node, and the host): cilium_lxc, keyed by IP. */
#pragma once

#include "common.h"

#define ENDPOINT_F_HOST			0x1	/* the node itself (router IP): deliver to the stack */
#define ENDPOINT_F_POLICY_INGRESS	0x2	/* ingress policy enforced: default deny */
#define ENDPOINT_F_POLICY_EGRESS	0x4	/* egress policy enforced: default deny */

struct endpoint_key {
	union ip_addr addr;
	__u8 family;		/* AF_INET / AF_INET6 */
	__u8 pad;
	__u16 cluster_id;	/* reserved, 0 */
};

struct endpoint_info {
	__u32 ifindex;		/* the pod's host-side veth (lxc) */
	__u16 lxc_id;		/* endpoint id */
	__u16 flags;		/* ENDPOINT_F_* */
	__u32 sec_id;		/* the pod's security identity */
	__u8 mac[ETH_ALEN];	/* the pod's own MAC (destination of delivered frames) */
	__u8 node_mac[ETH_ALEN];/* the lxc's MAC (source of delivered frames) */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct endpoint_key);
	__type(value, struct endpoint_info);
} cilium_lxc SEC(".maps");

static __always_inline const struct endpoint_info *lookup_ip4_endpoint(__be32 addr)
{
	struct endpoint_key key = {};

	key.addr.ip4 = addr;
	key.family = AF_INET;
	return bpf_map_lookup_elem(&cilium_lxc, &key);
}

/* A pod on this node (not the host endpoint). */
static __always_inline const struct endpoint_info *lookup_ip4_pod(__be32 addr)
{
	const struct endpoint_info *ep = lookup_ip4_endpoint(addr);

	return ep && !(ep->flags & ENDPOINT_F_HOST) ? ep : NULL;
}
