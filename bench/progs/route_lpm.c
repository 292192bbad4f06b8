// Per-packet datapath benchmark: what a tc forwarding program does for each packet. Parse
// Ethernet + IPv4 (+ TCP/UDP ports), look the destination up in an LPM trie of routes,
// check a hash map of allowed (destination, port, protocol) tuples, count the packet in the
// policy entry, rewrite both MAC addresses from the route, and return the route's ifindex
// (TC_ACT_SHOT = 2 for no route or no policy; TC_ACT_OK = 0 for non-IPv4). The rewrite is
// idempotent, so BPF_PROG_TEST_RUN's repeat (which reruns on the same packet) takes the
// same path every time.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct route_key {
	__u32 prefixlen;
	__u32 addr; /* network order */
};

struct route {
	__u32 ifindex;
	__u8 smac[ETH_ALEN];
	__u8 dmac[ETH_ALEN];
};

struct policy_key {
	__u32 daddr; /* network order */
	__u16 dport; /* network order */
	__u8 proto;
	__u8 pad;
};

struct policy {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__type(key, struct route_key);
	__type(value, struct route);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} routes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct policy_key);
	__type(value, struct policy);
} policies SEC(".maps");

SEC("tc")
int route_lpm(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(ip + 1) > data_end)
		return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;

	struct route_key rk = { .prefixlen = 32, .addr = ip->daddr };
	struct route *rt = bpf_map_lookup_elem(&routes, &rk);
	if (!rt)
		return TC_ACT_SHOT;

	struct policy_key pk = { .daddr = ip->daddr, .proto = ip->protocol };
	if (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) {
		__u16 *ports = (void *)ip + ip->ihl * 4;
		if ((void *)(ports + 2) > data_end)
			return TC_ACT_SHOT;
		pk.dport = ports[1];
	}
	struct policy *pol = bpf_map_lookup_elem(&policies, &pk);
	if (!pol)
		return TC_ACT_SHOT;
	__sync_fetch_and_add(&pol->packets, 1);
	__sync_fetch_and_add(&pol->bytes, skb->len);

	__builtin_memcpy(eth->h_source, rt->smac, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, rt->dmac, ETH_ALEN);
	return rt->ifindex;
}

char LICENSE[] SEC("license") = "GPL";
