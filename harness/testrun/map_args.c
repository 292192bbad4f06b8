/* Argument handling shared by the map commands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "map_args.h"

int loaded_map(struct testrun *t, const char *name, struct bpf_map **map, struct strbuf *out)
{
	if (!t->loaded) {
		sb_addf(out, "object not loaded");
		return EINVAL;
	}
	*map = find_map(t, name);
	if (!*map) {
		sb_addf(out, "no map %s", name);
		return EINVAL; /* a bad name is bad input; ENOENT means a missing key */
	}
	return 0;
}
