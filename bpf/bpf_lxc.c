// SPDX-License-Identifier: GPL-2.0
/* bpf_lxc: the datapath of the pods of a node, on each pod's host-side veth.
 *
 *   cil_from_container   tc ingress of the lxc: traffic leaving a pod. ARP for
 *                        the gateway, source validation, service translation,
 *                        then tail call:
 *   tail_ipv4_from_lxc_cont   conntrack, egress policy of the source, routing:
 *                        into a local pod (tail call below), into the tunnel,
 *                        or up the stack (world, host).
 *   tail_ipv4_to_endpoint     ingress policy of a local destination, then
 *                        bpf_redirect_peer into it (bypassing its lxc hooks).
 *   cil_to_container     tc egress of the lxc: traffic into a pod that was not
 *                        policed yet (redirected by bpf_overlay / bpf_host with
 *                        the source identity in the mark, or routed by the stack).
 */
#include "lib/common.h"
#include "lib/config.h"
#include "lib/events.h"
#include "lib/ipv4.h"
#include "lib/identity.h"
#include "lib/endpoints.h"
#include "lib/ipcache.h"
#include "lib/conntrack.h"
#include "lib/policy.h"
#include "lib/lb.h"
#include "lib/encap.h"
#include "lib/arp.h"
#include "lib/l3.h"

/* skb->cb slots carried across tail calls. */
#define CB_SRC_IDENTITY	0
#define CB_REV_NAT	1	/* rev_nat_index of a service translation */
#define CB_ORIG_DADDR	2	/* the VIP before DNAT, for traces */

enum {
	CILIUM_CALL_IPV4_FROM_LXC_CONT = 1,
	CILIUM_CALL_IPV4_TO_ENDPOINT = 2,
	CILIUM_CALL_SIZE = 8,
};

int tail_ipv4_from_lxc_cont(struct __sk_buff *ctx);
int tail_ipv4_to_endpoint(struct __sk_buff *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, CILIUM_CALL_SIZE);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} cilium_calls SEC(".maps") = {
	.values = {
		[CILIUM_CALL_IPV4_FROM_LXC_CONT] = (void *)&tail_ipv4_from_lxc_cont,
		[CILIUM_CALL_IPV4_TO_ENDPOINT] = (void *)&tail_ipv4_to_endpoint,
	},
};

/* ---- from the pod ---------------------------------------------------------- */

/* Who sent it (the pod on this lxc, nobody else) and where it really goes
 * (service translation), then on to conntrack and policy. */
static __always_inline int from_container_ipv4(struct __sk_buff *ctx, struct notify_meta *m)
{
	const struct endpoint_info *ep;
	struct lb4_xlate x = {};
	struct ipv4_ctx ip = {};
	int ret;

	ret = ipv4_load(ctx, &ip);
	if (ret < 0)
		return ret;
	/* A pod may only send from its own address, on its own device. */
	ep = lookup_ip4_pod(ip.saddr);
	if (!ep || ep->ifindex != ctx->ingress_ifindex)
		return DROP(DROP_INVALID_SIP);
	m->source = ep->lxc_id;
	m->src_label = ep->sec_id;
	send_trace_notify(ctx, TRACE_FROM_LXC, m, TRACE_REASON_UNKNOWN, 0);

	ret = ipv4_load_l4(ctx, &ip);
	if (ret < 0)
		return ret;
	ret = lb4_local(ctx, &ip, &x);
	if (ret < 0)
		return ret;

	ctx->cb[CB_SRC_IDENTITY] = ep->sec_id;
	ctx->cb[CB_REV_NAT] = x.rev_nat_index;
	ctx->cb[CB_ORIG_DADDR] = x.orig_daddr;
	bpf_tail_call(ctx, &cilium_calls, CILIUM_CALL_IPV4_FROM_LXC_CONT);
	return DROP(DROP_MISSED_TAIL_CALL);
}

SEC("tc")
int cil_from_container(struct __sk_buff *ctx)
{
	struct notify_meta m = { .ifindex = ctx->ingress_ifindex };
	void *data = ctx_data(ctx), *data_end = ctx_data_end(ctx);
	struct ethhdr *eth = data;
	int ret;

	if ((void *)(eth + 1) > data_end) {
		ret = DROP(DROP_INVALID);
		goto drop;
	}
	switch (eth->h_proto) {
	case bpf_htons(ETH_P_ARP):
		ret = arp_respond(ctx, &m);
		break;
	case bpf_htons(ETH_P_IP):
		ret = from_container_ipv4(ctx, &m);
		break;
	default:
		ret = DROP(DROP_UNKNOWN_L3);
		break;
	}
	if (!IS_ERR(ret))
		return ret;
drop:
	return send_drop_notify(ctx, &m, ret, METRIC_EGRESS);
}

