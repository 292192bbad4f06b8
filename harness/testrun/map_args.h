/* Argument handling shared by the map commands. */
#ifndef DPSIM_MAP_ARGS_H
#define DPSIM_MAP_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "testrun.h"

/* The named map of a loaded object, or an error message in out. */
int loaded_map(struct testrun *t, const char *name, struct bpf_map **map, struct strbuf *out);

#endif
