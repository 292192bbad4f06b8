/* IPv4 parsing and rewriting. Parsing checks everything later stages rely on;
 * rewrites go through helpers that keep the IPv4 and L4 checksums right. */
#pragma once

#include "common.h"

#define IPV4_CSUM_OFF	(ETH_HLEN + offsetof(struct iphdr, check))
#define IPV4_TTL_OFF	(ETH_HLEN + offsetof(struct iphdr, ttl))
#define IPV4_SADDR_OFF	(ETH_HLEN + offsetof(struct iphdr, saddr))
#define IPV4_DADDR_OFF	(ETH_HLEN + offsetof(struct iphdr, daddr))

#define IP_MF		0x2000
#define IP_OFFSET	0x1fff

/* linux/icmp.h would drag in libc headers: the part of ICMP this datapath uses. */
#define ICMP_ECHOREPLY	0
#define ICMP_ECHO	8

struct icmp4hdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be16 id;		/* echo request / reply */
	__be16 sequence;
};

#define TCP_FLAG_FIN	0x01
#define TCP_FLAG_SYN	0x02
#define TCP_FLAG_RST	0x04
#define TCP_FLAG_ACK	0x10

/* What the datapath knows about an IPv4 packet. For ICMP echo the identifier
 * takes the place of a port: sport for requests, dport for replies, so that a
 * reply's reversed tuple is its request's. */
struct ipv4_ctx {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u16 l4_off;		/* offset of the L4 header in the frame */
	__u16 l4_end;		/* end of the IP datagram in the frame */
	__u8 proto;
	__u8 ttl;
	__u8 fragment;		/* MF set or a non-zero offset */
	__u8 tcp_flags;		/* TCP only */
	__u8 icmp_type;		/* ICMP only */
	__u8 pad[3];
};

/* The IPv4 header after an Ethernet header: version, lengths, and that the
 * datagram is all there (Ethernet padding after it is fine). */
static __always_inline int ipv4_load(struct __sk_buff *ctx, struct ipv4_ctx *ip)
{
	void *data = ctx_data(ctx), *data_end = ctx_data_end(ctx);
	struct iphdr *iph = data + ETH_HLEN;
	__u32 hlen, tot_len;

	if ((void *)(iph + 1) > data_end)
		return DROP(DROP_INVALID);
	if (iph->version != 4 || iph->ihl < 5)
		return DROP(DROP_INVALID);
	hlen = iph->ihl * 4;
	tot_len = bpf_ntohs(iph->tot_len);
	if (tot_len < hlen || ETH_HLEN + tot_len > ctx->len)
		return DROP(DROP_INVALID);

	ip->saddr = iph->saddr;
	ip->daddr = iph->daddr;
	ip->proto = iph->protocol;
	ip->ttl = iph->ttl;
	ip->fragment = (bpf_ntohs(iph->frag_off) & (IP_MF | IP_OFFSET)) != 0;
	ip->l4_off = ETH_HLEN + hlen;
	ip->l4_end = ETH_HLEN + tot_len;
	return 0;
}

/* The L4 fields conntrack, policy and NAT need: TCP, UDP and ICMP echo. */
static __always_inline int ipv4_load_l4(struct __sk_buff *ctx, struct ipv4_ctx *ip)
{
	__u32 off = ip->l4_off;

	if (ip->fragment)
		return DROP(DROP_FRAG_NOSUPPORT); /* no L4 header to track by */

	switch (ip->proto) {
	case IPPROTO_TCP: {
		struct tcphdr th;

		if (off + sizeof(th) > ip->l4_end || bpf_skb_load_bytes(ctx, off, &th, sizeof(th)) < 0)
			return DROP(DROP_CT_INVALID_HDR);
		if (th.doff < 5 || off + th.doff * 4 > ip->l4_end)
			return DROP(DROP_CT_INVALID_HDR);
		ip->sport = th.source;
		ip->dport = th.dest;
		ip->tcp_flags = ((__u8 *)&th)[13];
		return 0;
	}
	case IPPROTO_UDP: {
		struct udphdr uh;

		if (off + sizeof(uh) > ip->l4_end || bpf_skb_load_bytes(ctx, off, &uh, sizeof(uh)) < 0)
			return DROP(DROP_CT_INVALID_HDR);
		if (bpf_ntohs(uh.len) < sizeof(uh) || off + bpf_ntohs(uh.len) > ip->l4_end)
			return DROP(DROP_CT_INVALID_HDR);
		ip->sport = uh.source;
		ip->dport = uh.dest;
		return 0;
	}
	case IPPROTO_ICMP: {
		struct icmp4hdr ih;

		if (off + sizeof(ih) > ip->l4_end || bpf_skb_load_bytes(ctx, off, &ih, sizeof(ih)) < 0)
			return DROP(DROP_CT_INVALID_HDR);
		ip->icmp_type = ih.type;
		if (ih.type == ICMP_ECHO) {
			ip->sport = ih.id;
			ip->dport = 0;
		} else if (ih.type == ICMP_ECHOREPLY) {
			ip->sport = 0;
			ip->dport = ih.id;
		} else {
			return DROP(DROP_UNKNOWN_ICMP4_TYPE);
		}
		return 0;
	}
	default:
		return DROP(DROP_UNKNOWN_L4);
	}
}

