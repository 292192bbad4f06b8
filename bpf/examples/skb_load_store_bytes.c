// bpf_skb_load_bytes and bpf_skb_store_bytes at and past the packet's edges. The return
// codes (s32) go to the packet right after the Ethernet header, then the 8 bytes an
// out-of-range load left in its buffer (the kernel clears it), then a stored marker.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define RC_OFF ETH_HLEN
#define RC_COUNT 8
#define CLEARED_OFF (RC_OFF + RC_COUNT * 4)
#define MARKER_OFF (CLEARED_OFF + 8)
#define MIN_LEN (MARKER_OFF + 4)

SEC("tc")
int skb_load_store_bytes(struct __sk_buff *skb)
{
	__s32 rc[RC_COUNT];
	__u8 buf[8];
	__u32 marker = 0xfeedc0de;
	__u32 len = skb->len;

	if (len < MIN_LEN)
		return TC_ACT_SHOT;
	// Exactly up to the end: fine; one byte past it: -EFAULT and a zeroed buffer.
	rc[0] = bpf_skb_load_bytes(skb, len - sizeof(buf), buf, sizeof(buf));
	__builtin_memset(buf, 0xaa, sizeof(buf));
	rc[1] = bpf_skb_load_bytes(skb, len - sizeof(buf) + 1, buf, sizeof(buf));
	__u8 cleared[8];
	__builtin_memcpy(cleared, buf, sizeof(cleared));
	// Offsets above INT_MAX are refused before any length check.
	rc[2] = bpf_skb_load_bytes(skb, 0x80000000u, buf, 1);
	// Stores: the checksum-recompute flag (no effect without CHECKSUM_COMPLETE), an
	// invalid flag, one byte past the end, and hash invalidation; a load at the end.
	rc[3] = bpf_skb_store_bytes(skb, MARKER_OFF, &marker, sizeof(marker), BPF_F_RECOMPUTE_CSUM);
	rc[4] = bpf_skb_store_bytes(skb, MARKER_OFF, &marker, sizeof(marker), 4);
	rc[5] = bpf_skb_store_bytes(skb, len - 3, &marker, sizeof(marker), 0);
	rc[6] = bpf_skb_store_bytes(skb, len - 4, &marker, sizeof(marker), BPF_F_INVALIDATE_HASH);
	rc[7] = bpf_skb_load_bytes(skb, len, buf, 1);

	if (bpf_skb_store_bytes(skb, RC_OFF, rc, sizeof(rc), 0))
		return TC_ACT_SHOT;
	if (bpf_skb_store_bytes(skb, CLEARED_OFF, cleared, sizeof(cleared), 0))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
