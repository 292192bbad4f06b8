/* ARP responder for the pods' gateway: a pod asking who has router_ip is told
 * router_mac, and the reply goes straight back into the pod. */
#pragma once

#include "common.h"
#include "config.h"
#include "events.h"

/* From linux/if_arp.h, which drags in libc headers. */
#define ARPHRD_ETHER	1
#define ARPOP_REQUEST	1
#define ARPOP_REPLY	2

struct arp_eth {
	__be16 hrd;
	__be16 pro;
	__u8 hln;
	__u8 pln;
	__be16 op;
	__u8 sha[ETH_ALEN];
	__be32 sip;
	__u8 tha[ETH_ALEN];
	__be32 tip;
} __attribute__((packed));

/* Returns the verdict: a redirect with the reply, TC_ACT_OK for ARP that is not
 * for the gateway (the stack's business), or a drop for malformed ARP. */
static __always_inline int arp_respond(struct __sk_buff *ctx, struct notify_meta *m)
{
	struct arp_eth arp;
	__u8 macs[2 * ETH_ALEN];
	__be32 sip;

	if (bpf_skb_load_bytes(ctx, ETH_HLEN, &arp, sizeof(arp)) < 0)
		return DROP(DROP_INVALID);
	if (arp.hrd != bpf_htons(ARPHRD_ETHER) || arp.pro != bpf_htons(ETH_P_IP) ||
	    arp.hln != ETH_ALEN || arp.pln != 4)
		return DROP(DROP_INVALID);
	if (arp.op != bpf_htons(ARPOP_REQUEST) || arp.tip != router_ip) {
		send_trace_notify(ctx, TRACE_TO_STACK, m, TRACE_REASON_UNKNOWN, 0);
		return TC_ACT_OK;
	}

	/* Ethernet: back to the asker, from the router. */
	if (bpf_skb_load_bytes(ctx, ETH_ALEN, macs, ETH_ALEN) < 0)
		return DROP(DROP_INVALID);
	mac_from_config(macs + ETH_ALEN, router_mac);
	sip = arp.sip;
	arp.op = bpf_htons(ARPOP_REPLY);
	mac_copy(arp.tha, arp.sha);
	arp.tip = sip;
	mac_from_config(arp.sha, router_mac);
	arp.sip = router_ip;
	if (bpf_skb_store_bytes(ctx, 0, macs, sizeof(macs), 0) < 0 ||
	    bpf_skb_store_bytes(ctx, ETH_HLEN, &arp, sizeof(arp), 0) < 0)
		return DROP(DROP_WRITE_ERROR);

	m->src_label = IDENTITY_HOST;
	send_trace_notify(ctx, TRACE_TO_LXC, m, TRACE_REASON_UNKNOWN, 0);
	return bpf_redirect(ctx->ingress_ifindex, 0);
}
