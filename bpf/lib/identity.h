/* Carrying a source identity in skb->mark across a redirect (Cilium's
 * MARK_MAGIC_IDENTITY encoding), for programs that cannot tail call each other. */
#pragma once

#include "common.h"

#define MARK_MAGIC_HOST_MASK	0x0f00
#define MARK_MAGIC_IDENTITY	0x0f00

static __always_inline __u32 identity_to_mark(__u32 identity)
{
	return ((identity & 0xffff) << 16) | MARK_MAGIC_IDENTITY | ((identity >> 16) & 0xff);
}

static __always_inline bool mark_has_identity(__u32 mark)
{
	return (mark & MARK_MAGIC_HOST_MASK) == MARK_MAGIC_IDENTITY;
}

static __always_inline __u32 identity_from_mark(__u32 mark)
{
	return (mark >> 16) | ((mark & 0xff) << 16);
}
