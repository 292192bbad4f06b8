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

int decode_sized(const char *hex, size_t want, const char *what, uint8_t **bytes,
		 struct strbuf *out)
{
	size_t len;
	*bytes = hex_decode(hex, &len);
	if (!*bytes) {
		sb_addf(out, "bad hex for %s", what);
		return EINVAL;
	}
	if (len != want) {
		free(*bytes);
		*bytes = NULL;
		sb_addf(out, "%s must be %zu bytes, got %zu", what, want, len);
		return EINVAL;
	}
	return 0;
}

int syscall_failed(int ret, const char *what, const char *map, struct strbuf *out)
{
	int err = ret < 0 ? -ret : EIO;
	sb_addf(out, "%s on %s: %s", what, map, error_text(err));
	return err;
}
