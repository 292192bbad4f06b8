/* Connection tracking (cilium_ct4_global): one entry per flow and direction as
 * seen from the local endpoint, keyed by the flow's first packet. A packet whose
 * reversed tuple (with the opposite direction) has an entry is a reply. TCP
 * state decides the lifetime; lifetimes are bpf_ktime_get_ns() in seconds, so a
 * virtual clock and the kernel's both work. */
#pragma once

#include "common.h"
#include "tuple.h"

#define CT_EGRESS	0	/* started by a local endpoint */
#define CT_INGRESS	1	/* started towards a local endpoint */
#define CT_SERVICE	2	/* client -> service VIP: remembers the backend */

enum ct_status {
	CT_NEW = 0,
	CT_ESTABLISHED = 1,
	CT_REPLY = 2,
	CT_RELATED = 3,
};

/* Seconds (Cilium's defaults). */
#define CT_LIFETIME_TCP		21600
#define CT_LIFETIME_NONTCP	60
#define CT_SYN_TIMEOUT		60
#define CT_CLOSE_TIMEOUT	10

#define CT_F_TX_CLOSING		0x01	/* FIN from the initiator */
#define CT_F_RX_CLOSING		0x02	/* FIN from the responder */
#define CT_F_SEEN_REPLY		0x04	/* a packet in the reply direction passed */
#define CT_F_CLOSING		(CT_F_TX_CLOSING | CT_F_RX_CLOSING)

struct ct_entry {
	__u64 packets;		/* both directions */
	__u64 bytes;
	__u32 lifetime;		/* valid while now (s) <= lifetime */
	__u32 src_sec_id;	/* source identity when created */
	__u32 backend_id;	/* CT_SERVICE: the chosen backend */
	__u16 rev_nat_index;	/* translate replies back to this service (0: none) */
	__u8 flags;		/* CT_F_* */
	__u8 tcp_flags;		/* TCP flags seen, both directions */
};

/* What a lookup tells the caller about the flow. */
struct ct_state {
	__u32 src_sec_id;
	__u32 backend_id;
	__u16 rev_nat_index;
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct ipv4_ct_tuple);
	__type(value, struct ct_entry);
} cilium_ct4_global SEC(".maps");

static __always_inline __u32 ct_now(void)
{
	return (__u32)(bpf_ktime_get_ns() / NSEC_PER_SEC);
}

static __always_inline __u32 ct_timeout(__u8 flags, __u8 proto)
{
	if (proto != IPPROTO_TCP)
		return CT_LIFETIME_NONTCP;
	if ((flags & CT_F_CLOSING) == CT_F_CLOSING)
		return CT_CLOSE_TIMEOUT;
	if (flags & CT_F_SEEN_REPLY)
		return CT_LIFETIME_TCP;
	return CT_SYN_TIMEOUT;
}

/* TCP flags move the state on: RST closes both ways, FIN the sender's way. */
static __always_inline __u8 ct_next_flags(__u8 flags, __u8 tcp_flags, bool reply)
{
	if (reply)
		flags |= CT_F_SEEN_REPLY;
	if (tcp_flags & TCP_FLAG_RST)
		flags |= CT_F_CLOSING;
	if (tcp_flags & TCP_FLAG_FIN)
		flags |= reply ? CT_F_RX_CLOSING : CT_F_TX_CLOSING;
	return flags;
}

static __always_inline void ct_account(struct ct_entry *e, __u8 proto, __u8 tcp_flags, bool reply,
				       __u32 len, __u32 now)
{
	__u8 flags = ct_next_flags(e->flags, tcp_flags, reply);

	__sync_fetch_and_add(&e->packets, 1);
	__sync_fetch_and_add(&e->bytes, len);
	e->flags = flags;
	e->tcp_flags |= tcp_flags;
	e->lifetime = now + ct_timeout(flags, proto);
}

static __always_inline void ct_fill_state(struct ct_state *st, const struct ct_entry *e)
{
	st->src_sec_id = e->src_sec_id;
	st->backend_id = e->backend_id;
	st->rev_nat_index = e->rev_nat_index;
}

/* A new SYN on a connection that closed both ways starts a new connection. */
static __always_inline bool ct_reopens(const struct ct_entry *e, __u8 proto, __u8 tcp_flags)
{
	return proto == IPPROTO_TCP && (e->flags & CT_F_CLOSING) == CT_F_CLOSING &&
	       (tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN;
}

/* tuple: the packet as it is, flags = the direction it travels (CT_EGRESS or
 * CT_INGRESS). Returns CT_ESTABLISHED, CT_REPLY (entry accounted) or CT_NEW. */
static __noinline __maybe_unused int ct_lookup4(const struct ipv4_ct_tuple *tuple, __u8 tcp_flags,
						__u32 len, struct ct_state *st)
{
	struct ipv4_ct_tuple rev;
	struct ct_entry *e;
	__u32 now = ct_now();

	e = bpf_map_lookup_elem(&cilium_ct4_global, tuple);
	if (e && now <= e->lifetime && !ct_reopens(e, tuple->nexthdr, tcp_flags)) {
		ct_account(e, tuple->nexthdr, tcp_flags, false, len, now);
		ct_fill_state(st, e);
		return CT_ESTABLISHED;
	}

	rev.saddr = tuple->daddr;
	rev.daddr = tuple->saddr;
	rev.sport = tuple->dport;
	rev.dport = tuple->sport;
	rev.nexthdr = tuple->nexthdr;
	rev.flags = tuple->flags == CT_EGRESS ? CT_INGRESS : CT_EGRESS;
	rev.pad = 0;
	e = bpf_map_lookup_elem(&cilium_ct4_global, &rev);
	if (e && now <= e->lifetime) {
		ct_account(e, tuple->nexthdr, tcp_flags, true, len, now);
		ct_fill_state(st, e);
		return CT_REPLY;
	}
	return CT_NEW;
}

/* A CT_SERVICE entry: still valid -> accounted and returned, else NULL. */
static __always_inline struct ct_entry *ct_lookup4_service(const struct ipv4_ct_tuple *tuple, __u8 tcp_flags,
							   __u32 len)
{
	struct ct_entry *e = bpf_map_lookup_elem(&cilium_ct4_global, tuple);
	__u32 now = ct_now();

	if (!e || now > e->lifetime)
		return NULL;
	ct_account(e, tuple->nexthdr, tcp_flags, false, len, now);
	return e;
}

/* Records a new flow after policy allowed it. */
static __noinline __maybe_unused int ct_create4(const struct ipv4_ct_tuple *tuple, __u8 tcp_flags,
						__u32 len, const struct ct_state *st)
{
	struct ct_entry e;
	__u32 now = ct_now();

	__builtin_memset(&e, 0, sizeof(e));
	e.packets = 1;
	e.bytes = len;
	e.src_sec_id = st->src_sec_id;
	e.backend_id = st->backend_id;
	e.rev_nat_index = st->rev_nat_index;
	e.flags = ct_next_flags(0, tcp_flags, false);
	e.tcp_flags = tcp_flags;
	e.lifetime = now + ct_timeout(e.flags, tuple->nexthdr);
	if (bpf_map_update_elem(&cilium_ct4_global, tuple, &e, BPF_ANY) < 0)
		return DROP(DROP_CT_CREATE_FAILED);
	return 0;
}
