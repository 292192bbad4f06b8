/* State of one dpsim-testrun process (one eBPF object) and its command handlers.
 * A handler returns 0 and writes the text after "ok " into out, or returns a positive
 * errno and writes the message for "err <errno> ..." into out. */
#ifndef DPSIM_TESTRUN_H
#define DPSIM_TESTRUN_H

#include <stdbool.h>
#include <stddef.h>

#include <bpf/libbpf.h>

#include "strbuf.h"

struct event_readers;

struct testrun {
	struct bpf_object *obj;
	bool loaded;
	int ncpus;
	char *verifier_log; /* shared by all programs: only a failing load writes to it */
	size_t verifier_log_size;
	struct event_readers *events; /* set up on the first run */
};

typedef int (*command_fn)(struct testrun *t, int argc, char **argv, struct strbuf *out);

/* object.c */
int testrun_open(struct testrun *t, const char *path, struct strbuf *out);
void testrun_close(struct testrun *t);
struct bpf_map *find_map(struct testrun *t, const char *name);
struct bpf_program *find_prog(struct testrun *t, const char *name);
int cmd_rodata(struct testrun *t, int argc, char **argv, struct strbuf *out);
int cmd_load(struct testrun *t, int argc, char **argv, struct strbuf *out);

/* info.c */
int cmd_info(struct testrun *t, int argc, char **argv, struct strbuf *out);

/* mapops.c, fdmaps.c */
int cmd_update(struct testrun *t, int argc, char **argv, struct strbuf *out);
int cmd_lookup(struct testrun *t, int argc, char **argv, struct strbuf *out);
int cmd_delete(struct testrun *t, int argc, char **argv, struct strbuf *out);
int cmd_dump(struct testrun *t, int argc, char **argv, struct strbuf *out);
int cmd_clear(struct testrun *t, int argc, char **argv, struct strbuf *out);
int cmd_progset(struct testrun *t, int argc, char **argv, struct strbuf *out);
int cmd_mapset(struct testrun *t, int argc, char **argv, struct strbuf *out);

/* run.c */
int cmd_run(struct testrun *t, int argc, char **argv, struct strbuf *out);

/* events.c */
int events_setup(struct testrun *t, struct strbuf *out);
/* Appends "events=MAP:HEX,... lost=N" for everything emitted since the last drain. */
void events_drain(struct testrun *t, struct strbuf *out);
void events_free(struct testrun *t);

/* dpsim-testrun.c: strerror that also knows the kernel-internal ENOTSUPP (524). */
const char *error_text(int err);

/* probe.c: load and test-run a two-instruction program; prints one line. */
int probe_kernel(void);

#endif
