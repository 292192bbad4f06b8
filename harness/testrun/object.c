/* Opening, configuring and loading the eBPF object; name lookups for maps and programs. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "mapio.h"
#include "testrun.h"

/* Large enough for the log of a big failing program: the log's tail holds the reason. */
#define VERIFIER_LOG_SIZE (16u << 20)

static struct strbuf messages;
static int verbose;

static int capture_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	char line[4096];
	int n = vsnprintf(line, sizeof(line), fmt, args);
	if (n < 0)
		return 0;
	if (verbose)
		fputs(line, stderr);
	if (level != LIBBPF_DEBUG && messages.len < (1u << 20))
		sb_addf(&messages, "%s", line);
	return 0;
}

static void libbpf_messages_reset(void) { sb_reset(&messages); }

/* libbpf's lines end in newlines; a one-line message should not. */
static void add_messages(struct strbuf *out)
{
	size_t len = messages.len;
	while (len && (messages.buf[len - 1] == '\n' || messages.buf[len - 1] == ' '))
		len--;
	sb_addf(out, ": %.*s", (int)len, messages.buf);
}

/* libbpf 1.1 does not know newer section names (tc/ingress, tcx/...): anything it cannot
 * type becomes a tc classifier, and sections starting with "xdp" become XDP. */
static void choose_prog_types(struct bpf_object *obj)
{
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, obj) {
		const char *sec = bpf_program__section_name(prog);
		if (strncmp(sec, "xdp", 3) == 0)
			bpf_program__set_type(prog, BPF_PROG_TYPE_XDP);
		else if (bpf_program__type(prog) == BPF_PROG_TYPE_UNSPEC)
			bpf_program__set_type(prog, BPF_PROG_TYPE_SCHED_CLS);
	}
}

int testrun_open(struct testrun *t, const char *path, struct strbuf *out)
{
	verbose = getenv("DPSIM_TESTRUN_VERBOSE") != NULL;
	libbpf_set_print(capture_print);
	libbpf_messages_reset();
	t->obj = bpf_object__open_file(path, NULL);
	if (!t->obj) {
		int err = errno ? errno : EINVAL;
		sb_addf(out, "cannot open %s: %s", path, error_text(err));
		if (messages.len)
			add_messages(out);
		return err;
	}
	choose_prog_types(t->obj);
	return 0;
}

void testrun_close(struct testrun *t)
{
	events_free(t);
	bpf_object__close(t->obj);
	t->obj = NULL;
	free(t->verifier_log);
	t->verifier_log = NULL;
}

/* libbpf names global-data maps "<obj prefix>.rodata"; callers may say ".rodata". */
struct bpf_map *find_map(struct testrun *t, const char *name)
{
	struct bpf_map *map;
	bpf_object__for_each_map(map, t->obj) {
		if (strcmp(bpf_map__name(map), name) == 0)
			return map;
	}
	if (name[0] != '.')
		return NULL;
	size_t n = strlen(name);
	bpf_object__for_each_map(map, t->obj) {
		const char *full = bpf_map__name(map);
		size_t m = strlen(full);
		if (bpf_map__is_internal(map) && m > n && strcmp(full + m - n, name) == 0)
			return map;
	}
	return NULL;
}

struct bpf_program *find_prog(struct testrun *t, const char *name)
{
	return bpf_object__find_program_by_name(t->obj, name);
}

int cmd_rodata(struct testrun *t, int argc, char **argv, struct strbuf *out)
{
	uint64_t offset;
	if (argc != 4 || parse_u64(argv[2], 1u << 30, &offset)) {
		sb_addf(out, "usage: rodata SECTION_OR_MAP OFFSET HEX");
		return EINVAL;
	}
	if (t->loaded) {
		sb_addf(out, "rodata must be set before load");
		return EBUSY;
	}
	struct bpf_map *map = find_map(t, argv[1]);
	if (!map) {
		sb_addf(out, "no map %s", argv[1]);
		return EINVAL; /* a bad name is bad input; ENOENT means a missing key */
	}
	return mapio_patch_initial(map, offset, argv[3], out);
}

/* The verifier log names no program, so blame the first one libbpf did not load. */
static const char *first_unloaded_prog(struct bpf_object *obj)
{
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__autoload(prog) && bpf_program__fd(prog) < 0)
			return bpf_program__name(prog);
	}
	return "?";
}

int cmd_load(struct testrun *t, int argc, char **argv, struct strbuf *out)
{
	(void)argv;
	if (argc != 1) {
		sb_addf(out, "usage: load");
		return EINVAL;
	}
	if (t->loaded) {
		sb_addf(out, "already loaded");
		return EBUSY;
	}
	if (!t->verifier_log) {
		t->verifier_log = malloc(VERIFIER_LOG_SIZE);
		t->verifier_log_size = VERIFIER_LOG_SIZE;
	}
	t->verifier_log[0] = '\0';
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, t->obj)
		bpf_program__set_log_buf(prog, t->verifier_log, t->verifier_log_size);
	libbpf_messages_reset();
	int err = bpf_object__load(t->obj);
	if (!err) {
		t->loaded = true;
		return 0;
	}
	sb_addf(out, "load failed");
	size_t log_len = strlen(t->verifier_log);
	while (log_len && t->verifier_log[log_len - 1] == '\n')
		log_len--;
	if (log_len)
		sb_addf(out, ": prog '%s': verifier log:\n%.*s", first_unloaded_prog(t->obj),
			(int)log_len, t->verifier_log);
	else if (messages.len)
		add_messages(out);
	/* libbpf refuses a second load of the same object: the caller must start again. */
	return -err;
}
