// bpf_redirect (a test run only sees its return value: TC_ACT_REDIRECT, or TC_ACT_SHOT
// for bad flags) and bpf_get_smp_processor_id, written after the Ethernet header. The
// first payload byte picks egress, ingress (BPF_F_INGRESS) or an invalid flag.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

enum mode { EGRESS = 0, INGRESS = 1, BAD_FLAGS = 2, NO_REDIRECT = 3 };

SEC("tc")
int redirect_smp_cpu(struct __sk_buff *skb)
{
	__u8 mode;
	__u32 cpu = bpf_get_smp_processor_id();

	if (bpf_skb_load_bytes(skb, ETH_HLEN, &mode, sizeof(mode)))
		return TC_ACT_SHOT;
	if (bpf_skb_store_bytes(skb, ETH_HLEN + 1, &cpu, sizeof(cpu), 0))
		return TC_ACT_SHOT;
	switch (mode) {
	case EGRESS: return bpf_redirect(skb->ifindex, 0);
	case INGRESS: return bpf_redirect(skb->ifindex, BPF_F_INGRESS);
	case BAD_FLAGS: return bpf_redirect(skb->ifindex, 0x10);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
