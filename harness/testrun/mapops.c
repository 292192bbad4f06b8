/* Map commands on a loaded object: update, lookup, delete, dump, clear.
 * Per-CPU maps take and give every possible CPU's value, each rounded up to 8 bytes, as
 * the bpf syscall does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "hex.h"
#include "map_args.h"
#include "testrun.h"

static bool is_percpu(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

static bool is_hash(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_HASH || type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_HASH_OF_MAPS || type == BPF_MAP_TYPE_LPM_TRIE;
}

static size_t value_bytes(struct testrun *t, struct bpf_map *map)
{
	size_t size = bpf_map__value_size(map);
	if (is_percpu(bpf_map__type(map)))
		return ((size + 7) & ~(size_t)7) * (size_t)t->ncpus;
	return size;
}

int cmd_update(struct testrun *t, int argc, char **argv, struct strbuf *out)
{
	uint64_t flags = 0;
	struct bpf_map *map;
	if ((argc != 4 && argc != 5) || (argc == 5 && parse_u64(argv[4], ~0ull, &flags))) {
		sb_addf(out, "usage: update MAP KEYHEX VALUEHEX [FLAGS]");
		return EINVAL;
	}
	int err = loaded_map(t, argv[1], &map, out);
	if (err)
		return err;
	uint8_t *key = NULL, *value = NULL;
	err = decode_sized(argv[2], bpf_map__key_size(map), "key", &key, out);
	if (!err)
		err = decode_sized(argv[3], value_bytes(t, map), "value", &value, out);
	if (!err) {
		int ret = bpf_map_update_elem(bpf_map__fd(map), key, value, flags);
		if (ret)
			err = syscall_failed(ret, "update", argv[1], out);
	}
	free(key);
	free(value);
	return err;
}

int cmd_lookup(struct testrun *t, int argc, char **argv, struct strbuf *out)
{
	struct bpf_map *map;
	if (argc != 3) {
		sb_addf(out, "usage: lookup MAP KEYHEX");
		return EINVAL;
	}
	int err = loaded_map(t, argv[1], &map, out);
	if (err)
		return err;
	uint8_t *key = NULL;
	err = decode_sized(argv[2], bpf_map__key_size(map), "key", &key, out);
	if (err)
		return err;
	size_t size = value_bytes(t, map);
	uint8_t *value = calloc(1, size + 1);
	int ret = bpf_map_lookup_elem(bpf_map__fd(map), key, value);
	if (ret)
		err = syscall_failed(ret, "lookup", argv[1], out);
	else
		sb_add_hex(out, value, size);
	free(key);
	free(value);
	return err;
}

int cmd_delete(struct testrun *t, int argc, char **argv, struct strbuf *out)
{
	struct bpf_map *map;
	if (argc != 3) {
		sb_addf(out, "usage: delete MAP KEYHEX");
		return EINVAL;
	}
	int err = loaded_map(t, argv[1], &map, out);
	if (err)
		return err;
	uint8_t *key = NULL;
	err = decode_sized(argv[2], bpf_map__key_size(map), "key", &key, out);
	if (err)
		return err;
	int ret = bpf_map_delete_elem(bpf_map__fd(map), key);
	if (ret)
		err = syscall_failed(ret, "delete", argv[1], out);
	free(key);
	return err;
}

int cmd_dump(struct testrun *t, int argc, char **argv, struct strbuf *out)
{
	struct bpf_map *map;
	if (argc != 2) {
		sb_addf(out, "usage: dump MAP");
		return EINVAL;
	}
	int err = loaded_map(t, argv[1], &map, out);
	if (err)
		return err;
	int fd = bpf_map__fd(map);
	size_t key_size = bpf_map__key_size(map), size = value_bytes(t, map);
	uint8_t *key = calloc(1, key_size + 1), *next = calloc(1, key_size + 1);
	uint8_t *value = calloc(1, size + 1);
	struct strbuf entries = {0};
	bool first = true;
	int ret;
	while ((ret = bpf_map_get_next_key(fd, first ? NULL : key, next)) == 0) {
		first = false;
		memcpy(key, next, key_size);
		ret = bpf_map_lookup_elem(fd, key, value);
		if (ret == -ENOENT) /* an empty slot of a prog/map array, or deleted meanwhile */
			continue;
		if (ret) {
			err = syscall_failed(ret, "lookup", argv[1], out);
			break;
		}
		sb_addf(&entries, "%s", entries.len ? " " : "");
		sb_add_hex(&entries, key, key_size);
		sb_addf(&entries, "=");
		sb_add_hex(&entries, value, size);
	}
	if (!err && ret != -ENOENT)
		err = syscall_failed(ret, "dump", argv[1], out);
	if (!err && entries.len)
		sb_addf(out, "%s", entries.buf);
	sb_free(&entries);
	free(key);
	free(next);
	free(value);
	return err;
}

/* Arrays cannot lose entries: clearing writes zeros. Everything else is deleted. */
int cmd_clear(struct testrun *t, int argc, char **argv, struct strbuf *out)
{
	struct bpf_map *map;
	if (argc != 2) {
		sb_addf(out, "usage: clear MAP");
		return EINVAL;
	}
	int err = loaded_map(t, argv[1], &map, out);
	if (err)
		return err;
	int fd = bpf_map__fd(map);
	enum bpf_map_type type = bpf_map__type(map);
	size_t key_size = bpf_map__key_size(map);
	uint8_t *key = calloc(1, key_size + 1), *next = calloc(1, key_size + 1);
	uint8_t *zeros = calloc(1, value_bytes(t, map) + 1);
	bool first = true;
	int ret, next_ret;
	if (is_hash(type)) {
		for (ret = 0; !ret && (next_ret = bpf_map_get_next_key(fd, NULL, key)) == 0;)
			ret = bpf_map_delete_elem(fd, key);
	} else {
		ret = 0;
		while (!ret && (next_ret = bpf_map_get_next_key(fd, first ? NULL : key, next)) == 0) {
			first = false;
			memcpy(key, next, key_size);
			if (type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY)
				ret = bpf_map_update_elem(fd, key, zeros, BPF_ANY);
			else if ((ret = bpf_map_delete_elem(fd, key)) == -ENOENT)
				ret = 0;
		}
	}
	if (!ret && next_ret != -ENOENT)
		ret = next_ret;
	if (ret)
		err = syscall_failed(ret, "clear", argv[1], out);
	free(key);
	free(next);
	free(zeros);
	return err;
}
