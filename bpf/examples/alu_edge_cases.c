// ALU edge cases on runtime operands: 64/32-bit div and mod (including by zero), signed
// division built from unsigned ops (cpu v3 has no sdiv), shifts by masked runtime amounts,
// byte swaps and sign extension. Operands come from the packet after the Ethernet header;
// the results overwrite the bytes after the operands, one u64 each (see enum result).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct operands {
	__u64 a;
	__u64 b;
	__u32 c;
	__u32 d;
};

enum result {
	R_DIV64, R_MOD64, R_DIV32, R_MOD32, R_SDIV64, R_SMOD64, R_SDIV32,
	R_LSH64, R_RSH64, R_ARSH64, R_LSH32, R_RSH32, R_ARSH32,
	R_BSWAP16, R_BSWAP32, R_BSWAP64, R_SEXT8, R_SEXT16, R_SEXT32,
	R_NEG32, R_MUL64, R_MUL32, R_SUB32, R_XOR_NOT,
	R_COUNT,
};

#define OPERANDS_OFF ETH_HLEN
#define RESULTS_OFF (OPERANDS_OFF + sizeof(struct operands))

// Inline asm pins the exact instruction: clang may otherwise rewrite a % b as a - a / b * b,
// and the point is the kernel's mod-by-zero rule (64-bit: dst unchanged, 32-bit: zero-extended).
static __always_inline __u64 mod64(__u64 a, __u64 b)
{
	asm volatile("%[a] %%= %[b]" : [a] "+r"(a) : [b] "r"(b));
	return a;
}

static __always_inline __u64 div64(__u64 a, __u64 b)
{
	asm volatile("%[a] /= %[b]" : [a] "+r"(a) : [b] "r"(b));
	return a;
}

static __always_inline __u32 mod32(__u32 a, __u32 b)
{
	asm volatile("%[a] %%= %[b]" : [a] "+w"(a) : [b] "w"(b));
	return a;
}

static __always_inline __u32 div32(__u32 a, __u32 b)
{
	asm volatile("%[a] /= %[b]" : [a] "+w"(a) : [b] "w"(b));
	return a;
}

static __always_inline __u64 magnitude(__s64 v)
{
	return v < 0 ? -(__u64)v : (__u64)v;
}

// C semantics (truncation toward zero) from unsigned division; b == 0 gives 0 like BPF_DIV.
static __always_inline __s64 sdiv64(__s64 a, __s64 b)
{
	__u64 q = div64(magnitude(a), magnitude(b));
	return (a < 0) != (b < 0) ? -(__s64)q : (__s64)q;
}

// The remainder takes the dividend's sign; b == 0 leaves a, like BPF_MOD.
static __always_inline __s64 smod64(__s64 a, __s64 b)
{
	__u64 r = mod64(magnitude(a), magnitude(b));
	return a < 0 ? -(__s64)r : (__s64)r;
}

static __always_inline __s32 sdiv32(__s32 a, __s32 b)
{
	__u32 ua = a < 0 ? -(__u32)a : (__u32)a;
	__u32 ub = b < 0 ? -(__u32)b : (__u32)b;
	__u32 q = div32(ua, ub);
	return (a < 0) != (b < 0) ? -(__s32)q : (__s32)q;
}

SEC("tc")
int alu_edge_cases(struct __sk_buff *skb)
{
	struct operands in;
	__u64 r[R_COUNT];

	if (bpf_skb_load_bytes(skb, OPERANDS_OFF, &in, sizeof(in)))
		return TC_ACT_SHOT;

	__u64 a = in.a, b = in.b;
	__u32 c = in.c, d = in.d;

	r[R_DIV64] = div64(a, b);
	r[R_MOD64] = mod64(a, b);
	r[R_DIV32] = div32(c, d);
	r[R_MOD32] = mod32((__u32)a, d);
	r[R_SDIV64] = sdiv64((__s64)a, (__s64)b);
	r[R_SMOD64] = smod64((__s64)a, (__s64)b);
	r[R_SDIV32] = (__u64)(__s64)sdiv32((__s32)c, (__s32)d);
	r[R_LSH64] = a << (c & 63);
	r[R_RSH64] = a >> (c & 63);
	r[R_ARSH64] = (__u64)((__s64)a >> (c & 63));
	r[R_LSH32] = (__u32)a << (d & 31);
	r[R_RSH32] = (__u32)a >> (d & 31);
	r[R_ARSH32] = (__u32)((__s32)a >> (d & 31));
	r[R_BSWAP16] = bpf_htons((__u16)a);
	r[R_BSWAP32] = bpf_htonl((__u32)a);
	r[R_BSWAP64] = bpf_cpu_to_be64(a);
	r[R_SEXT8] = (__u64)(__s64)(__s8)a;
	r[R_SEXT16] = (__u64)(__s64)(__s16)a;
	r[R_SEXT32] = (__u64)(__s64)(__s32)a;
	r[R_NEG32] = (__u32)(-(__s32)c);
	r[R_MUL64] = a * b;
	r[R_MUL32] = c * d;
	r[R_SUB32] = c - d;
	r[R_XOR_NOT] = ~a ^ b;

	if (bpf_skb_store_bytes(skb, RESULTS_OFF, r, sizeof(r), 0))
		return TC_ACT_SHOT;
	// The retval carries the 32-bit quotient too: the kernel reports r0's low 32 bits.
	return r[R_DIV32];
}

char LICENSE[] SEC("license") = "GPL";
