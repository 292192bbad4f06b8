#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static void sb_reserve(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	if (need <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap < need)
		cap *= 2;
	char *grown = realloc(sb->buf, cap);
	if (!grown) {
		/* Out of memory mid-protocol: nothing sensible to answer. */
		fputs("dpsim-testrun: out of memory\n", stderr);
		exit(12);
	}
	sb->buf = grown;
	sb->cap = cap;
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	/* Format into the spare room; if it did not fit, grow to the reported size and redo. */
	sb_reserve(sb, 64);
	for (;;) {
		size_t room = sb->cap - sb->len;
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(sb->buf + sb->len, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			sb->buf[sb->len] = '\0';
			return;
		}
		if ((size_t)n < room) {
			sb->len += (size_t)n;
			return;
		}
		sb_reserve(sb, (size_t)n);
	}
}

void sb_add_hex(struct strbuf *sb, const uint8_t *bytes, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	sb_reserve(sb, len * 2);
	for (size_t i = 0; i < len; i++) {
		sb->buf[sb->len++] = digits[bytes[i] >> 4];
		sb->buf[sb->len++] = digits[bytes[i] & 15];
	}
	sb->buf[sb->len] = '\0';
}

void sb_add_escaped(struct strbuf *sb, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n')
			sb_addf(sb, "\\n");
		else if (c == '\\')
			sb_addf(sb, "\\\\");
		else if (c < 0x20 || c >= 0x7f)
			sb_addf(sb, "\\x%02x", c);
		else
			sb_addf(sb, "%c", c);
	}
}
