// BPF-to-BPF calls: static noinline subprograms three levels deep, one taking a pointer
// into its caller's stack, and global subprograms (verified on their own, so they get the
// context and scalars only). Reads 8 bytes after the Ethernet header as two u32 and writes
// the results back over the next 16 bytes.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define IN_OFF ETH_HLEN
#define OUT_OFF (IN_OFF + 8)

static __attribute__((noinline)) __u32 mix(__u32 a, __u32 b)
{
	return a * 31 + (b ^ (a >> 7));
}

static __attribute__((noinline)) __u32 level3(__u32 x)
{
	return mix(x, x >> 3) ^ 0x5a5a5a5a;
}

static __attribute__((noinline)) __u32 level2(__u32 *acc, __u32 x)
{
	*acc += level3(x);
	return *acc & 0xff;
}

static __attribute__((noinline)) __u32 level1(__u32 a, __u32 b)
{
	__u32 acc = a;
	__u32 low = level2(&acc, b);
	return acc + low;
}

// Global: a separate verification unit; must handle any ctx it is given.
__attribute__((noinline)) int global_len_plus(struct __sk_buff *skb, __u32 add)
{
	if (!skb)
		return 0;
	return skb->len + add;
}

__attribute__((noinline)) int global_sum_bytes(struct __sk_buff *skb, __u32 off)
{
	__u8 buf[4];

	if (!skb || bpf_skb_load_bytes(skb, off, buf, sizeof(buf)))
		return -1;
	return buf[0] + buf[1] + buf[2] + buf[3] + global_len_plus(skb, 1);
}

SEC("tc")
int bpf_to_bpf_calls(struct __sk_buff *skb)
{
	__u32 in[2];
	__u32 out[4];

	if (bpf_skb_load_bytes(skb, IN_OFF, in, sizeof(in)))
		return TC_ACT_SHOT;
	out[0] = level1(in[0], in[1]);
	out[1] = level3(in[1]);
	out[2] = global_len_plus(skb, in[0] & 0xff);
	out[3] = global_sum_bytes(skb, IN_OFF);
	if (bpf_skb_store_bytes(skb, OUT_OFF, out, sizeof(out), 0))
		return TC_ACT_SHOT;
	return out[0] & 0xffff;
}

char LICENSE[] SEC("license") = "GPL";
