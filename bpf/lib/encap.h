/* VXLAN through a collect-metadata device: the tunnel key names the remote node
 * and, in the VNI, the source security identity (as Cilium does). */
#pragma once

#include "common.h"

#define TUNNEL_TTL 64		/* IPDEFTTL, for the outer header */
#define VNI_MAX 0xffffff

static __always_inline int set_tunnel_key4(struct __sk_buff *ctx, __be32 tunnel_endpoint, __u32 identity)
{
	struct bpf_tunnel_key key;

	__builtin_memset(&key, 0, sizeof(key));
	key.tunnel_id = identity;
	key.remote_ipv4 = bpf_ntohl(tunnel_endpoint); /* the helper takes host order */
	key.tunnel_ttl = TUNNEL_TTL;
	if (bpf_skb_set_tunnel_key(ctx, &key, sizeof(key), BPF_F_ZERO_CSUM_TX) < 0)
		return DROP(DROP_WRITE_ERROR);
	return 0;
}

/* The source identity of a packet that came out of the tunnel. */
static __always_inline int get_tunnel_identity(struct __sk_buff *ctx, __u32 *identity)
{
	struct bpf_tunnel_key key;

	__builtin_memset(&key, 0, sizeof(key));
	if (bpf_skb_get_tunnel_key(ctx, &key, sizeof(key), 0) < 0)
		return DROP(DROP_NO_TUNNEL_KEY);
	if (key.tunnel_id == 0 || key.tunnel_id > VNI_MAX)
		return DROP(DROP_INVALID_VNI);
	*identity = key.tunnel_id;
	return 0;
}
