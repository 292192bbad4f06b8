/* The datapath's own flow hash: Bob Jenkins' lookup3 final mix as Linux's
 * jhash_3words() computes it. Not bpf_get_hash_recalc(): the kernel seeds the skb
 * hash randomly at boot, and backend and SNAT port choices must be reproducible
 * (by the emulator, a control plane, or a test). */
#pragma once

#include "common.h"
#include "config.h"
#include "ipv4.h"

#define JHASH_INITVAL 0xdeadbeef

static __always_inline __u32 rol32(__u32 word, unsigned int shift)
{
	return (word << shift) | (word >> ((-shift) & 31));
}

static __always_inline __u32 jhash_3words(__u32 a, __u32 b, __u32 c, __u32 initval)
{
	initval += JHASH_INITVAL + (3 << 2);
	a += initval;
	b += initval;
	c += initval;
	c ^= b; c -= rol32(b, 14);
	a ^= c; a -= rol32(c, 11);
	b ^= a; b -= rol32(a, 25);
	c ^= b; c -= rol32(b, 16);
	a ^= c; a -= rol32(c, 4);
	b ^= a; b -= rol32(a, 14);
	c ^= b; c -= rol32(b, 24);
	return c;
}

/* jhash_3words(saddr, daddr, sport << 16 | dport, hash_seed ^ proto), all in host order. */
static __always_inline __u32 flow_hash4(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport, __u8 proto)
{
	return jhash_3words(bpf_ntohl(saddr), bpf_ntohl(daddr),
			    ((__u32)bpf_ntohs(sport) << 16) | bpf_ntohs(dport), hash_seed ^ proto);
}
