// Packet-checksum benchmark: the RFC 1071 ones' complement sum of the whole packet, 16-bit
// word by word with a bounds check against data_end on every step (as a datapath must),
// folded to 16 bits and complemented. Words are loaded in host order (little-endian), so
// the result is the byte-swapped network-order checksum (RFC 1071 §2(B)). An odd last byte
// is added as a zero-padded word. Returns the 16-bit checksum.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_WORDS 1024 /* up to 2048 bytes; the benchmark packet is 1500 */

SEC("tc")
int csum_loop(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u32 sum = 0;
	__u32 i;

#pragma clang loop unroll(disable)
	for (i = 0; i < MAX_WORDS; i++) {
		__u16 *p = data + i * 2;
		if ((void *)(p + 1) > data_end)
			break;
		sum += *p;
	}
	if (i < MAX_WORDS) {
		__u8 *last = data + i * 2;
		if ((void *)(last + 1) <= data_end)
			sum += *last;
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

char LICENSE[] SEC("license") = "GPL";
