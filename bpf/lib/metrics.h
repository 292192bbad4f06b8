/* Packet and byte counters per (reason, direction), like Cilium's cilium_metrics:
 * reason 0 counts forwarded packets, other reasons are drop reasons (positive). */
#pragma once

#include "common.h"

#define METRIC_INGRESS	1
#define METRIC_EGRESS	2

#define REASON_FORWARDED 0

struct metrics_key {
	__u8 reason;	/* REASON_FORWARDED or a drop reason (132, 133, ...) */
	__u8 dir;	/* METRIC_INGRESS / METRIC_EGRESS */
	__u16 pad1;
	__u32 pad2;
};

struct metrics_value {
	__u64 count;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct metrics_key);
	__type(value, struct metrics_value);
} cilium_metrics SEC(".maps");

static __always_inline void update_metrics(__u32 bytes, __u8 dir, __u8 reason)
{
	struct metrics_key key = { .reason = reason, .dir = dir };
	struct metrics_value *v = bpf_map_lookup_elem(&cilium_metrics, &key);

	if (v) {
		/* per-CPU slot: no other CPU writes it */
		v->count += 1;
		v->bytes += bytes;
	} else {
		struct metrics_value init = { .count = 1, .bytes = bytes };

		bpf_map_update_elem(&cilium_metrics, &key, &init, BPF_ANY);
	}
}
