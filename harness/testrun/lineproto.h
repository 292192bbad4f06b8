/* The line protocol of both harness helpers (dpsim-testrun, dpsim-loader): one request line of
 * space-separated words in, one "ok [BODY]" or "err ERRNO MESSAGE" line out. */
#ifndef DPSIM_LINEPROTO_H
#define DPSIM_LINEPROTO_H

#include "strbuf.h"

#define LINEPROTO_MAX_ARGS 16

/* Splits a request line in place into at most LINEPROTO_MAX_ARGS words; -1 if there are more. */
int lineproto_split(char *line, char **argv);
/* Writes the reply to stdout; exits when the client is gone. `line` is scratch space. */
void lineproto_respond(int err, const struct strbuf *body, struct strbuf *line);

#endif
