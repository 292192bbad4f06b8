// ALU-heavy benchmark: 4096 rounds of a 64-bit mix (add, xor, shifts, multiply, rotates
// built from shifts) over two state words seeded from the packet, so clang cannot fold the
// loop away. Returns the low 32 bits of the final state. bench/run.ts runs it in the VM and
// in the kernel; test/bench/bench-smoke.test.ts checks the result against the same mix in
// TypeScript (BigInt).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define ROUNDS 4096
#define SEED_OFF 14 /* right after the Ethernet header */

static __always_inline __u64 rotl(__u64 x, int k)
{
	return (x << k) | (x >> (64 - k));
}

SEC("tc")
int alu_loop(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	if (data + SEED_OFF + 16 > data_end)
		return 0;
	__u64 a = *(__u64 *)(data + SEED_OFF);
	__u64 b = *(__u64 *)(data + SEED_OFF + 8);

#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < ROUNDS; i++) {
		a += b ^ i;
		b ^= a << 13;
		a = rotl(a, 17) * 0x9e3779b97f4a7c15ULL;
		b += a >> 7;
		b = rotl(b, 41) ^ (a >> 29);
	}
	return (__u32)(a ^ b);
}

char LICENSE[] SEC("license") = "GPL";
