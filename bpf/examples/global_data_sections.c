// Global data: a .rodata constant the loader may set before load (scale), a .rodata table,
// a .data counter with an initial value, and .bss fields that start at zero. Each packet
// bumps the counter and records its length; the retval is counter * scale + table entry.
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 scale = 1;
static const __u8 weights[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };

__u64 packets_seen = 100;
char tag[8] = "dpsim";

__u32 last_len;
__u32 max_len;

SEC("tc")
int global_data_sections(struct __sk_buff *skb)
{
	__u32 len = skb->len;

	packets_seen++;
	last_len = len;
	if (len > max_len)
		max_len = len;
	tag[7] = (char)len;
	return (__u32)packets_seen * scale + weights[len & 7];
}

char LICENSE[] SEC("license") = "GPL";
