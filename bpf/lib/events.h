/* Monitor events (docs/datapath-events.md): a drop notification wherever a packet
 * is dropped and a trace notification at every observation point, each followed
 * by the first bytes of the packet (BPF_F_CTXLEN), on a perf event array like
 * Cilium's cilium_events. */
#pragma once

#include "common.h"
#include "metrics.h"

#define CILIUM_NOTIFY_DROP	1
#define CILIUM_NOTIFY_TRACE	4

#define NOTIFY_CAPTURE_VER	1
#define TRACE_PAYLOAD_LEN	128	/* packet bytes appended to an event, at most */

/* Observation points (Cilium's enum trace_point). */
enum trace_point {
	TRACE_TO_LXC = 0,
	TRACE_TO_PROXY,
	TRACE_TO_HOST,
	TRACE_TO_STACK,
	TRACE_TO_OVERLAY,
	TRACE_FROM_LXC,
	TRACE_FROM_PROXY,
	TRACE_FROM_HOST,
	TRACE_FROM_STACK,
	TRACE_FROM_OVERLAY,
	TRACE_FROM_NETWORK,
	TRACE_TO_NETWORK,
};

/* Why a packet was forwarded: the conntrack verdict (CT_NEW means "by policy"). */
enum trace_reason {
	TRACE_REASON_POLICY = 0,
	TRACE_REASON_CT_ESTABLISHED = 1,
	TRACE_REASON_CT_REPLY = 2,
	TRACE_REASON_CT_RELATED = 3,
	TRACE_REASON_UNKNOWN = 5,
};

#define NOTIFY_F_IPV6	0x01	/* the packet (and orig_ip) is IPv6 */

/* Who and where, filled in as a program learns it; shared by both events. */
struct notify_meta {
	__u32 src_label;	/* source security identity */
	__u32 dst_label;	/* destination security identity */
	__u32 dst_id;		/* destination endpoint id, 0 if not local */
	__u32 ifindex;		/* the interface the decision concerns */
	__u16 source;		/* the local endpoint the program acts for */
	__u16 pad;
};

/* Common capture header, 16 bytes (Cilium's NOTIFY_CAPTURE_HDR). */
#define NOTIFY_CAPTURE_HDR						\
	__u8 type;		/* CILIUM_NOTIFY_* */			\
	__u8 subtype;		/* drop reason / observation point */	\
	__u16 source;		/* local endpoint id */			\
	__u32 hash;		/* reserved: 0 (see docs) */		\
	__u32 len_orig;		/* length of the packet */		\
	__u16 len_cap;		/* packet bytes appended */		\
	__u8 version;		/* NOTIFY_CAPTURE_VER */		\
	__u8 ext_version;

struct drop_notify {
	NOTIFY_CAPTURE_HDR
	__u32 src_label;
	__u32 dst_label;
	__u32 dst_id;
	__u16 line;		/* source line of the decision */
	__u8 file;		/* source file id (drop_reasons.h) */
	__s8 ext_error;		/* reserved: 0 */
	__u32 ifindex;
	__u8 flags;		/* NOTIFY_F_* */
	__u8 pad[3];
};				/* 40 bytes */

struct trace_notify {
	NOTIFY_CAPTURE_HDR
	__u32 src_label;
	__u32 dst_label;
	__u16 dst_id;
	__u8 reason;		/* enum trace_reason */
	__u8 flags;		/* NOTIFY_F_* */
	__u32 ifindex;
	union ip_addr orig_ip;	/* address before translation (DNAT/SNAT), or 0 */
};				/* 48 bytes */

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} cilium_events SEC(".maps");

static __always_inline __u64 capture_len(struct __sk_buff *ctx)
{
	__u64 len = ctx->len;

	return len < TRACE_PAYLOAD_LEN ? len : TRACE_PAYLOAD_LEN;
}

/* Reports the drop and counts it; returns the verdict for the kernel. */
static __always_inline int send_drop_notify(struct __sk_buff *ctx, const struct notify_meta *m,
					    int code, __u8 dir)
{
	__u64 cap = capture_len(ctx);
	struct drop_notify msg;

	__builtin_memset(&msg, 0, sizeof(msg));
	msg.type = CILIUM_NOTIFY_DROP;
	msg.subtype = drop_reason(code);
	msg.source = m->source;
	msg.len_orig = ctx->len;
	msg.len_cap = (__u16)cap;
	msg.version = NOTIFY_CAPTURE_VER;
	msg.src_label = m->src_label;
	msg.dst_label = m->dst_label;
	msg.dst_id = m->dst_id;
	msg.line = drop_line(code);
	msg.file = drop_file(code);
	msg.ifindex = m->ifindex;
	bpf_perf_event_output(ctx, &cilium_events, (cap << 32) | BPF_F_CURRENT_CPU, &msg, sizeof(msg));
	update_metrics(ctx->len, dir, msg.subtype);
	return TC_ACT_SHOT;
}

/* Reports a packet passing an observation point; the "to" points also count it
 * as forwarded (ingress for delivery into a pod, egress otherwise). */
static __always_inline void send_trace_notify(struct __sk_buff *ctx, enum trace_point obs,
					      const struct notify_meta *m, __u8 reason, __be32 orig_ip4)
{
	__u64 cap = capture_len(ctx);
	struct trace_notify msg;

	__builtin_memset(&msg, 0, sizeof(msg));
	msg.type = CILIUM_NOTIFY_TRACE;
	msg.subtype = obs;
	msg.source = m->source;
	msg.len_orig = ctx->len;
	msg.len_cap = (__u16)cap;
	msg.version = NOTIFY_CAPTURE_VER;
	msg.src_label = m->src_label;
	msg.dst_label = m->dst_label;
	msg.dst_id = (__u16)m->dst_id;
	msg.reason = reason;
	msg.ifindex = m->ifindex;
	msg.orig_ip.ip4 = orig_ip4;
	bpf_perf_event_output(ctx, &cilium_events, (cap << 32) | BPF_F_CURRENT_CPU, &msg, sizeof(msg));

	switch (obs) {
	case TRACE_TO_LXC:
		update_metrics(ctx->len, METRIC_INGRESS, REASON_FORWARDED);
		break;
	case TRACE_TO_STACK:
	case TRACE_TO_OVERLAY:
	case TRACE_TO_NETWORK:
		update_metrics(ctx->len, METRIC_EGRESS, REASON_FORWARDED);
		break;
	default:
		break;
	}
}
