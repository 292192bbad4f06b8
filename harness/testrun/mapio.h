/* Map operations both harness helpers (dpsim-testrun, dpsim-loader) run on a resolved map,
 * with hex keys and values and one reply format. Per-CPU maps take and give every possible
 * CPU's value, each rounded up to 8 bytes, as the bpf syscall does. */
#ifndef DPSIM_MAPIO_H
#define DPSIM_MAPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpf/libbpf.h>

#include "strbuf.h"

/* Each helper program defines it (strerror plus names for the kernel-internal errnos). */
const char *error_text(int err);

bool mapio_is_percpu(enum bpf_map_type type);
/* Bytes of one value as the syscall moves it (all CPUs for per-CPU maps). */
size_t mapio_value_bytes(const struct bpf_map *map, int ncpus);
/* Decodes a hex argument that must be exactly `want` bytes long (malloc'd into *bytes). */
int mapio_decode_sized(const char *hex, size_t want, const char *what, uint8_t **bytes, struct strbuf *out);
/* Turns a negative libbpf return into an errno and a message naming the map. */
int mapio_failed(int ret, const char *what, const char *map, struct strbuf *out);

int mapio_update(struct bpf_map *map, int ncpus, const char *name, const char *keyhex, const char *valuehex,
		 uint64_t flags, struct strbuf *out);
/* Appends the value's hex to out; ENOENT when the key is missing. */
int mapio_lookup(struct bpf_map *map, int ncpus, const char *name, const char *keyhex, struct strbuf *out);
int mapio_delete(struct bpf_map *map, const char *name, const char *keyhex, struct strbuf *out);
/* Before load: HEX written at `offset` into a global-data map's initial value (its size kept). */
int mapio_patch_initial(struct bpf_map *map, uint64_t offset, const char *hex, struct strbuf *out);
/* "KEY=VALUE KEY=VALUE ..." in the kernel's order; empty prog-array slots are left out. */
int mapio_dump(struct bpf_map *map, int ncpus, const char *name, struct strbuf *out);

#endif
