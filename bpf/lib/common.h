/* Shared by every datapath program: kernel headers, reserved identities, the
 * address union that keeps map keys ready for IPv6, and small utilities. */
#pragma once

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "drop_reasons.h"

/* <stdbool.h> would pull in libc headers that a BPF target cannot use. */
#ifndef bool
#define bool _Bool
#define true 1
#define false 0
#endif

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __maybe_unused __attribute__((__unused__))

#define NSEC_PER_SEC 1000000000ULL

/* Reserved security identities (Cilium's numbering). */
#define IDENTITY_UNKNOWN	0
#define IDENTITY_HOST		1
#define IDENTITY_WORLD		2
#define IDENTITY_REMOTE_NODE	6
/* Local-scope identities (CIDRs named by policy) have bit 24 set, as in Cilium. */
#define IDENTITY_LOCAL_SCOPE	(1U << 24)

static __always_inline int identity_is_cidr(__u32 identity)
{
	return (identity & IDENTITY_LOCAL_SCOPE) != 0;
}

/* An IPv4 or IPv6 address in network byte order; keys carry a family next to it. */
union ip_addr {
	__be32 ip4;
	__u8 ip6[16];
};

#define ctx_data(ctx) ((void *)(long)(ctx)->data)
#define ctx_data_end(ctx) ((void *)(long)(ctx)->data_end)

/* Copies a MAC address out of read-only config: volatile byte reads, so the
 * compiler cannot fold in the object's initial (all-zero) value. */
static __always_inline void mac_from_config(__u8 *dst, const volatile __u8 *src)
{
#pragma unroll
	for (int i = 0; i < ETH_ALEN; i++)
		dst[i] = src[i];
}

static __always_inline void mac_copy(__u8 *dst, const __u8 *src)
{
	__builtin_memcpy(dst, src, ETH_ALEN);
}
