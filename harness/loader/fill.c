/* `fill INSTANCE FILE`: many map entries in one request. The file has sections:
 *     # comment
 *     map NAME
 *     KEYHEX VALUEHEX [FLAGS]       (any map but a prog array)
 *     map PROG_ARRAY
 *     INDEX PROGNAME                (decimal slot, program of the same instance)
 * Stops at the first bad line and names it; entries before it stay written. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "hex.h"
#include "loader.h"

static int fill_entry(struct loader *l, struct instance *in, struct bpf_map *map, int argc,
		      char **argv, struct strbuf *out)
{
	uint64_t n;
	if (bpf_map__type(map) == BPF_MAP_TYPE_PROG_ARRAY) {
		if (argc != 2 || parse_u64(argv[0], UINT32_MAX, &n)) {
			sb_addf(out, "want INDEX PROGNAME");
			return EINVAL;
		}
		return map_set_prog(in, map, (uint32_t)n, argv[1], out);
	}
	uint64_t flags = 0;
	size_t klen = 0, vlen = 0;
	if ((argc != 2 && argc != 3) || (argc == 3 && parse_u64(argv[2], ~0ull, &flags))) {
		sb_addf(out, "want KEYHEX VALUEHEX [FLAGS]");
		return EINVAL;
	}
	uint8_t *key = hex_decode(argv[0], &klen), *value = hex_decode(argv[1], &vlen);
	int err = 0;
	if (!key || !value || klen != bpf_map__key_size(map) || vlen != map_value_bytes(l, map)) {
		sb_addf(out, "%s wants %u-byte keys and %zu-byte values in hex", bpf_map__name(map),
			bpf_map__key_size(map), map_value_bytes(l, map));
		err = EINVAL;
	} else if (bpf_map_update_elem(bpf_map__fd(map), key, value, flags)) {
		err = errno;
		sb_addf(out, "update %s: %s", bpf_map__name(map), error_text(err));
	}
	free(key);
	free(value);
	return err;
}

static int fill_line(struct loader *l, struct instance *in, struct bpf_map **map, char *line,
		     struct strbuf *out)
{
	char *argv[4];
	int argc = 0;
	for (char *tok = strtok(line, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
		if (tok[0] == '#')
			break;
		if (argc == 4) {
			sb_addf(out, "too many fields");
			return EINVAL;
		}
		argv[argc++] = tok;
	}
	if (argc == 0)
		return 0;
	if (strcmp(argv[0], "map") == 0) {
		*map = argc == 2 ? instance_map(in, argv[1]) : NULL;
		if (!*map)
			sb_addf(out, "no map %s", argc == 2 ? argv[1] : "(name missing)");
		return *map ? 0 : EINVAL;
	}
	if (!*map) {
		sb_addf(out, "an entry before any 'map NAME' line");
		return EINVAL;
	}
	return fill_entry(l, in, *map, argc, argv, out);
}

int cmd_fill(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	if (argc != 3) {
		sb_addf(out, "usage: fill INSTANCE FILE");
		return EINVAL;
	}
	struct instance *in = find_instance(l, argv[1], out);
	if (!in)
		return EINVAL;
	if (!in->loaded) {
		sb_addf(out, "instance %s is not loaded", argv[1]);
		return EINVAL;
	}
	FILE *f = fopen(argv[2], "r");
	if (!f) {
		int err = errno;
		sb_addf(out, "cannot open %s: %s", argv[2], error_text(err));
		return err;
	}
	struct bpf_map *map = NULL;
	struct strbuf why = {0};
	char *line = NULL;
	size_t cap = 0;
	int err = 0, lineno = 0, entries = 0;
	while (!err && getline(&line, &cap, f) >= 0) {
		lineno++;
		char *first = line + strspn(line, " \t");
		bool entry = *first && *first != '\n' && *first != '#' && strncmp(first, "map ", 4);
		err = fill_line(l, in, &map, line, &why);
		entries += entry && !err;
	}
	if (err)
		sb_addf(out, "%s:%d: %s", argv[2], lineno, why.buf ? why.buf : "");
	else
		sb_addf(out, "entries=%d", entries);
	free(line);
	sb_free(&why);
	fclose(f);
	return err;
}
