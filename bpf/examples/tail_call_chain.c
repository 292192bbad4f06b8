// Tail calls through a prog array: slots 0 and 1 are filled by the object (.values),
// slot 2 is left empty, others may be filled from userspace. The entry program jumps to
// the slot named by the first byte after the Ethernet header; a failed tail call falls
// through to the next instruction. tail_loop tail-calls itself until the kernel's limit
// (MAX_TAIL_CALL_CNT, 33 tail calls per run) stops it, counting its runs in cb[1].
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define FELL_THROUGH 1000
#define LOOP_SLOT 4

SEC("tc")
int tail_a(struct __sk_buff *skb)
{
	return 10 + skb->cb[0];
}

SEC("tc")
int tail_b(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, int(struct __sk_buff *));
} jump_table SEC(".maps") = {
	.values = {
		[0] = (void *)&tail_a,
		[1] = (void *)&tail_b,
	},
};

// Chains on to the empty slot 2 and so returns its own value.
SEC("tc")
int tail_b(struct __sk_buff *skb)
{
	skb->cb[0] += 1;
	bpf_tail_call(skb, &jump_table, 2);
	return 20 + skb->cb[0];
}

SEC("tc")
int tail_c(struct __sk_buff *skb)
{
	return 30 + skb->cb[0];
}

SEC("tc")
int tail_loop(struct __sk_buff *skb)
{
	skb->cb[1] += 1;
	bpf_tail_call(skb, &jump_table, LOOP_SLOT);
	return skb->cb[1];
}

SEC("tc")
int tail_call_entry(struct __sk_buff *skb)
{
	__u8 slot;

	if (bpf_skb_load_bytes(skb, ETH_HLEN, &slot, sizeof(slot)))
		return TC_ACT_SHOT;
	skb->cb[0] = 100;
	skb->cb[1] = 0;
	bpf_tail_call(skb, &jump_table, slot);
	return FELL_THROUGH + slot;
}

char LICENSE[] SEC("license") = "GPL";
