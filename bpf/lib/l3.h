/* Routing into a local pod: one hop fewer, and the pod's MAC as destination with
 * its lxc's MAC as source, as if the node had routed it. */
#pragma once

#include "common.h"
#include "ipv4.h"
#include "endpoints.h"
#include "identity.h"

static __always_inline int ipv4_local_l2(struct __sk_buff *ctx, const struct endpoint_info *ep)
{
	__u8 macs[2 * ETH_ALEN];
	int ret;

	ret = ipv4_dec_ttl(ctx);
	if (ret < 0)
		return ret;
	mac_copy(macs, ep->mac);
	mac_copy(macs + ETH_ALEN, ep->node_mac);
	if (bpf_skb_store_bytes(ctx, 0, macs, sizeof(macs), 0) < 0)
		return DROP(DROP_WRITE_ERROR);
	return 0;
}

/* From a program that cannot tail call into bpf_lxc (overlay, host): route to
 * the pod, then redirect to its lxc, where cil_to_container enforces ingress
 * policy with the source identity carried in the mark. */
static __always_inline int ipv4_redirect_to_lxc(struct __sk_buff *ctx, const struct endpoint_info *ep,
						__u32 src_identity)
{
	int ret = ipv4_local_l2(ctx, ep);

	if (ret < 0)
		return ret;
	ctx->mark = identity_to_mark(src_identity);
	return bpf_redirect(ep->ifindex, 0);
}
