// Event output: bpf_perf_event_output of 1..31 bytes (sizes that need the kernel's
// padding and sizes that do not), with packet bytes appended through the flags' ctx-length
// field, to another CPU's slot (refused), and ring buffer output, reserve/submit and
// reserve/discard. The sizes come from the packet: after the Ethernet header, u8 perf_size,
// u8 ring_size, u8 append_len, u8 flags (bit 0: also write to CPU 1's perf slot).
// The retval packs the helpers' errnos, one per byte.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ring_events SEC(".maps");

struct request {
	__u8 perf_size;
	__u8 ring_size;
	__u8 append_len;
	__u8 flags;
};

struct record {
	__u32 seq;
	__u32 len;
	__u64 tag;
};

#define PAYLOAD_OFF (ETH_HLEN + sizeof(struct request))

SEC("tc")
int perf_ringbuf_events(struct __sk_buff *skb)
{
	struct request req;
	__u8 buf[32];

	if (bpf_skb_load_bytes(skb, ETH_HLEN, &req, sizeof(req)))
		return TC_ACT_SHOT;
	if (bpf_skb_load_bytes(skb, PAYLOAD_OFF, buf, sizeof(buf)))
		return TC_ACT_SHOT;

	__u32 perf_size = req.perf_size & 31;
	__u32 ring_size = req.ring_size & 31;
	__u64 append = (__u64)(req.append_len & 63) << 32;
	long perf_rc = 0, other_cpu_rc = 0, ring_rc = 0;

	// Ring buffer first: the order across maps is the emulator's to keep and the kernel's to lose.
	if (ring_size)
		ring_rc = bpf_ringbuf_output(&ring_events, buf, ring_size, 0);
	if (perf_size)
		perf_rc = bpf_perf_event_output(skb, &perf_events, BPF_F_CURRENT_CPU | append, buf, perf_size);
	if (req.flags & 1)
		other_cpu_rc = bpf_perf_event_output(skb, &perf_events, 1, buf, 4);

	struct record *rec = bpf_ringbuf_reserve(&ring_events, sizeof(*rec), 0);
	if (rec) {
		rec->seq = 1;
		rec->len = skb->len;
		rec->tag = 0x1122334455667788;
		bpf_ringbuf_submit(rec, 0);
	}
	rec = bpf_ringbuf_reserve(&ring_events, sizeof(*rec), 0);
	if (rec) {
		rec->seq = 2;
		bpf_ringbuf_discard(rec, 0);
	}
	return (-perf_rc & 0xff) | (-other_cpu_rc & 0xff) << 8 | (-ring_rc & 0xff) << 16;
}

char LICENSE[] SEC("license") = "GPL";
