/* Map commands on a loaded object: update, lookup, delete, dump, clear.
 * Per-CPU maps take and give every possible CPU's value, each rounded up to 8 bytes, as
 * the bpf syscall does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "hex.h"
#include "map_args.h"
#include "mapio.h"
#include "testrun.h"

static bool is_hash(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_HASH || type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_HASH_OF_MAPS || type == BPF_MAP_TYPE_LPM_TRIE;
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
	return err ? err : mapio_update(map, t->ncpus, argv[1], argv[2], argv[3], flags, out);
}

int cmd_lookup(struct testrun *t, int argc, char **argv, struct strbuf *out)
{
	struct bpf_map *map;
	if (argc != 3) {
		sb_addf(out, "usage: lookup MAP KEYHEX");
		return EINVAL;
	}
	int err = loaded_map(t, argv[1], &map, out);
	return err ? err : mapio_lookup(map, t->ncpus, argv[1], argv[2], out);
}

int cmd_delete(struct testrun *t, int argc, char **argv, struct strbuf *out)
{
	struct bpf_map *map;
	if (argc != 3) {
		sb_addf(out, "usage: delete MAP KEYHEX");
		return EINVAL;
	}
	int err = loaded_map(t, argv[1], &map, out);
	return err ? err : mapio_delete(map, argv[1], argv[2], out);
}

int cmd_dump(struct testrun *t, int argc, char **argv, struct strbuf *out)
{
	struct bpf_map *map;
	if (argc != 2) {
		sb_addf(out, "usage: dump MAP");
		return EINVAL;
	}
	int err = loaded_map(t, argv[1], &map, out);
	return err ? err : mapio_dump(map, t->ncpus, argv[1], out);
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
	uint8_t *zeros = calloc(1, mapio_value_bytes(map, t->ncpus) + 1);
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
		err = mapio_failed(ret, "clear", argv[1], out);
	free(key);
	free(next);
	free(zeros);
	return err;
}
