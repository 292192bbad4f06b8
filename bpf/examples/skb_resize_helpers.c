// Packet reshaping helpers: bpf_skb_adjust_room (net and mac modes, grow, shrink, encap
// flags, and its refusals), bpf_skb_change_head, bpf_skb_change_tail and
// bpf_skb_pull_data. The IPv4 TOS byte picks the call (enum mode); the retval is the
// helper's return code, and data_out shows the reshaped packet.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

enum mode {
	ROOM_NET_GROW, ROOM_NET_SHRINK, ROOM_MAC_GROW, ROOM_MAC_SHRINK, ROOM_ENCAP_UDP,
	ROOM_BAD_FLAGS, ROOM_BAD_MODE, ROOM_TOO_BIG, ROOM_SHRINK_TOO_MUCH,
	HEAD_PUSH, HEAD_BAD_FLAGS, TAIL_GROW, TAIL_TRIM, TAIL_BELOW_MIN, TAIL_TOO_BIG,
	PULL_ALL, PULL_PAST_END, PULL_ZERO,
};

#define TOS_OFF (ETH_HLEN + offsetof(struct iphdr, tos))

static __always_inline long reshape(struct __sk_buff *skb, __u8 mode)
{
	__u32 len = skb->len;

	switch (mode) {
	case ROOM_NET_GROW: return bpf_skb_adjust_room(skb, 8, BPF_ADJ_ROOM_NET, 0);
	case ROOM_NET_SHRINK: return bpf_skb_adjust_room(skb, -8, BPF_ADJ_ROOM_NET, 0);
	case ROOM_MAC_GROW: return bpf_skb_adjust_room(skb, 16, BPF_ADJ_ROOM_MAC, 0);
	case ROOM_MAC_SHRINK: return bpf_skb_adjust_room(skb, -4, BPF_ADJ_ROOM_MAC, 0);
	case ROOM_ENCAP_UDP:
		return bpf_skb_adjust_room(skb, 28, BPF_ADJ_ROOM_MAC,
					   BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L4_UDP);
	case ROOM_BAD_FLAGS: return bpf_skb_adjust_room(skb, 8, BPF_ADJ_ROOM_NET, 1 << 12);
	case ROOM_BAD_MODE: return bpf_skb_adjust_room(skb, 8, 2, 0);
	case ROOM_TOO_BIG: return bpf_skb_adjust_room(skb, 0x1000, BPF_ADJ_ROOM_NET, 0);
	case ROOM_SHRINK_TOO_MUCH: return bpf_skb_adjust_room(skb, -(__s32)(len - ETH_HLEN - 4), BPF_ADJ_ROOM_MAC, 0);
	case HEAD_PUSH: return bpf_skb_change_head(skb, ETH_HLEN, 0);
	case HEAD_BAD_FLAGS: return bpf_skb_change_head(skb, 8, 1);
	case TAIL_GROW: return bpf_skb_change_tail(skb, len + 10, 0);
	case TAIL_TRIM: return bpf_skb_change_tail(skb, len - 4, 0);
	case TAIL_BELOW_MIN: return bpf_skb_change_tail(skb, ETH_HLEN - 1, 0);
	case TAIL_TOO_BIG: return bpf_skb_change_tail(skb, 20000, 0);
	case PULL_ALL: return bpf_skb_pull_data(skb, len);
	case PULL_PAST_END: return bpf_skb_pull_data(skb, len + 1);
	case PULL_ZERO: return bpf_skb_pull_data(skb, 0);
	}
	return -1;
}

SEC("tc")
int skb_resize_helpers(struct __sk_buff *skb)
{
	__u8 mode;

	if (bpf_skb_load_bytes(skb, TOS_OFF, &mode, sizeof(mode)))
		return TC_ACT_SHOT;
	return reshape(skb, mode);
}

char LICENSE[] SEC("license") = "GPL";