enum route_kind {
	ROUTE_STACK,	/* up the node's stack: world, the host */
	ROUTE_LOCAL,	/* a pod on this node */
	ROUTE_TUNNEL,	/* a pod (or node) behind another node */
};

struct route4 {
	const struct endpoint_info *ep;	/* ROUTE_LOCAL */
	__be32 tunnel_endpoint;		/* ROUTE_TUNNEL */
	__u32 identity;			/* of the destination */
	enum route_kind kind;
};

/* Where the destination is and who it is. */
static __always_inline int route_ipv4(__be32 daddr, struct route4 *rt)
{
	const struct remote_endpoint_info *info;
	const struct endpoint_info *ep;

	ep = lookup_ip4_endpoint(daddr);
	if (ep && !(ep->flags & ENDPOINT_F_HOST)) {
		rt->kind = ROUTE_LOCAL;
		rt->ep = ep;
		rt->identity = ep->sec_id;
		return 0;
	}
	info = ipcache_lookup4(daddr);
	rt->identity = info ? info->sec_identity : IDENTITY_WORLD;
	if (ep || daddr == router_ip || daddr == node_ip) {
		rt->kind = ROUTE_STACK;
		return 0;
	}
	if (info && (info->flags & IPCACHE_F_HAS_TUNNEL_EP) && !(info->flags & IPCACHE_F_SKIP_TUNNEL) &&
	    info->tunnel_endpoint != node_ip) {
		rt->kind = ROUTE_TUNNEL;
		rt->tunnel_endpoint = info->tunnel_endpoint;
		return 0;
	}
	if (in_pod_cidr(daddr))
		return DROP(DROP_UNROUTABLE); /* ours, but no such pod */
	if (in_cluster_cidr(daddr))
		return DROP(DROP_NO_TUNNEL_ENDPOINT); /* another node's, but which? */
	rt->kind = ROUTE_STACK;
	return 0;
}

/* Conntrack, egress policy, and the way out. */
static __always_inline int ipv4_from_lxc_cont(struct __sk_buff *ctx, struct notify_meta *m)
{
	const struct endpoint_info *src;
	struct ct_state st = {};
	struct ipv4_ct_tuple tuple;
	struct route4 rt = {};
	struct ipv4_ctx ip = {};
	__be32 orig_daddr = ctx->cb[CB_ORIG_DADDR];
	int ret, ct;

	ret = ipv4_load(ctx, &ip);
	if (ret < 0)
		return ret;
	ret = ipv4_load_l4(ctx, &ip);
	if (ret < 0)
		return ret;
	src = lookup_ip4_pod(ip.saddr);
	if (!src)
		return DROP(DROP_INVALID_SIP);
	m->source = src->lxc_id;

	ret = route_ipv4(ip.daddr, &rt);
	if (ret < 0)
		return ret;
	m->dst_label = rt.identity;
	if (rt.kind == ROUTE_LOCAL)
		m->dst_id = rt.ep->lxc_id;

	tuple_from_ipv4(&tuple, &ip, CT_EGRESS);
	ct = ct_lookup4(&tuple, ip.tcp_flags, ctx->len, &st);
	if (ct == CT_NEW) {
		/* Only new flows need the policy's word; replies and established flows pass. */
		ret = policy_check4(src->lxc_id, POLICY_EGRESS, rt.identity, &ip, ctx->len,
				    src->flags & ENDPOINT_F_POLICY_EGRESS);
		if (ret < 0)
			return ret;
		st.src_sec_id = m->src_label;
		st.rev_nat_index = ctx->cb[CB_REV_NAT];
		st.backend_id = 0;
		ret = ct_create4(&tuple, ip.tcp_flags, ctx->len, &st);
		if (ret < 0)
			return ret;
	}

	switch (rt.kind) {
	case ROUTE_LOCAL:
		ret = ipv4_local_l2(ctx, rt.ep);
		if (ret < 0)
			return ret;
		ctx->cb[CB_SRC_IDENTITY] = m->src_label;
		bpf_tail_call(ctx, &cilium_calls, CILIUM_CALL_IPV4_TO_ENDPOINT);
		return DROP(DROP_MISSED_TAIL_CALL);
	case ROUTE_TUNNEL:
		ret = set_tunnel_key4(ctx, rt.tunnel_endpoint, m->src_label);
		if (ret < 0)
			return ret;
		m->ifindex = vxlan_ifindex;
		send_trace_notify(ctx, TRACE_TO_OVERLAY, m, ct, orig_daddr);
		return bpf_redirect(vxlan_ifindex, 0);
	default:
		m->ifindex = 0;
		send_trace_notify(ctx, TRACE_TO_STACK, m, ct, orig_daddr);
		return TC_ACT_OK;
	}
}

