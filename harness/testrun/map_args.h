/* Argument handling shared by the map commands. */
#ifndef DPSIM_MAP_ARGS_H
#define DPSIM_MAP_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "testrun.h"

/* The named map of a loaded object, or an error message in out. */
int loaded_map(struct testrun *t, const char *name, struct bpf_map **map, struct strbuf *out);
/* Decodes a hex argument that must be exactly `want` bytes long (malloc'd into *bytes). */
int decode_sized(const char *hex, size_t want, const char *what, uint8_t **bytes,
		 struct strbuf *out);
/* Turns a negative libbpf return into an errno and a message naming the map. */
int syscall_failed(int ret, const char *what, const char *map, struct strbuf *out);

#endif
