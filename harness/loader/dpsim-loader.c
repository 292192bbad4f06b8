/* dpsim-loader: loads eBPF objects into the network namespace it runs in (started with
 * `nsenter --net=/run/netns/NS`, which keeps the host's mount namespace and so its bpffs),
 * pins their maps and programs under ROOT, and attaches programs with tcx links. One
 * request line on stdin gets one response line on stdout (see docs/testbed.md).
 * Pins outlive the process on purpose (map dumps after a crash, bpftool); `cleanup`
 * detaches and unpins everything, and the testbed's teardown removes ROOT anyway. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "loader.h"
#include "lineproto.h"


static int cmd_quit(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	(void)l, (void)argc, (void)argv;
	sb_addf(out, "bye");
	return 0;
}

static int cmd_cleanup(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	(void)argv;
	if (argc != 1) {
		sb_addf(out, "usage: cleanup");
		return EINVAL;
	}
	int err = links_detach_all(l, out);
	events_close_all(l);
	instances_close(l);
	return err;
}

static const struct {
	const char *name;
	command_fn fn;
} commands[] = {
	{ "open", cmd_open },	    { "rodata", cmd_rodata }, { "load", cmd_load },
	{ "info", cmd_info },	    { "update", cmd_update }, { "lookup", cmd_lookup },
	{ "delete", cmd_delete },   { "dump", cmd_dump },     { "progset", cmd_progset },
	{ "fill", cmd_fill },	    { "attach", cmd_attach }, { "detach", cmd_detach },
	{ "links", cmd_links },	    { "cleanup", cmd_cleanup }, { "quit", cmd_quit },
	{ "events", cmd_events },   { "drain", cmd_drain },
};

const char *error_text(int err)
{
	return err == 524 ? "operation not supported (ENOTSUPP)" : strerror(err);
}

bool valid_name(const char *name)
{
	if (!name[0] || strlen(name) >= NAME_LEN)
		return false;
	for (const char *c = name; *c; c++) {
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
			return false;
	}
	return true;
}

void pin_path(char *buf, size_t size, const char *dir, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
	for (char *c = buf + strlen(dir) + 1; *c; c++) {
		if (*c == '.')
			*c = '_';
	}
}

static int dispatch(struct loader *l, char *line, struct strbuf *body, bool *quit)
{
	char *argv[LINEPROTO_MAX_ARGS];
	int argc;
	int k = lineproto_command(line, argv, &argc, commands, sizeof(commands) / sizeof(commands[0]), sizeof(commands[0]), body);
	if (k < 0)
		return EINVAL;
	*quit = commands[k].fn == cmd_quit;
	return commands[k].fn(l, argc, argv, body);
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_PDEATHSIG, SIGTERM); /* do not outlive the client */
	if (argc != 2 || argv[1][0] != '/') {
		fprintf(stderr, "usage: dpsim-loader /sys/fs/bpf/dpsim-RUN/NODE\n");
		return 2;
	}
	static struct loader l; /* large: keep it off the stack */
	struct strbuf body = {0}, line = {0};
	int err = loader_init(&l, argv[1], &body);
	if (err) {
		lineproto_respond(err, &body, &line);
		return 1;
	}
	sb_addf(&body, "ready ncpus=%d", l.ncpus);
	lineproto_respond(0, &body, &line);

	char *request = NULL;
	size_t cap = 0;
	ssize_t n;
	bool quit = false;
	while (!quit && (n = getline(&request, &cap, stdin)) >= 0) {
		while (n > 0 && (request[n - 1] == '\n' || request[n - 1] == '\r'))
			request[--n] = '\0';
		sb_reset(&body);
		if ((size_t)n != strlen(request)) {
			sb_addf(&body, "NUL byte in request");
			lineproto_respond(EINVAL, &body, &line);
			continue;
		}
		err = dispatch(&l, request, &body, &quit);
		lineproto_respond(err, &body, &line);
	}
	free(request);
	sb_free(&body);
	sb_free(&line);
	return 0;
}
