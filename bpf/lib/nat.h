/* SNAT masquerading of pod traffic leaving the cluster to the node IP
 * (cilium_snat_v4_external). Each translated flow has two entries: EGRESS keyed
 * by the pod's tuple -> the node address and port it uses, and INGRESS keyed by
 * the reply's tuple -> the pod address and port to restore. A new flow's port is
 * min + (hash + i) % range for the first i whose INGRESS key is free (the same
 * port may serve different remote endpoints), i < SNAT_COLLISION_RETRIES. */
#pragma once

#include "common.h"
#include "config.h"
#include "ipv4.h"
#include "tuple.h"
#include "hash.h"
#include "ipcache.h"

#define NAT_DIR_EGRESS	0
#define NAT_DIR_INGRESS	1

#define SNAT_COLLISION_RETRIES 16

struct ipv4_nat_entry {
	__be32 to_addr;		/* EGRESS: node IP; INGRESS: the pod's IP */
	__be16 to_port;		/* EGRESS: the allocated port; INGRESS: the pod's port */
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct ipv4_ct_tuple);
	__type(value, struct ipv4_nat_entry);
} cilium_snat_v4_external SEC(".maps");

/* Pod traffic to the world leaves with the node's address. */
static __always_inline bool snat_v4_needed(const struct ipv4_ctx *ip)
{
	const struct remote_endpoint_info *info;

	if (!enable_masquerade || !in_pod_cidr(ip->saddr) || in_cluster_cidr(ip->daddr))
		return false;
	info = ipcache_lookup4(ip->daddr);
	/* Outside the cluster: world, or a CIDR identity a policy carved out of the world. */
	return !info || info->sec_identity == IDENTITY_WORLD || identity_is_cidr(info->sec_identity);
}

/* otuple: the pod's flow (NAT_DIR_EGRESS). Fills *out with the new mapping. */
static __always_inline int snat_v4_new_mapping(const struct ipv4_ct_tuple *otuple, struct ipv4_nat_entry *out)
{
	struct ipv4_nat_entry rev = { .to_addr = otuple->saddr, .to_port = otuple->sport };
	struct ipv4_ct_tuple rtuple = {
		.saddr = otuple->daddr,
		.daddr = node_ip,
		.sport = otuple->dport,
		.nexthdr = otuple->nexthdr,
		.flags = NAT_DIR_INGRESS,
	};
	__u32 min = snat_port_min, max = snat_port_max;
	__u32 range, hash, i;

	if (min == 0 || max < min)
		return DROP(DROP_NAT_NO_MAPPING);
	range = max - min + 1;
	hash = flow_hash4(otuple->saddr, otuple->daddr, otuple->sport, otuple->dport, otuple->nexthdr);

	for (i = 0; i < SNAT_COLLISION_RETRIES; i++) {
		__be16 port = bpf_htons((__u16)(min + (hash + i) % range));

		/* ICMP echo replies carry the identifier where TCP/UDP carry dport. */
		rtuple.dport = port;
		if (bpf_map_update_elem(&cilium_snat_v4_external, &rtuple, &rev, BPF_NOEXIST) < 0)
			continue; /* taken: collision, try the next port */
		out->to_addr = node_ip;
		out->to_port = port;
		out->pad = 0;
		if (bpf_map_update_elem(&cilium_snat_v4_external, otuple, out, BPF_ANY) < 0) {
			bpf_map_delete_elem(&cilium_snat_v4_external, &rtuple);
			return DROP(DROP_NAT_NO_MAPPING);
		}
		return 0;
	}
	return DROP(DROP_NAT_NO_MAPPING);
}

/* Egress: source -> node_ip and the flow's port (existing mapping or a new one). */
static __noinline __maybe_unused int snat_v4_egress(struct __sk_buff *ctx, struct ipv4_ctx *ip)
{
	struct ipv4_ct_tuple otuple;
	struct ipv4_nat_entry map;
	struct ipv4_nat_entry *e;
	int ret;

	tuple_from_ipv4(&otuple, ip, NAT_DIR_EGRESS);
	e = bpf_map_lookup_elem(&cilium_snat_v4_external, &otuple);
	if (e) {
		map = *e;
	} else {
		ret = snat_v4_new_mapping(&otuple, &map);
		if (ret < 0)
			return ret;
	}
	ret = ipv4_rewrite_addr(ctx, ip, IPV4_SADDR_OFF, ip->saddr, map.to_addr);
	if (ret < 0)
		return ret;
	if (map.to_port != ip->sport) {
		ret = l4_rewrite_port(ctx, ip, l4_sport_off(ip), ip->sport, map.to_port);
		if (ret < 0)
			return ret;
	}
	ip->saddr = map.to_addr;
	ip->sport = map.to_port;
	return 0;
}

/* Ingress: a reply to a translated flow gets the pod's address and port back.
 * Returns 1 (translated), 0 (no mapping: not ours) or a drop. */
static __noinline __maybe_unused int snat_v4_rev(struct __sk_buff *ctx, struct ipv4_ctx *ip)
{
	struct ipv4_ct_tuple rtuple;
	struct ipv4_nat_entry map;
	struct ipv4_nat_entry *e;
	int ret;

	tuple_from_ipv4(&rtuple, ip, NAT_DIR_INGRESS);
	e = bpf_map_lookup_elem(&cilium_snat_v4_external, &rtuple);
	if (!e)
		return 0;
	map = *e;
	ret = ipv4_rewrite_addr(ctx, ip, IPV4_DADDR_OFF, ip->daddr, map.to_addr);
	if (ret < 0)
		return ret;
	if (map.to_port != ip->dport) {
		ret = l4_rewrite_port(ctx, ip, l4_dport_off(ip), ip->dport, map.to_port);
		if (ret < 0)
			return ret;
	}
	ip->daddr = map.to_addr;
	ip->dport = map.to_port;
	return 1;
}
