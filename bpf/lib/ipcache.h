/* The IP cache: prefix -> security identity and the node to tunnel to
 * (cilium_ipcache, a longest-prefix-match trie over family + address). */
#pragma once

#include "common.h"

#define IPCACHE_F_HAS_TUNNEL_EP	0x1	/* tunnel_endpoint is set: reach the prefix over VXLAN */
#define IPCACHE_F_SKIP_TUNNEL	0x2	/* reach it natively even so */

struct ipcache_key {
	__u32 prefixlen;	/* IPCACHE_PREFIX_LEN(address bits) */
	__u16 cluster_id;	/* reserved, 0 */
	__u8 pad;
	__u8 family;		/* AF_INET / AF_INET6 */
	union ip_addr addr;
};

/* The 32 bits of cluster_id, pad and family always match exactly. */
#define IPCACHE_PREFIX_LEN(bits) (32 + (bits))

struct remote_endpoint_info {
	__u32 sec_identity;
	__be32 tunnel_endpoint;	/* IPv4 of the node hosting the prefix */
	__u8 flags;		/* IPCACHE_F_* */
	__u8 pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ipcache_key);
	__type(value, struct remote_endpoint_info);
} cilium_ipcache SEC(".maps");

static __always_inline const struct remote_endpoint_info *ipcache_lookup4(__be32 addr)
{
	struct ipcache_key key = {};

	key.prefixlen = IPCACHE_PREFIX_LEN(32);
	key.family = AF_INET;
	key.addr.ip4 = addr;
	return bpf_map_lookup_elem(&cilium_ipcache, &key);
}

/* Unknown addresses are the world. */
static __always_inline __u32 ipcache_identity4(__be32 addr)
{
	const struct remote_endpoint_info *info = ipcache_lookup4(addr);

	return info ? info->sec_identity : IDENTITY_WORLD;
}
