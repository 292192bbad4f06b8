// bpf_csum_diff with both buffers, only `to`, only `from`, neither (the seed comes back),
// and a size that is not a multiple of 4 (-EINVAL). Input after the Ethernet header:
// 8 bytes `from`, 8 bytes `to`, a u32 seed; the five results follow as s64.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct diff_input {
	__u32 from[2];
	__u32 to[2];
	__u32 seed;
};

#define INPUT_OFF ETH_HLEN
#define RESULTS_OFF (INPUT_OFF + sizeof(struct diff_input))

SEC("tc")
int csum_diff_modes(struct __sk_buff *skb)
{
	struct diff_input in;
	__s64 r[5];

	if (bpf_skb_load_bytes(skb, INPUT_OFF, &in, sizeof(in)))
		return TC_ACT_SHOT;
	r[0] = bpf_csum_diff(in.from, sizeof(in.from), in.to, sizeof(in.to), in.seed);
	r[1] = bpf_csum_diff(NULL, 0, in.to, sizeof(in.to), in.seed);
	r[2] = bpf_csum_diff(in.from, sizeof(in.from), NULL, 0, in.seed);
	r[3] = bpf_csum_diff(NULL, 0, NULL, 0, in.seed);
	r[4] = bpf_csum_diff(in.from, 6, in.to, sizeof(in.to), in.seed);
	if (bpf_skb_store_bytes(skb, RESULTS_OFF, r, sizeof(r), 0))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
