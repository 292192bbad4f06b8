// SPDX-License-Identifier: GPL-2.0
/* bpf_host: the node's external device.
 *
 *   cil_to_netdev     tc egress: pod traffic leaving the cluster is masqueraded
 *                     to the node IP (SNAT, with a port from the configured
 *                     range); everything else leaves as it is.
 *   cil_from_netdev   tc ingress: replies to masqueraded flows get the pod's
 *                     address back and go to its lxc (cil_to_container enforces
 *                     ingress policy); everything else is the stack's.
 */
#include "lib/common.h"
#include "lib/config.h"
#include "lib/events.h"
#include "lib/ipv4.h"
#include "lib/endpoints.h"
#include "lib/ipcache.h"
#include "lib/nat.h"
#include "lib/l3.h"

static __always_inline bool frame_is_for_node(struct __sk_buff *ctx)
{
	__u8 dst[ETH_ALEN], mine[ETH_ALEN];

	if (bpf_skb_load_bytes(ctx, 0, dst, ETH_ALEN) < 0)
		return false;
	mac_from_config(mine, native_mac);
	return __builtin_memcmp(dst, mine, ETH_ALEN) == 0;
}

static __always_inline int from_netdev_ipv4(struct __sk_buff *ctx, struct notify_meta *m)
{
	const struct endpoint_info *ep;
	struct ipv4_ctx ip = {};
	int ret;

	ret = ipv4_load(ctx, &ip);
	if (ret < 0)
		return ret;
	m->src_label = ipcache_identity4(ip.saddr);
	send_trace_notify(ctx, TRACE_FROM_NETWORK, m, TRACE_REASON_UNKNOWN, 0);

	/* Only replies to masqueraded flows are ours; the rest is the host's. */
	if (!enable_masquerade || ip.daddr != node_ip || !frame_is_for_node(ctx))
		return TC_ACT_OK;
	if (ipv4_load_l4(ctx, &ip) < 0)
		return TC_ACT_OK;
	ret = snat_v4_rev(ctx, &ip);
	if (ret <= 0)
		return ret; /* no mapping: TC_ACT_OK, or a drop */

	ep = lookup_ip4_pod(ip.daddr);
	if (!ep)
		return TC_ACT_OK; /* the pod is gone: let the stack answer */
	m->dst_label = ep->sec_id;
	m->dst_id = ep->lxc_id;
	return ipv4_redirect_to_lxc(ctx, ep, m->src_label);
}

SEC("tc")
int cil_from_netdev(struct __sk_buff *ctx)
{
	struct notify_meta m = { .ifindex = native_ifindex };
	void *data = ctx_data(ctx), *data_end = ctx_data_end(ctx);
	struct ethhdr *eth = data;
	int ret;

	if ((void *)(eth + 1) > data_end) {
		ret = DROP(DROP_INVALID);
		goto drop;
	}
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK; /* ARP, IPv6, ...: the host's */
	ret = from_netdev_ipv4(ctx, &m);
	if (!IS_ERR(ret))
		return ret;
drop:
	return send_drop_notify(ctx, &m, ret, METRIC_INGRESS);
}

static __always_inline int to_netdev_ipv4(struct __sk_buff *ctx, struct notify_meta *m)
{
	const struct endpoint_info *ep;
	struct ipv4_ctx ip = {};
	__be32 orig_saddr;
	int ret;

	ret = ipv4_load(ctx, &ip);
	if (ret < 0)
		return ret;
	ep = lookup_ip4_pod(ip.saddr);
	if (ep) {
		m->source = ep->lxc_id;
		m->src_label = ep->sec_id;
	} else {
		m->src_label = ip.saddr == node_ip ? IDENTITY_HOST : ipcache_identity4(ip.saddr);
	}
	m->dst_label = ipcache_identity4(ip.daddr);
	if (!snat_v4_needed(&ip)) {
		send_trace_notify(ctx, TRACE_TO_NETWORK, m, TRACE_REASON_UNKNOWN, 0);
		return TC_ACT_OK;
	}

	/* Masquerade: TCP, UDP and ICMP echo requests (the identifier is the port). */
	if (ip.proto != IPPROTO_TCP && ip.proto != IPPROTO_UDP && ip.proto != IPPROTO_ICMP)
		return DROP(DROP_NAT_UNSUPP_PROTO);
	ret = ipv4_load_l4(ctx, &ip);
	if (ret < 0)
		return ret;
	if (ip.proto == IPPROTO_ICMP && ip.icmp_type != ICMP_ECHO)
		return DROP(DROP_NAT_UNSUPP_PROTO);
	orig_saddr = ip.saddr;
	ret = snat_v4_egress(ctx, &ip);
	if (ret < 0)
		return ret;
	send_trace_notify(ctx, TRACE_TO_NETWORK, m, TRACE_REASON_UNKNOWN, orig_saddr);
	return TC_ACT_OK;
}

SEC("tc")
int cil_to_netdev(struct __sk_buff *ctx)
{
	struct notify_meta m = { .ifindex = native_ifindex };
	void *data = ctx_data(ctx), *data_end = ctx_data_end(ctx);
	struct ethhdr *eth = data;
	int ret;

	if ((void *)(eth + 1) > data_end) {
		ret = DROP(DROP_INVALID);
		goto drop;
	}
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	ret = to_netdev_ipv4(ctx, &m);
	if (!IS_ERR(ret))
		return ret;
drop:
	return send_drop_notify(ctx, &m, ret, METRIC_EGRESS);
}

char LICENSE[] SEC("license") = "GPL";
