/* dpsim-testrun: keeps one eBPF object open and answers one line per request line on
 * stdin/stdout (see harness/README.md). Nothing is pinned: every kernel object lives
 * through this process's fds and goes away when it exits, however it exits. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "testrun.h"
#include "lineproto.h"


static int cmd_quit(struct testrun *t, int argc, char **argv, struct strbuf *out)
{
	(void)t, (void)argc, (void)argv;
	sb_addf(out, "bye");
	return 0;
}

static const struct {
	const char *name;
	command_fn fn;
} commands[] = {
	{ "rodata", cmd_rodata }, { "load", cmd_load },	      { "info", cmd_info },
	{ "update", cmd_update }, { "lookup", cmd_lookup },   { "delete", cmd_delete },
	{ "dump", cmd_dump },	  { "clear", cmd_clear },     { "progset", cmd_progset },
	{ "mapset", cmd_mapset }, { "run", cmd_run },	      { "quit", cmd_quit },
};

const char *error_text(int err)
{
	return err == 524 ? "operation not supported (ENOTSUPP)" : strerror(err);
}

/* Per-CPU map slots and bpf_get_smp_processor_id() are only repeatable on one CPU. */
static int pin_to_cpu0(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0;
}

static int dispatch(struct testrun *t, char *line, struct strbuf *body, bool *quit)
{
	char *argv[LINEPROTO_MAX_ARGS];
	int argc;
	int k = lineproto_command(line, argv, &argc, commands, sizeof(commands) / sizeof(commands[0]), sizeof(commands[0]), body);
	if (k < 0)
		return EINVAL;
	*quit = commands[k].fn == cmd_quit;
	return commands[k].fn(t, argc, argv, body);
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_PDEATHSIG, SIGTERM); /* do not outlive the client */
	if (argc == 2 && strcmp(argv[1], "--probe") == 0)
		return probe_kernel();
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: dpsim-testrun OBJ.o | dpsim-testrun --probe\n");
		return 2;
	}
	struct testrun t = { .ncpus = libbpf_num_possible_cpus() };
	int pinned = pin_to_cpu0();
	struct strbuf body = {0}, line = {0};
	int err = testrun_open(&t, argv[1], &body);
	if (err) {
		lineproto_respond(err, &body, &line);
		return 1;
	}
	sb_addf(&body, "ready ncpus=%d pinned=%d", t.ncpus, pinned);
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
		err = dispatch(&t, request, &body, &quit);
		lineproto_respond(err, &body, &line);
	}
	free(request);
	sb_free(&body);
	sb_free(&line);
	testrun_close(&t);
	return 0;
}
