/* Map commands on a loaded instance: update, lookup, delete, dump, progset. They work while
 * programs run on live traffic (conntrack/NAT dumps, policy changes). Per-CPU maps take
 * and give every possible CPU's value, each rounded up to 8 bytes, as the syscall does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "hex.h"
#include "loader.h"
#include "mapio.h"

size_t map_value_bytes(struct loader *l, struct bpf_map *map)
{
	return mapio_value_bytes(map, l->ncpus);
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
	return err ? err : mapio_update(map, l->ncpus, argv[2], argv[3], argv[4], flags, out);
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
	return err ? err : mapio_lookup(map, l->ncpus, argv[2], argv[3], out);
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
	return err ? err : mapio_delete(map, argv[2], argv[3], out);
}

int cmd_dump(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	struct instance *in;
	struct bpf_map *map;
	if (argc != 3) {
		sb_addf(out, "usage: dump INSTANCE MAP");
		return EINVAL;
	}
	int err = loaded_map(l, argv[1], argv[2], &in, &map, out);
	return err ? err : mapio_dump(map, l->ncpus, argv[2], out);
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
	return ret ? mapio_failed(ret, "progset", bpf_map__name(map), out) : 0;
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
