/* Node configuration: read-only global data (.rodata) that the loader writes
 * before load, so one object serves every node. Addresses are in network byte
 * order; the defaults describe an unconfigured node. */
#pragma once

#include "common.h"

volatile const __be32 node_ip = 0;		/* the node's underlay / external IPv4 */
volatile const __be32 router_ip = 0;		/* the pods' gateway (cilium_host) */
volatile const __u8 router_mac[ETH_ALEN] = {};	/* answered for router_ip in ARP */
volatile const __u32 vxlan_ifindex = 0;		/* the collect-metadata VXLAN device */
volatile const __u32 native_ifindex = 0;	/* the external device */
volatile const __u8 native_mac[ETH_ALEN] = {};	/* its MAC */
volatile const __be32 pod_cidr = 0;		/* this node's pod CIDR */
volatile const __u8 pod_cidr_len = 0;
volatile const __be32 cluster_cidr = 0;		/* every pod CIDR of the cluster */
volatile const __u8 cluster_cidr_len = 0;
volatile const __u8 enable_masquerade = 0;	/* SNAT pod -> world to node_ip */
volatile const __u16 snat_port_min = 32768;	/* SNAT port range, inclusive */
volatile const __u16 snat_port_max = 60999;
volatile const __u32 hash_seed = 0;		/* seed of the datapath's flow hash */

static __always_inline bool ipv4_in_prefix(__be32 addr, __be32 prefix, __u8 len)
{
	__u32 mask;

	if (len == 0)
		return false; /* unconfigured: matches nothing */
	mask = len >= 32 ? 0xffffffffU : ~(0xffffffffU >> len);
	return ((bpf_ntohl(addr) ^ bpf_ntohl(prefix)) & mask) == 0;
}

static __always_inline bool in_pod_cidr(__be32 addr)
{
	return ipv4_in_prefix(addr, pod_cidr, pod_cidr_len);
}

static __always_inline bool in_cluster_cidr(__be32 addr)
{
	return ipv4_in_prefix(addr, cluster_cidr, cluster_cidr_len);
}
