// Helper-call benchmark: 128 rounds (unroll disabled) of four cheap helper calls whose results
// are deterministic, so the VM and the kernel must agree on the result: an array lookup, a hash
// lookup of a present key, bpf_skb_load_bytes of a 32-bit word at an offset derived from the
// state, and bpf_csum_diff of two 32-bit words (folded to 16 bits, so only the ones' complement
// sum matters, not how an architecture spreads it over 32 bits). Each result feeds the state, so
// no call can be skipped or reordered. Returns the folded 64-bit state. Maps are filled by
// bench/lib.ts (helperMapEntries); test/bench/helper-loop.test.ts recomputes it in TypeScript.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define ROUNDS 128
#define TABLE 64 /* array entries (power of two) */
#define KEYS 256 /* hash keys 0..255, all present */
#define MIN_LEN 68 /* the loads read up to byte 63 + 4 */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TABLE);
	__type(key, __u32);
	__type(value, __u64);
} table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KEYS);
	__type(key, __u32);
	__type(value, __u64);
} keys SEC(".maps");

SEC("tc")
int helper_loop(struct __sk_buff *skb)
{
	__u64 acc = 0x9e3779b97f4a7c15ULL;

	if (skb->len < MIN_LEN)
		return 0;

#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < ROUNDS; i++) {
		__u32 idx = ((__u32)acc ^ i) & (TABLE - 1);
		__u64 *v = bpf_map_lookup_elem(&table, &idx);
		if (v)
			acc += *v;

		__u32 key = (__u32)(acc >> 7) & (KEYS - 1);
		__u64 *h = bpf_map_lookup_elem(&keys, &key);
		acc ^= h ? *h : 1;

		__u32 word = 0;
		__u32 off = (__u32)(acc >> 17) & 63;
		if (bpf_skb_load_bytes(skb, off, &word, sizeof(word)) == 0)
			acc += word;
		else
			acc += 3;

		__u32 from = (__u32)acc, to = (__u32)(acc >> 32);
		__s64 c = bpf_csum_diff(&from, sizeof(from), &to, sizeof(to), i);
		__u32 folded = (__u32)c;
		folded = (folded & 0xffff) + (folded >> 16);
		folded = (folded & 0xffff) + (folded >> 16);
		acc = ((acc << 5) | (acc >> 59)) ^ folded;
	}
	return (__u32)(acc ^ (acc >> 32));
}

char LICENSE[] SEC("license") = "GPL";