static __always_inline __u32 l4_csum_off(const struct ipv4_ctx *ip)
{
	switch (ip->proto) {
	case IPPROTO_TCP:
		return ip->l4_off + offsetof(struct tcphdr, check);
	case IPPROTO_UDP:
		return ip->l4_off + offsetof(struct udphdr, check);
	default:
		return ip->l4_off + offsetof(struct icmp4hdr, checksum);
	}
}

/* Where the "port" of each direction lives: ICMP echo has one identifier. */
static __always_inline __u32 l4_sport_off(const struct ipv4_ctx *ip)
{
	return ip->proto == IPPROTO_ICMP ? ip->l4_off + offsetof(struct icmp4hdr, id) : ip->l4_off;
}

static __always_inline __u32 l4_dport_off(const struct ipv4_ctx *ip)
{
	return ip->proto == IPPROTO_ICMP ? ip->l4_off + offsetof(struct icmp4hdr, id) : ip->l4_off + 2;
}

/* UDP's checksum 0 means "none": BPF_F_MARK_MANGLED_0 keeps it so. */
static __always_inline __u64 l4_csum_flags(const struct ipv4_ctx *ip)
{
	return ip->proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
}

/* Replaces an address (off: IPV4_SADDR_OFF or IPV4_DADDR_OFF); TCP and UDP
 * checksums cover it through the pseudo-header, ICMP's does not. */
static __always_inline int ipv4_rewrite_addr(struct __sk_buff *ctx, const struct ipv4_ctx *ip,
					     __u32 off, __be32 old_addr, __be32 new_addr)
{
	if (bpf_skb_store_bytes(ctx, off, &new_addr, sizeof(new_addr), 0) < 0)
		return DROP(DROP_WRITE_ERROR);
	if (bpf_l3_csum_replace(ctx, IPV4_CSUM_OFF, old_addr, new_addr, sizeof(new_addr)) < 0)
		return DROP(DROP_CSUM_L3);
	if (ip->proto == IPPROTO_TCP || ip->proto == IPPROTO_UDP) {
		if (bpf_l4_csum_replace(ctx, l4_csum_off(ip), old_addr, new_addr,
					BPF_F_PSEUDO_HDR | sizeof(new_addr) | l4_csum_flags(ip)) < 0)
			return DROP(DROP_CSUM_L4);
	}
	return 0;
}

/* Replaces a port (or the ICMP echo identifier) at off. */
static __always_inline int l4_rewrite_port(struct __sk_buff *ctx, const struct ipv4_ctx *ip,
					   __u32 off, __be16 old_port, __be16 new_port)
{
	if (bpf_skb_store_bytes(ctx, off, &new_port, sizeof(new_port), 0) < 0)
		return DROP(DROP_WRITE_ERROR);
	if (bpf_l4_csum_replace(ctx, l4_csum_off(ip), old_port, new_port,
				sizeof(new_port) | l4_csum_flags(ip)) < 0)
		return DROP(DROP_CSUM_L4);
	return 0;
}

/* One router hop: TTL - 1, or a drop when it would reach zero. */
static __always_inline int ipv4_dec_ttl(struct __sk_buff *ctx)
{
	void *data = ctx_data(ctx), *data_end = ctx_data_end(ctx);
	struct iphdr *iph = data + ETH_HLEN;
	__u8 ttl, new_ttl;

	if ((void *)(iph + 1) > data_end)
		return DROP(DROP_INVALID);
	ttl = iph->ttl;
	if (ttl <= 1)
		return DROP(DROP_TTL_EXCEEDED);
	new_ttl = ttl - 1;
	/* The TTL is the high byte of the 16-bit word it shares with the protocol. */
	if (bpf_l3_csum_replace(ctx, IPV4_CSUM_OFF, bpf_htons(ttl << 8), bpf_htons(new_ttl << 8), 2) < 0)
		return DROP(DROP_CSUM_L3);
	if (bpf_skb_store_bytes(ctx, IPV4_TTL_OFF, &new_ttl, 1, 0) < 0)
		return DROP(DROP_WRITE_ERROR);
	return 0;
}