SEC("tc")
int tail_ipv4_from_lxc_cont(struct __sk_buff *ctx)
{
	struct notify_meta m = { .src_label = ctx->cb[CB_SRC_IDENTITY], .ifindex = ctx->ingress_ifindex };
	int ret = ipv4_from_lxc_cont(ctx, &m);

	if (IS_ERR(ret))
		return send_drop_notify(ctx, &m, ret, METRIC_EGRESS);
	return ret;
}

/* ---- into a pod ------------------------------------------------------------ */

/* Ingress policy of the destination pod, and reverse service translation of
 * replies. m->src_label: the source identity, or 0 to look it up in the IP
 * cache. Returns the pod's lxc ifindex or a drop. */
static __noinline int ipv4_to_endpoint(struct __sk_buff *ctx, struct notify_meta *m)
{
	const struct endpoint_info *ep;
	struct ct_state st = {};
	struct ipv4_ct_tuple tuple;
	struct ipv4_ctx ip = {};
	__be32 orig_saddr = 0;
	int ret, ct;

	ret = ipv4_load(ctx, &ip);
	if (ret < 0)
		return ret;
	ret = ipv4_load_l4(ctx, &ip);
	if (ret < 0)
		return ret;
	ep = lookup_ip4_pod(ip.daddr);
	if (!ep)
		return DROP(DROP_UNROUTABLE);
	m->source = ep->lxc_id;
	m->dst_label = ep->sec_id;
	m->dst_id = ep->lxc_id;
	m->ifindex = ep->ifindex;
	if (!m->src_label)
		m->src_label = ipcache_identity4(ip.saddr);

	tuple_from_ipv4(&tuple, &ip, CT_INGRESS);
	ct = ct_lookup4(&tuple, ip.tcp_flags, ctx->len, &st);
	if (ct == CT_NEW) {
		ret = policy_check4(ep->lxc_id, POLICY_INGRESS, m->src_label, &ip, ctx->len,
				    ep->flags & ENDPOINT_F_POLICY_INGRESS);
		if (ret < 0)
			return ret;
		st.src_sec_id = m->src_label;
		st.rev_nat_index = 0;
		st.backend_id = 0;
		ret = ct_create4(&tuple, ip.tcp_flags, ctx->len, &st);
		if (ret < 0)
			return ret;
	} else if (ct == CT_REPLY && st.rev_nat_index) {
		/* A service's backend answering: the pod talked to the VIP. */
		orig_saddr = ip.saddr;
		ret = lb4_rev_nat(ctx, &ip, st.rev_nat_index);
		if (ret < 0)
			return ret;
	}
	send_trace_notify(ctx, TRACE_TO_LXC, m, ct, orig_saddr);
	return ep->ifindex;
}

SEC("tc")
int tail_ipv4_to_endpoint(struct __sk_buff *ctx)
{
	struct notify_meta m = { .src_label = ctx->cb[CB_SRC_IDENTITY] };
	int ret = ipv4_to_endpoint(ctx, &m);

	if (IS_ERR(ret))
		return send_drop_notify(ctx, &m, ret, METRIC_INGRESS);
	/* Straight into the pod's namespace: its lxc hooks are not run again. */
	return bpf_redirect_peer(ret, 0);
}

SEC("tc")
int cil_to_container(struct __sk_buff *ctx)
{
	struct notify_meta m = {};
	void *data = ctx_data(ctx), *data_end = ctx_data_end(ctx);
	struct ethhdr *eth = data;
	int ret;

	if ((void *)(eth + 1) > data_end) {
		ret = DROP(DROP_INVALID);
		goto drop;
	}
	switch (eth->h_proto) {
	case bpf_htons(ETH_P_ARP):
		return TC_ACT_OK; /* the node resolving the pod's MAC */
	case bpf_htons(ETH_P_IP):
		break;
	default:
		ret = DROP(DROP_UNKNOWN_L3);
		goto drop;
	}
	if (mark_has_identity(ctx->mark)) {
		m.src_label = identity_from_mark(ctx->mark);
		ctx->mark = 0; /* the pod need not see it */
	}
	ret = ipv4_to_endpoint(ctx, &m);
	if (!IS_ERR(ret))
		return TC_ACT_OK;
drop:
	return send_drop_notify(ctx, &m, ret, METRIC_INGRESS);
}

char LICENSE[] SEC("license") = "GPL";
