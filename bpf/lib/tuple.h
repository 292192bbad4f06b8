/* The IPv4 5-tuple with a direction, the key of conntrack and NAT entries. */
#pragma once

#include "common.h"
#include "ipv4.h"

struct ipv4_ct_tuple {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;		/* ICMP echo: identifier of requests */
	__be16 dport;		/* ICMP echo: identifier of replies */
	__u8 nexthdr;		/* IPPROTO_* */
	__u8 flags;		/* direction: CT_* in conntrack, NAT_DIR_* in NAT */
	__u16 pad;
};

static __always_inline void tuple_from_ipv4(struct ipv4_ct_tuple *t, const struct ipv4_ctx *ip, __u8 dir)
{
	t->saddr = ip->saddr;
	t->daddr = ip->daddr;
	t->sport = ip->sport;
	t->dport = ip->dport;
	t->nexthdr = ip->proto;
	t->flags = dir;
	t->pad = 0;
}
