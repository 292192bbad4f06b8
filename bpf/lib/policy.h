/* Network policy (cilium_policy): one longest-prefix-match trie for all local
 * endpoints. A key names the endpoint, the direction and the remote identity
 * exactly, then protocol and destination port as a prefix, so that one entry
 * covers any protocol (prefix 56), any port of a protocol (64), or a port range
 * that is a power-of-two block (64 + 16 - log2(block size)); the control plane
 * splits k8s port ranges into such blocks. Identity 0 is the wildcard.
 *
 * Decision: look up the remote identity and the wildcard; a deny entry in either
 * wins; else an allow in either allows; else the endpoint's enforcement flag
 * decides (default deny when set, allow otherwise). Within one lookup the longest
 * prefix wins, so the control plane must not install an allow narrower than a
 * deny that covers it. */
#pragma once

#include "common.h"
#include "ipv4.h"

#define POLICY_INGRESS	0
#define POLICY_EGRESS	1

#define POLICY_PREFIX_ANY	56	/* sec_label + lxc_id + egress */
#define POLICY_PREFIX_PROTO	64	/* ... + protocol */
#define POLICY_PREFIX_FULL	80	/* ... + the 16 bits of dport */

struct policy_key {
	__u32 prefixlen;
	__u32 sec_label;	/* remote identity, 0 = any */
	__u16 lxc_id;		/* the local endpoint */
	__u8 egress;		/* POLICY_INGRESS / POLICY_EGRESS */
	__u8 protocol;		/* IPPROTO_* */
	__be16 dport;		/* destination port; ICMP: the type */
	__u16 pad;		/* beyond every prefix */
};

struct policy_entry {
	__u8 deny;		/* 1: explicit deny (DROP_POLICY_DENY) */
	__u8 flags;		/* reserved */
	__u16 proxy_port;	/* reserved (L7 redirect), 0 */
	__u32 pad;
	__u64 packets;		/* packets this entry decided, counted by the datapath */
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct policy_key);
	__type(value, struct policy_entry);
} cilium_policy SEC(".maps");

static __always_inline __be16 policy_port(const struct ipv4_ctx *ip)
{
	return ip->proto == IPPROTO_ICMP ? bpf_htons(ip->icmp_type) : ip->dport;
}

static __always_inline void policy_account(struct policy_entry *e, __u32 len)
{
	__sync_fetch_and_add(&e->packets, 1);
	__sync_fetch_and_add(&e->bytes, len);
}

/* key: endpoint, direction, identity, protocol and port filled in. Returns 0
 * (allowed) or DROP_POLICY_DENY / DROP_POLICY. */
static __noinline __maybe_unused int policy_can_access(struct policy_key *key, __u32 len, __u8 enforced)
{
	struct policy_entry *exact, *any;
	__u32 identity = key->sec_label;

	key->prefixlen = POLICY_PREFIX_FULL;
	key->pad = 0;
	exact = bpf_map_lookup_elem(&cilium_policy, key);
	key->sec_label = 0;
	any = bpf_map_lookup_elem(&cilium_policy, key);
	key->sec_label = identity;

	if (exact && exact->deny) {
		policy_account(exact, len);
		return DROP(DROP_POLICY_DENY);
	}
	if (any && any->deny) {
		policy_account(any, len);
		return DROP(DROP_POLICY_DENY);
	}
	if (exact) {
		policy_account(exact, len);
		return 0;
	}
	if (any) {
		policy_account(any, len);
		return 0;
	}
	return enforced ? DROP(DROP_POLICY) : 0;
}

static __always_inline int policy_check4(__u16 lxc_id, __u8 egress, __u32 identity,
					 const struct ipv4_ctx *ip, __u32 len, bool enforced)
{
	struct policy_key key = {
		.sec_label = identity,
		.lxc_id = lxc_id,
		.egress = egress,
		.protocol = ip->proto,
		.dport = policy_port(ip),
	};

	return policy_can_access(&key, len, enforced);
}
