// Map operations driven by a command in the packet, so a list of packets is a script:
// lookup, update (with BPF_ANY/NOEXIST/EXIST or a bad flag), delete and add-in-place on a
// hash (4 entries), an array (4), a per-CPU array (4) and an LRU hash (4). The helper's
// return code and the value looked up are written back after the command.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

enum op { OP_LOOKUP = 1, OP_UPDATE = 2, OP_DELETE = 3, OP_ADD = 4 };
enum target { HASH = 0, ARRAY = 1, PERCPU_ARRAY = 2, LRU_HASH = 3 };

struct command {
	__u8 op;
	__u8 target;
	__u16 pad;
	__u32 key;
	__u64 value;
	__u64 flags;
};

struct reply {
	__s64 rc;
	__u64 value;
};

#define CMD_OFF ETH_HLEN
#define REPLY_OFF (CMD_OFF + sizeof(struct command))

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} hash_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} array_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} percpu_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} lru_map SEC(".maps");

static __always_inline void run(void *map, struct command *cmd, struct reply *out)
{
	__u64 *value;

	switch (cmd->op) {
	case OP_LOOKUP:
		value = bpf_map_lookup_elem(map, &cmd->key);
		out->rc = value ? 0 : -2;
		out->value = value ? *value : 0;
		break;
	case OP_UPDATE:
		out->rc = bpf_map_update_elem(map, &cmd->key, &cmd->value, cmd->flags);
		break;
	case OP_DELETE:
		out->rc = bpf_map_delete_elem(map, &cmd->key);
		break;
	case OP_ADD:
		value = bpf_map_lookup_elem(map, &cmd->key);
		if (!value) {
			out->rc = -2;
			break;
		}
		*value += cmd->value;
		out->rc = 0;
		out->value = *value;
		break;
	default:
		out->rc = -22;
	}
}

SEC("tc")
int map_update_lookup_delete(struct __sk_buff *skb)
{
	struct command cmd;
	struct reply out = {};

	if (bpf_skb_load_bytes(skb, CMD_OFF, &cmd, sizeof(cmd)))
		return TC_ACT_SHOT;
	// One call site per map: the verifier needs to know which map each helper call uses.
	switch (cmd.target) {
	case HASH: run(&hash_map, &cmd, &out); break;
	case ARRAY: run(&array_map, &cmd, &out); break;
	case PERCPU_ARRAY: run(&percpu_map, &cmd, &out); break;
	case LRU_HASH: run(&lru_map, &cmd, &out); break;
	default: out.rc = -22;
	}
	if (bpf_skb_store_bytes(skb, REPLY_OFF, &out, sizeof(out), 0))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
