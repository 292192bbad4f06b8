/* ClusterIP load balancing (kube-proxy replacement): service VIP:port/proto ->
 * backend slots -> backends, the backend chosen by the datapath's flow hash and
 * remembered in a CT_SERVICE conntrack entry; replies are translated back with
 * the service's reverse NAT entry (its index is kept in the flow's CT entry). */
#pragma once

#include "common.h"
#include "ipv4.h"
#include "hash.h"
#include "conntrack.h"

struct lb4_key {
	__be32 address;		/* service VIP */
	__be16 dport;		/* service port */
	__u16 backend_slot;	/* 0: the service itself; 1..count: its backends */
	__u8 proto;		/* IPPROTO_TCP / IPPROTO_UDP */
	__u8 scope;		/* reserved, 0 */
	__u8 pad[2];
};

struct lb4_service {
	__u32 backend_id;	/* slots: the backend */
	__u16 count;		/* slot 0: number of backend slots */
	__u16 rev_nat_index;	/* slot 0: cilium_lb4_reverse_nat key */
	__u8 flags;		/* reserved */
	__u8 pad[3];
};

struct lb4_backend {
	__be32 address;
	__be16 port;
	__u8 proto;
	__u8 flags;		/* reserved */
};

struct lb4_reverse_nat {
	__be32 address;		/* the VIP replies come from */
	__be16 port;
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct lb4_key);
	__type(value, struct lb4_service);
} cilium_lb4_services_v2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct lb4_backend);
} cilium_lb4_backends_v3 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u16);
	__type(value, struct lb4_reverse_nat);
} cilium_lb4_reverse_nat SEC(".maps");

/* What a translation did, for the flow's CT entry and for traces. */
struct lb4_xlate {
	__be32 orig_daddr;	/* the VIP */
	__u16 rev_nat_index;
	__u16 pad;
};

/* The backend for this client flow: the one already chosen (CT_SERVICE entry),
 * else slot (hash % count) + 1. Returns the backend id, or 0 if none. */
static __always_inline __u32 lb4_select_backend(const struct ipv4_ctx *ip, struct lb4_key *key,
						const struct lb4_service *svc, __u32 len)
{
	struct ipv4_ct_tuple t;
	struct ct_state st = {};
	struct lb4_service *slot;
	struct ct_entry *e;
	__u32 backend_id;

	tuple_from_ipv4(&t, ip, CT_SERVICE);
	e = ct_lookup4_service(&t, ip->tcp_flags, len);
	if (e) {
		backend_id = e->backend_id;
		if (bpf_map_lookup_elem(&cilium_lb4_backends_v3, &backend_id))
			return backend_id;
	}

	key->backend_slot = (flow_hash4(ip->saddr, ip->daddr, ip->sport, ip->dport, ip->proto) % svc->count) + 1;
	slot = bpf_map_lookup_elem(&cilium_lb4_services_v2, key);
	if (!slot)
		return 0;
	backend_id = slot->backend_id;
	if (!bpf_map_lookup_elem(&cilium_lb4_backends_v3, &backend_id))
		return 0;
	st.backend_id = backend_id;
	st.rev_nat_index = svc->rev_nat_index;
	if (ct_create4(&t, ip->tcp_flags, len, &st) < 0)
		return 0;
	return backend_id;
}

/* Packets to a service VIP:port go to a backend: DNAT. Returns 0 (not a
 * service), 1 (translated; ip and x updated) or a drop. */
static __noinline __maybe_unused int lb4_local(struct __sk_buff *ctx, struct ipv4_ctx *ip, struct lb4_xlate *x)
{
	struct lb4_key key = {};
	const struct lb4_service *svc;
	const struct lb4_backend *be;
	__u32 backend_id;
	int ret;

	if (ip->proto != IPPROTO_TCP && ip->proto != IPPROTO_UDP)
		return 0;
	key.address = ip->daddr;
	key.dport = ip->dport;
	key.proto = ip->proto;
	svc = bpf_map_lookup_elem(&cilium_lb4_services_v2, &key);
	if (!svc)
		return 0;
	if (svc->count == 0)
		return DROP(DROP_NO_SERVICE);

	backend_id = lb4_select_backend(ip, &key, svc, ctx->len);
	be = backend_id ? bpf_map_lookup_elem(&cilium_lb4_backends_v3, &backend_id) : NULL;
	if (!be)
		return DROP(DROP_NO_SERVICE);

	x->orig_daddr = ip->daddr;
	x->rev_nat_index = svc->rev_nat_index;
	ret = ipv4_rewrite_addr(ctx, ip, IPV4_DADDR_OFF, ip->daddr, be->address);
	if (ret < 0)
		return ret;
	if (be->port && be->port != ip->dport) {
		ret = l4_rewrite_port(ctx, ip, l4_dport_off(ip), ip->dport, be->port);
		if (ret < 0)
			return ret;
		ip->dport = be->port;
	}
	ip->daddr = be->address;
	return 1;
}

/* A reply from a backend: its source becomes the service again. Returns 0 or a
 * drop; a vanished reverse NAT entry leaves the packet alone. */
static __noinline __maybe_unused int lb4_rev_nat(struct __sk_buff *ctx, struct ipv4_ctx *ip, __u16 index)
{
	const struct lb4_reverse_nat *nat = bpf_map_lookup_elem(&cilium_lb4_reverse_nat, &index);
	int ret;

	if (!nat)
		return 0;
	ret = ipv4_rewrite_addr(ctx, ip, IPV4_SADDR_OFF, ip->saddr, nat->address);
	if (ret < 0)
		return ret;
	if (nat->port && nat->port != ip->sport) {
		ret = l4_rewrite_port(ctx, ip, l4_sport_off(ip), ip->sport, nat->port);
		if (ret < 0)
			return ret;
		ip->sport = nat->port;
	}
	ip->saddr = nat->address;
	return 0;
}
