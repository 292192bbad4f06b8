/* Map commands on a loaded instance: update, lookup, delete, dump, progset. They work while
 * programs run on live traffic (conntrack/NAT dumps, policy changes). Per-CPU maps take
 * and give every possible CPU's value, each rounded up to 8 bytes, as the syscall does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "hex.h"
#include "loader.h"

static bool is_percpu(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

size_t map_value_bytes(struct loader *l, struct bpf_map *map)
{
	size_t size = bpf_map__value_size(map);
	if (is_percpu(bpf_map__type(map)))
		return ((size + 7) & ~(size_t)7) * (size_t)l->ncpus;
	return size;
}

static int decode_sized(const char *hex, size_t want, const char *what, uint8_t **bytes,
			struct strbuf *out)
{
	size_t len;
	*bytes = hex_decode(hex, &len);
	if (*bytes && len == want)
		return 0;
	free(*bytes);
	*bytes = NULL;
	sb_addf(out, "%s must be %zu bytes of hex", what, want);
	return EINVAL;
}

static int failed(int ret, const char *what, const char *map, struct strbuf *out)
{
	int err = ret < 0 ? -ret : EIO;
	sb_addf(out, "%s on %s: %s", what, map, error_text(err));
	return err;
}

int cmd_update(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	uint64_t flags = 0;
	struct instance *in;
	struct bpf_map *map;
	if ((argc != 5 && argc != 6) || (argc == 6 && parse_u64(argv[5], ~0ull, &flags))) {
		sb_addf(out, "usage: update INSTANCE MAP KEYHEX VALUEHEX [FLAGS]");
		return EINVAL;
	}
	int err = loaded_map(l, argv[1], argv[2], &in, &map, out);
	if (err)
		return err;
	uint8_t *key = NULL, *value = NULL;
	err = decode_sized(argv[3], bpf_map__key_size(map), "key", &key, out);
	if (!err)
		err = decode_sized(argv[4], map_value_bytes(l, map), "value", &value, out);
	if (!err) {
		int ret = bpf_map_update_elem(bpf_map__fd(map), key, value, flags);
		if (ret)
			err = failed(ret, "update", argv[2], out);
	}
	free(key);
	free(value);
	return err;
}

int cmd_lookup(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	struct instance *in;
	struct bpf_map *map;
	if (argc != 4) {
		sb_addf(out, "usage: lookup INSTANCE MAP KEYHEX");
		return EINVAL;
	}
	int err = loaded_map(l, argv[1], argv[2], &in, &map, out);
	uint8_t *key = NULL;
	if (!err)
		err = decode_sized(argv[3], bpf_map__key_size(map), "key", &key, out);
	if (err)
		return err;
	size_t size = map_value_bytes(l, map);
	uint8_t *value = calloc(1, size + 1);
	int ret = bpf_map_lookup_elem(bpf_map__fd(map), key, value);
	if (ret)
		err = failed(ret, "lookup", argv[2], out);
	else
		sb_add_hex(out, value, size);
	free(key);
	free(value);
	return err;
}

int cmd_delete(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	struct instance *in;
	struct bpf_map *map;
	if (argc != 4) {
		sb_addf(out, "usage: delete INSTANCE MAP KEYHEX");
		return EINVAL;
	}
	int err = loaded_map(l, argv[1], argv[2], &in, &map, out);
	uint8_t *key = NULL;
	if (!err)
		err = decode_sized(argv[3], bpf_map__key_size(map), "key", &key, out);
	if (err)
		return err;
	int ret = bpf_map_delete_elem(bpf_map__fd(map), key);
	if (ret)
		err = failed(ret, "delete", argv[2], out);
	free(key);
	return err;
}

/* "KEY=VALUE KEY=VALUE ..." in the kernel's order; empty prog-array slots are left out. */
int cmd_dump(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	struct instance *in;
	struct bpf_map *map;
	if (argc != 3) {
		sb_addf(out, "usage: dump INSTANCE MAP");
		return EINVAL;
	}
	int err = loaded_map(l, argv[1], argv[2], &in, &map, out);
	if (err)
		return err;
	int fd = bpf_map__fd(map);
	size_t key_size = bpf_map__key_size(map), size = map_value_bytes(l, map);
	uint8_t *key = calloc(1, key_size + 1), *next = calloc(1, key_size + 1);
	uint8_t *value = calloc(1, size + 1);
	struct strbuf entries = {0};
	bool first = true;
	int ret;
	while ((ret = bpf_map_get_next_key(fd, first ? NULL : key, next)) == 0) {
		first = false;
		memcpy(key, next, key_size);
		ret = bpf_map_lookup_elem(fd, key, value);
		if (ret == -ENOENT) /* an empty prog-array slot, or deleted meanwhile (LRU) */
			continue;
		if (ret) {
			err = failed(ret, "lookup", argv[2], out);
			break;
		}
		sb_addf(&entries, "%s", entries.len ? " " : "");
		sb_add_hex(&entries, key, key_size);
		sb_addf(&entries, "=");
		sb_add_hex(&entries, value, size);
	}
	if (!err && ret != -ENOENT)
		err = failed(ret, "dump", argv[2], out);
	if (!err && entries.len)
		sb_addf(out, "%s", entries.buf);
	sb_free(&entries);
	free(key);
	free(next);
	free(value);
	return err;
}

int map_set_prog(struct instance *in, struct bpf_map *map, uint32_t index, const char *prog,
		 struct strbuf *out)
{
	if (bpf_map__type(map) != BPF_MAP_TYPE_PROG_ARRAY) {
		sb_addf(out, "map %s is not a prog array", bpf_map__name(map));
		return EINVAL;
	}
	struct bpf_program *p = bpf_object__find_program_by_name(in->obj, prog);
	if (!p) {
		sb_addf(out, "no program %s in %s", prog, in->name);
		return EINVAL;
	}
	int fd = bpf_program__fd(p);
	int ret = bpf_map_update_elem(bpf_map__fd(map), &index, &fd, BPF_ANY);
	return ret ? failed(ret, "progset", bpf_map__name(map), out) : 0;
}

int cmd_progset(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	uint64_t index;
	struct instance *in;
	struct bpf_map *map;
	if (argc != 5 || parse_u64(argv[3], UINT32_MAX, &index)) {
		sb_addf(out, "usage: progset INSTANCE PROG_ARRAY INDEX PROG");
		return EINVAL;
	}
	int err = loaded_map(l, argv[1], argv[2], &in, &map, out);
	return err ? err : map_set_prog(in, map, (uint32_t)index, argv[4], out);
}
