/* Hex arguments of the line protocol; "-" stands for zero bytes. */
#ifndef DPSIM_HEX_H
#define DPSIM_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Returns a malloc'd buffer (never NULL on success, even for zero bytes) or NULL if not hex. */
uint8_t *hex_decode(const char *text, size_t *len);
/* Strict decimal parse into [0, max]; returns 0 or -1. */
int parse_u64(const char *text, uint64_t max, uint64_t *out);

#endif
