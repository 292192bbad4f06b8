/* The line protocol of both harness helpers (dpsim-testrun, dpsim-loader): one request line of
 * space-separated words in, one "ok [BODY]" or "err ERRNO MESSAGE" line out. */
#ifndef DPSIM_LINEPROTO_H
#define DPSIM_LINEPROTO_H

#include "strbuf.h"

#define LINEPROTO_MAX_ARGS 16

/* Splits a request line in place into at most LINEPROTO_MAX_ARGS words; -1 if there are more. */
int lineproto_split(char *line, char **argv);
/* Splits a request line and finds its command: the index of argv[0] among the `count` entries
 * of `table` (each `stride` bytes long, starting with the command's name as a const char *),
 * or -1 with the reason in `body` (an EINVAL for the caller). */
int lineproto_command(char *line, char **argv, int *argc, const void *table, size_t count, size_t stride,
		      struct strbuf *body);
/* Writes the reply to stdout; exits when the client is gone. `line` is scratch space. */
void lineproto_respond(int err, const struct strbuf *body, struct strbuf *line);

#endif
