// Reads __sk_buff fields and writes them, as u32, over the packet after the Ethernet
// header (see enum slot); then writes mark, priority, cb[] and tc_index and reads them
// back. ctx_out shows the written fields the kernel copies back (mark, priority, cb).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

enum slot {
	S_LEN, S_PKT_TYPE, S_MARK, S_PRIORITY, S_PROTOCOL, S_IFINDEX, S_INGRESS_IFINDEX,
	S_TC_INDEX, S_CB0, S_CB1, S_CB2, S_CB3, S_CB4, S_DATA_LEN, S_QUEUE_MAPPING,
	S_VLAN_PRESENT, S_TC_CLASSID, S_WIRE_LEN,
	S_MARK_AFTER, S_TC_INDEX_AFTER, S_PRIORITY_AFTER, S_CB4_AFTER,
	S_COUNT,
};

#define OUT_OFF ETH_HLEN

SEC("tc")
int skb_ctx_fields(struct __sk_buff *skb)
{
	__u32 v[S_COUNT];

	v[S_LEN] = skb->len;
	v[S_PKT_TYPE] = skb->pkt_type;
	v[S_MARK] = skb->mark;
	v[S_PRIORITY] = skb->priority;
	v[S_PROTOCOL] = skb->protocol;
	v[S_IFINDEX] = skb->ifindex;
	v[S_INGRESS_IFINDEX] = skb->ingress_ifindex;
	v[S_TC_INDEX] = skb->tc_index;
	v[S_CB0] = skb->cb[0];
	v[S_CB1] = skb->cb[1];
	v[S_CB2] = skb->cb[2];
	v[S_CB3] = skb->cb[3];
	v[S_CB4] = skb->cb[4];
	v[S_DATA_LEN] = (__u32)(skb->data_end - skb->data);
	v[S_QUEUE_MAPPING] = skb->queue_mapping;
	v[S_VLAN_PRESENT] = skb->vlan_present;
	v[S_TC_CLASSID] = skb->tc_classid;
	v[S_WIRE_LEN] = skb->wire_len;

	skb->mark = v[S_MARK] + 1;
	skb->priority = 7;
	skb->tc_index = 0x1234;
	for (int i = 0; i < 5; i++)
		skb->cb[i] = skb->cb[i] * 2 + i;

	v[S_MARK_AFTER] = skb->mark;
	v[S_TC_INDEX_AFTER] = skb->tc_index;
	v[S_PRIORITY_AFTER] = skb->priority;
	v[S_CB4_AFTER] = skb->cb[4];

	if (bpf_skb_store_bytes(skb, OUT_OFF, v, sizeof(v), 0))
		return TC_ACT_SHOT;
	return v[S_PKT_TYPE];
}

char LICENSE[] SEC("license") = "GPL";
