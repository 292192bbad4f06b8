// SPDX-License-Identifier: GPL-2.0
/* bpf_overlay: the node's VXLAN device (collect-metadata mode).
 *
 *   cil_from_overlay   tc ingress: a packet out of the tunnel. The source
 *                      identity is the VNI; a local pod gets it through its lxc
 *                      (cil_to_container enforces ingress policy), the node
 *                      itself through the stack.
 *   cil_to_overlay     tc egress: what bpf_lxc sends already has its tunnel key;
 *                      what the stack routes here (host -> remote pod) gets one
 *                      from the IP cache.
 */
#include "lib/common.h"
#include "lib/config.h"
#include "lib/events.h"
#include "lib/ipv4.h"
#include "lib/endpoints.h"
#include "lib/ipcache.h"
#include "lib/encap.h"
#include "lib/l3.h"

static __always_inline int from_overlay_ipv4(struct __sk_buff *ctx, struct notify_meta *m)
{
	const struct endpoint_info *ep;
	struct ipv4_ctx ip = {};
	int ret;

	ret = ipv4_load(ctx, &ip);
	if (ret < 0)
		return ret;
	send_trace_notify(ctx, TRACE_FROM_OVERLAY, m, TRACE_REASON_UNKNOWN, 0);

	ep = lookup_ip4_endpoint(ip.daddr);
	if (ep && !(ep->flags & ENDPOINT_F_HOST)) {
		m->dst_label = ep->sec_id;
		m->dst_id = ep->lxc_id;
		return ipv4_redirect_to_lxc(ctx, ep, m->src_label);
	}
	if (ep || ip.daddr == node_ip || ip.daddr == router_ip) {
		m->dst_label = IDENTITY_HOST;
		send_trace_notify(ctx, TRACE_TO_STACK, m, TRACE_REASON_UNKNOWN, 0);
		return TC_ACT_OK;
	}
	return DROP(DROP_UNROUTABLE);
}

SEC("tc")
int cil_from_overlay(struct __sk_buff *ctx)
{
	struct notify_meta m = { .ifindex = vxlan_ifindex };
	void *data = ctx_data(ctx), *data_end = ctx_data_end(ctx);
	struct ethhdr *eth = data;
	__u32 identity = 0;
	int ret;

	ret = get_tunnel_identity(ctx, &identity);
	if (ret < 0)
		goto drop;
	m.src_label = identity;
	if ((void *)(eth + 1) > data_end) {
		ret = DROP(DROP_INVALID);
		goto drop;
	}
	if (eth->h_proto != bpf_htons(ETH_P_IP)) {
		ret = DROP(DROP_UNKNOWN_L3);
		goto drop;
	}
	ret = from_overlay_ipv4(ctx, &m);
	if (!IS_ERR(ret))
		return ret;
drop:
	return send_drop_notify(ctx, &m, ret, METRIC_INGRESS);
}

/* The source's identity, as far as this node knows it. */
static __always_inline __u32 local_source_identity(__be32 saddr)
{
	const struct endpoint_info *ep = lookup_ip4_endpoint(saddr);

	if (ep)
		return ep->flags & ENDPOINT_F_HOST ? IDENTITY_HOST : ep->sec_id;
	if (saddr == node_ip || saddr == router_ip)
		return IDENTITY_HOST;
	return ipcache_identity4(saddr);
}

static __always_inline int to_overlay_ipv4(struct __sk_buff *ctx, struct notify_meta *m)
{
	const struct remote_endpoint_info *info;
	struct ipv4_ctx ip = {};
	int ret;

	ret = ipv4_load(ctx, &ip);
	if (ret < 0)
		return ret;
	m->src_label = local_source_identity(ip.saddr);
	info = ipcache_lookup4(ip.daddr);
	if (!info || !(info->flags & IPCACHE_F_HAS_TUNNEL_EP) || info->tunnel_endpoint == node_ip)
		return DROP(DROP_NO_TUNNEL_ENDPOINT);
	m->dst_label = info->sec_identity;
	ret = set_tunnel_key4(ctx, info->tunnel_endpoint, m->src_label);
	if (ret < 0)
		return ret;
	send_trace_notify(ctx, TRACE_TO_OVERLAY, m, TRACE_REASON_UNKNOWN, 0);
	return TC_ACT_OK;
}

SEC("tc")
int cil_to_overlay(struct __sk_buff *ctx)
{
	struct notify_meta m = { .ifindex = vxlan_ifindex };
	void *data = ctx_data(ctx), *data_end = ctx_data_end(ctx);
	struct bpf_tunnel_key key;
	struct ethhdr *eth = data;
	int ret;

	/* Encapsulated by bpf_lxc, which traced it: nothing to add. */
	__builtin_memset(&key, 0, sizeof(key));
	if (bpf_skb_get_tunnel_key(ctx, &key, sizeof(key), 0) == 0)
		return TC_ACT_OK;

	if ((void *)(eth + 1) > data_end) {
		ret = DROP(DROP_INVALID);
		goto drop;
	}
	if (eth->h_proto != bpf_htons(ETH_P_IP)) {
		ret = DROP(DROP_UNKNOWN_L3);
		goto drop;
	}
	ret = to_overlay_ipv4(ctx, &m);
	if (!IS_ERR(ret))
		return ret;
drop:
	return send_drop_notify(ctx, &m, ret, METRIC_EGRESS);
}

char LICENSE[] SEC("license") = "GPL";
