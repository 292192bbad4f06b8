// Decrement the IPv4 TTL of every packet and fix the header checksum with
// bpf_l3_csum_replace; drop packets whose TTL would reach zero.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define IP_CSUM_OFF (ETH_HLEN + offsetof(struct iphdr, check))
#define IP_TTL_OFF (ETH_HLEN + offsetof(struct iphdr, ttl))

SEC("tc")
int ttl_rewrite(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(ip + 1) > data_end)
		return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (ip->ttl <= 1)
		return TC_ACT_SHOT;

	__u16 old = *(__u16 *)&ip->ttl;
	__u8 ttl = ip->ttl - 1;
	bpf_skb_store_bytes(skb, IP_TTL_OFF, &ttl, 1, 0);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	ip = data + sizeof(*eth);
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_SHOT;
	__u16 new = *(__u16 *)&ip->ttl;
	bpf_l3_csum_replace(skb, IP_CSUM_OFF, old, new, sizeof(__u16));
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
