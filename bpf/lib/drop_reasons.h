/* Drop reasons: Cilium's codes (bpf/lib/common.h, pkg/monitor/api/drop.go), as
 * negative return values. The subset this datapath uses, plus neighbours kept for
 * decoders. */
#pragma once

#define DROP_INVALID_SIP	-132	/* source IP is not the sending endpoint's */
#define DROP_POLICY		-133	/* no policy entry allows it (default deny) */
#define DROP_INVALID		-134	/* malformed or truncated packet */
#define DROP_CT_INVALID_HDR	-135	/* L4 header missing or truncated */
#define DROP_CT_UNKNOWN_PROTO	-137
#define DROP_UNKNOWN_L3		-139	/* not IPv4 (nor ARP where ARP is handled) */
#define DROP_MISSED_TAIL_CALL	-140
#define DROP_WRITE_ERROR	-141	/* a helper failed to rewrite the packet */
#define DROP_UNKNOWN_L4		-142
#define DROP_UNKNOWN_ICMP4_CODE	-143
#define DROP_UNKNOWN_ICMP4_TYPE	-144	/* ICMP other than echo request/reply */
#define DROP_NO_TUNNEL_KEY	-147	/* from-overlay without tunnel metadata */
#define DROP_UNKNOWN_TARGET	-150
#define DROP_UNROUTABLE		-151	/* local pod CIDR address with no endpoint */
#define DROP_CSUM_L3		-153
#define DROP_CSUM_L4		-154
#define DROP_CT_CREATE_FAILED	-155
#define DROP_FRAG_NOSUPPORT	-157	/* IPv4 fragments are not tracked */
#define DROP_NO_SERVICE		-158	/* service without (usable) backends */
#define DROP_NO_TUNNEL_ENDPOINT	-160	/* cluster address with no node to tunnel to */
#define DROP_NAT_NO_MAPPING	-167	/* no free SNAT port */
#define DROP_NAT_UNSUPP_PROTO	-168
#define DROP_INVALID_IDENTITY	-171
#define DROP_POLICY_DENY	-181	/* an explicit deny entry matched */
#define DROP_INVALID_VNI	-183
#define DROP_TTL_EXCEEDED	-196

/* Source files, reported with the line of the decision in drop notifications. */
#define FILE_ID_OF(name)							\
	(__builtin_strcmp(name, "bpf_host.c") == 0 ? 1 :			\
	 __builtin_strcmp(name, "bpf_lxc.c") == 0 ? 3 :				\
	 __builtin_strcmp(name, "bpf_overlay.c") == 0 ? 4 :			\
	 __builtin_strcmp(name, "arp.h") == 0 ? 101 :				\
	 __builtin_strcmp(name, "conntrack.h") == 0 ? 102 :			\
	 __builtin_strcmp(name, "encap.h") == 0 ? 103 :				\
	 __builtin_strcmp(name, "ipv4.h") == 0 ? 104 :				\
	 __builtin_strcmp(name, "l3.h") == 0 ? 105 :				\
	 __builtin_strcmp(name, "lb.h") == 0 ? 106 :				\
	 __builtin_strcmp(name, "nat.h") == 0 ? 107 :				\
	 __builtin_strcmp(name, "policy.h") == 0 ? 108 : 0)

/* A drop decided here: the reason with the file and line of the decision, packed
 * into one negative int (bits 0-7 reason, 8-23 line, 24-30 file) so that it can
 * travel as a return value up to the single place that reports it. */
#define DROP(reason)								\
	(-(int)(((__u32)FILE_ID_OF(__FILE_NAME__) << 24) |			\
		((__u32)(__LINE__ & 0xffff) << 8) | (__u32)(-(reason))))

#define IS_ERR(x) ((x) < 0)

static __always_inline __u8 drop_reason(int code) { return (__u8)((__u32)(-code) & 0xff); }
static __always_inline __u16 drop_line(int code) { return (__u16)(((__u32)(-code) >> 8) & 0xffff); }
static __always_inline __u8 drop_file(int code) { return (__u8)(((__u32)(-code) >> 24) & 0x7f); }
