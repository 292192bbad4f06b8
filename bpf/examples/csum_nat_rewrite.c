// Destination NAT of IPv4 UDP/TCP packets to 10.0.0.99:8080 with the checksum helpers.
// The IP header's TOS byte picks how (so one program covers every path):
//   0: l3/l4_csum_replace with the old and new field values (sizes 4 and 2);
//   1: bpf_csum_diff of the address, fed to both helpers with size 0;
//   2: no rewrite: the helpers' error returns, one errno per byte of the retval.
// UDP uses BPF_F_MARK_MANGLED_0: a zero (absent) checksum stays zero, and a checksum that
// comes out as zero is written as 0xffff.
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define IP_CSUM_OFF (ETH_HLEN + offsetof(struct iphdr, check))
#define IP_DADDR_OFF (ETH_HLEN + offsetof(struct iphdr, daddr))
#define L4_OFF (ETH_HLEN + sizeof(struct iphdr))
#define DPORT_OFF (L4_OFF + offsetof(struct udphdr, dest))
#define UDP_CSUM_OFF (L4_OFF + offsetof(struct udphdr, check))
#define TCP_CSUM_OFF (L4_OFF + offsetof(struct tcphdr, check))

#define NEW_DADDR bpf_htonl(0x0a000063) // 10.0.0.99
#define NEW_DPORT bpf_htons(8080)

enum mode { BY_VALUE = 0, BY_DIFF = 1, ERRORS = 2 };

static __always_inline int errors(struct __sk_buff *skb)
{
	long bad_size = bpf_l3_csum_replace(skb, IP_CSUM_OFF, 0, 0, 3);
	long past_end = bpf_l4_csum_replace(skb, skb->len - 1, 0, 0, 2);
	long l3_pseudo = bpf_l3_csum_replace(skb, IP_CSUM_OFF, 0, 0, BPF_F_PSEUDO_HDR);
	long diff_with_from = bpf_l4_csum_replace(skb, UDP_CSUM_OFF, 1, 0, 0);
	return (-bad_size & 0xff) | (-past_end & 0xff) << 8 | (-l3_pseudo & 0xff) << 16 | (-diff_with_from & 0xff) << 24;
}

SEC("tc")
int csum_nat_rewrite(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + ETH_HLEN;
	struct udphdr *l4 = data + L4_OFF; // dest is at the same offset in UDP and TCP

	if ((void *)(l4 + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5)
		return TC_ACT_OK;
	if (ip->protocol != IPPROTO_UDP && ip->protocol != IPPROTO_TCP)
		return TC_ACT_OK;

	__u8 mode = ip->tos;
	if (mode == ERRORS)
		return errors(skb);

	__be32 old_daddr = ip->daddr, new_daddr = NEW_DADDR;
	__be16 old_dport = l4->dest, new_dport = NEW_DPORT;
	int udp = ip->protocol == IPPROTO_UDP;
	__u32 l4_csum_off = udp ? UDP_CSUM_OFF : TCP_CSUM_OFF;
	__u64 l4_flags = udp ? BPF_F_MARK_MANGLED_0 : 0;
	long err;

	if (bpf_skb_store_bytes(skb, IP_DADDR_OFF, &new_daddr, sizeof(new_daddr), 0))
		return TC_ACT_SHOT;
	if (mode == BY_DIFF) {
		__s64 diff = bpf_csum_diff(&old_daddr, sizeof(old_daddr), &new_daddr, sizeof(new_daddr), 0);
		err = bpf_l3_csum_replace(skb, IP_CSUM_OFF, 0, diff, 0);
		err |= bpf_l4_csum_replace(skb, l4_csum_off, 0, diff, BPF_F_PSEUDO_HDR | l4_flags);
	} else {
		err = bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_daddr, new_daddr, sizeof(new_daddr));
		err |= bpf_l4_csum_replace(skb, l4_csum_off, old_daddr, new_daddr, BPF_F_PSEUDO_HDR | l4_flags | sizeof(new_daddr));
	}
	err |= bpf_skb_store_bytes(skb, DPORT_OFF, &new_dport, sizeof(new_dport), 0);
	err |= bpf_l4_csum_replace(skb, l4_csum_off, old_dport, new_dport, l4_flags | sizeof(new_dport));
	return err ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
