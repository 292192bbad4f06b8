/* "progset" and "mapset": fill prog arrays (tail calls) and maps of maps by name. */
#include <errno.h>
#include <stdlib.h>

#include <bpf/bpf.h>

#include "hex.h"
#include "map_args.h"
#include "mapio.h"
#include "testrun.h"

/* Puts a 4-byte fd (a program's or an inner map's) into an fd-holding map. */
static int set_fd_value(struct bpf_map *map, const void *key, int value_fd, const char *name,
			struct strbuf *out)
{
	__u32 value = (__u32)value_fd;
	if (bpf_map__value_size(map) != sizeof(value)) {
		sb_addf(out, "map %s does not hold fds", name);
		return EINVAL;
	}
	int ret = bpf_map_update_elem(bpf_map__fd(map), key, &value, BPF_ANY);
	return ret ? mapio_failed(ret, "update", name, out) : 0;
}

int cmd_progset(struct testrun *t, int argc, char **argv, struct strbuf *out)
{
	struct bpf_map *map;
	uint64_t index;
	if (argc != 4 || parse_u64(argv[2], 0xffffffffu, &index)) {
		sb_addf(out, "usage: progset PROG_ARRAY INDEX PROG");
		return EINVAL;
	}
	int err = loaded_map(t, argv[1], &map, out);
	if (err)
		return err;
	struct bpf_program *prog = find_prog(t, argv[3]);
	if (!prog || bpf_program__fd(prog) < 0) {
		sb_addf(out, "no loaded program %s", argv[3]);
		return EINVAL; /* a bad name is bad input; ENOENT means a missing key */
	}
	if (bpf_map__key_size(map) != 4) {
		sb_addf(out, "map %s is not an array", argv[1]);
		return EINVAL;
	}
	__u32 key = (__u32)index;
	return set_fd_value(map, &key, bpf_program__fd(prog), argv[1], out);
}

int cmd_mapset(struct testrun *t, int argc, char **argv, struct strbuf *out)
{
	struct bpf_map *outer, *inner;
	if (argc != 4) {
		sb_addf(out, "usage: mapset OUTER KEYHEX INNER");
		return EINVAL;
	}
	int err = loaded_map(t, argv[1], &outer, out);
	if (!err)
		err = loaded_map(t, argv[3], &inner, out);
	if (err)
		return err;
	uint8_t *key = NULL;
	err = mapio_decode_sized(argv[2], bpf_map__key_size(outer), "key", &key, out);
	if (!err)
		err = set_fd_value(outer, key, bpf_map__fd(inner), argv[1], out);
	free(key);
	return err;
}
