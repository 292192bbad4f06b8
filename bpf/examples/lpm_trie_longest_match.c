// Longest-prefix match of the IPv4 destination in an LPM trie. The IP header's TOS byte
// picks the operation: 0 looks up the destination (/32) and writes the value found (or
// 0xffffffff) over the IP identification and fragment fields; 1 inserts destination/24
// with the TTL as value, leaving the host bits in the key unmasked; 2 deletes
// destination/24. The retval is the helper's return code (0 for a lookup).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct ipv4_lpm_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ipv4_lpm_key);
	__type(value, __u32);
} routes SEC(".maps");

#define ID_OFF (ETH_HLEN + offsetof(struct iphdr, id))

enum op { LOOKUP = 0, INSERT = 1, DELETE = 2 };

SEC("tc")
int lpm_trie_longest_match(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + ETH_HLEN;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;

	struct ipv4_lpm_key key = { .prefixlen = 32 };
	__builtin_memcpy(key.addr, &ip->daddr, sizeof(key.addr));
	__u8 op = ip->tos;
	__u32 ttl = ip->ttl;

	if (op == INSERT) {
		key.prefixlen = 24;
		return bpf_map_update_elem(&routes, &key, &ttl, BPF_ANY);
	}
	if (op == DELETE) {
		key.prefixlen = 24;
		return bpf_map_delete_elem(&routes, &key);
	}
	__u32 *found = bpf_map_lookup_elem(&routes, &key);
	__u32 value = found ? *found : 0xffffffff;
	return bpf_skb_store_bytes(skb, ID_OFF, &value, sizeof(value), 0);
}

char LICENSE[] SEC("license") = "GPL";
