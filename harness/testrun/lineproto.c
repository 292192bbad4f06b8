/* The request/reply line protocol shared by dpsim-testrun and dpsim-loader (see lineproto.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lineproto.h"

int lineproto_split(char *line, char **argv)
{
	int argc = 0;
	for (char *tok = strtok(line, " \t"); tok; tok = strtok(NULL, " \t")) {
		if (argc == LINEPROTO_MAX_ARGS)
			return -1;
		argv[argc++] = tok;
	}
	return argc;
}

int lineproto_command(char *line, char **argv, int *argc, const void *table, size_t count, size_t stride,
		      struct strbuf *body)
{
	*argc = lineproto_split(line, argv);
	if (*argc <= 0) {
		sb_addf(body, *argc ? "too many arguments" : "empty request");
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		const char *name = *(const char *const *)((const char *)table + i * stride);
		if (strcmp(argv[0], name) == 0)
			return (int)i;
	}
	sb_addf(body, "unknown command ");
	sb_add_escaped(body, argv[0], strlen(argv[0]));
	return -1;
}

void lineproto_respond(int err, const struct strbuf *body, struct strbuf *line)
{
	sb_reset(line);
	if (err) {
		sb_addf(line, "err %d ", err);
		sb_add_escaped(line, body->buf ? body->buf : "", body->len);
	} else {
		sb_addf(line, "ok%s%s", body->len ? " " : "", body->len ? body->buf : "");
	}
	sb_addf(line, "\n");
	if (fwrite(line->buf, 1, line->len, stdout) != line->len || fflush(stdout))
		exit(1); /* the client is gone */
}
