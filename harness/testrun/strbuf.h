/* A growing text buffer: responses can carry packets and map dumps of any size. */
#ifndef DPSIM_STRBUF_H
#define DPSIM_STRBUF_H

#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_add_hex(struct strbuf *sb, const uint8_t *bytes, size_t len);
/* Text made safe for one protocol line: \n, \\ and non-printables escaped. */
void sb_add_escaped(struct strbuf *sb, const char *text, size_t len);

#endif
