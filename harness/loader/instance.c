/* Instances: one opened eBPF object each, with .rodata patches before load, and its maps and
 * programs pinned under ROOT/INSTANCE after load. Maps the object marks LIBBPF_PIN_BY_NAME
 * are pinned in ROOT/globals instead and reused by every instance of this node (Cilium's
 * global maps: conntrack, NAT, ...); ROOT is per node, so nodes never share them. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

#include <bpf/bpf.h>

#include "hex.h"
#include "mapio.h"
#include "loader.h"

#define BPF_FS_MAGIC 0xcafe4a11
#define VERIFIER_LOG_SIZE (4u << 20)

static struct strbuf messages; /* libbpf's warnings since the last reset */
static char *verifier_log;

static int capture_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !getenv("DPSIM_LOADER_VERBOSE"))
		return 0;
	char line[4096];
	if (vsnprintf(line, sizeof(line), fmt, args) < 0)
		return 0;
	if (getenv("DPSIM_LOADER_VERBOSE"))
		fputs(line, stderr);
	if (level != LIBBPF_DEBUG && messages.len < (1u << 20))
		sb_addf(&messages, "%s", line);
	return 0;
}

static void add_messages(struct strbuf *out)
{
	size_t len = messages.len;
	while (len && (messages.buf[len - 1] == '\n' || messages.buf[len - 1] == ' '))
		len--;
	if (len)
		sb_addf(out, ": %.*s", (int)len, messages.buf);
}

static int ensure_dirs(struct loader *l, struct strbuf *out)
{
	int err = make_dirs(l->globals);
	if (err)
		sb_addf(out, "cannot create %s: %s", l->globals, error_text(err));
	return err;
}

int loader_init(struct loader *l, const char *root, struct strbuf *out)
{
	libbpf_set_print(capture_print);
	l->ncpus = libbpf_num_possible_cpus();
	links_init(l);
	if (strlen(root) >= sizeof(l->root)) {
		sb_addf(out, "pin folder path too long");
		return ENAMETOOLONG;
	}
	snprintf(l->root, sizeof(l->root), "%s", root);
	snprintf(l->globals, sizeof(l->globals), "%s/globals", root);
	int err = ensure_dirs(l, out);
	if (err)
		return err;
	struct statfs fs;
	if (statfs(l->root, &fs) || fs.f_type != BPF_FS_MAGIC) {
		sb_addf(out, "%s is not on a bpffs (mount -t bpf bpf /sys/fs/bpf)", l->root);
		return ENOTSUP;
	}
	return 0;
}

struct instance *find_instance(struct loader *l, const char *name, struct strbuf *out)
{
	for (int i = 0; i < l->ninsts; i++) {
		if (strcmp(l->insts[i].name, name) == 0)
			return &l->insts[i];
	}
	sb_addf(out, "no instance %s", name);
	return NULL;
}

/* libbpf names global-data maps "<obj prefix>.rodata"; callers may say ".rodata". */
struct bpf_map *instance_map(struct instance *in, const char *name)
{
	struct bpf_map *map;
	bpf_object__for_each_map(map, in->obj) {
		if (strcmp(bpf_map__name(map), name) == 0)
			return map;
	}
	size_t n = strlen(name);
	bpf_object__for_each_map(map, in->obj) {
		const char *full = bpf_map__name(map);
		size_t m = strlen(full);
		if (name[0] == '.' && bpf_map__is_internal(map) && m > n &&
		    strcmp(full + m - n, name) == 0)
			return map;
	}
	return NULL;
}

int loaded_map(struct loader *l, const char *inst, const char *map, struct instance **in,
	       struct bpf_map **m, struct strbuf *out)
{
	*in = find_instance(l, inst, out);
	if (!*in)
		return EINVAL;
	if (!(*in)->loaded) {
		sb_addf(out, "instance %s is not loaded", inst);
		return EINVAL;
	}
	*m = instance_map(*in, map);
	if (!*m) {
		sb_addf(out, "no map %s in %s", map, inst);
		return EINVAL; /* a bad name is bad input; ENOENT means a missing key */
	}
	return 0;
}

/* libbpf 1.1 cannot type newer section names (tc/ingress, tcx/...): they become tc
 * classifiers, which is the only program type tcx links take. */
static void choose_prog_types(struct bpf_object *obj)
{
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__type(prog) == BPF_PROG_TYPE_UNSPEC)
			bpf_program__set_type(prog, BPF_PROG_TYPE_SCHED_CLS);
	}
}

int cmd_open(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	if (argc != 3) {
		sb_addf(out, "usage: open INSTANCE OBJ.o");
		return EINVAL;
	}
	struct strbuf ignored = {0};
	bool exists = find_instance(l, argv[1], &ignored) != NULL;
	sb_free(&ignored);
	if (!valid_name(argv[1]) || exists || l->ninsts == MAX_INSTANCES) {
		sb_addf(out, "bad, duplicate or one too many instance name %s", argv[1]);
		return EINVAL;
	}
	int err = ensure_dirs(l, out);
	if (err)
		return err;
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = l->globals);
	sb_reset(&messages);
	struct bpf_object *obj = bpf_object__open_file(argv[2], &opts);
	if (!obj) {
		err = errno ? errno : EINVAL;
		sb_addf(out, "cannot open %s: %s", argv[2], error_text(err));
		add_messages(out);
		return err;
	}
	choose_prog_types(obj);
	struct instance *in = &l->insts[l->ninsts++];
	memset(in, 0, sizeof(*in));
	snprintf(in->name, sizeof(in->name), "%s", argv[1]);
	char dir[DIR_LEN];
	snprintf(dir, sizeof(dir), "%s/%s", l->root, argv[1]);
	memcpy(in->dir, dir, sizeof(dir));
	in->obj = obj;
	return 0;
}

int cmd_rodata(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	uint64_t offset;
	if (argc != 5 || parse_u64(argv[3], 1u << 30, &offset)) {
		sb_addf(out, "usage: rodata INSTANCE SECTION_OR_MAP OFFSET HEX");
		return EINVAL;
	}
	struct instance *in = find_instance(l, argv[1], out);
	if (!in)
		return EINVAL;
	if (in->loaded) {
		sb_addf(out, "rodata must be set before load");
		return EBUSY;
	}
	struct bpf_map *map = instance_map(in, argv[2]);
	if (!map) {
		sb_addf(out, "no global-data map %s", argv[2]);
		return EINVAL;
	}
	return mapio_patch_initial(map, offset, argv[4], out);
}

int cmd_load(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	if (argc != 2) {
		sb_addf(out, "usage: load INSTANCE");
		return EINVAL;
	}
	struct instance *in = find_instance(l, argv[1], out);
	if (!in)
		return EINVAL;
	if (in->loaded) {
		sb_addf(out, "already loaded");
		return EBUSY;
	}
	if (!verifier_log)
		verifier_log = malloc(VERIFIER_LOG_SIZE);
	verifier_log[0] = '\0';
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, in->obj)
		bpf_program__set_log_buf(prog, verifier_log, VERIFIER_LOG_SIZE);
	sb_reset(&messages);
	int err = -bpf_object__load(in->obj);
	if (err) {
		size_t len = strlen(verifier_log);
		while (len && verifier_log[len - 1] == '\n')
			len--;
		sb_addf(out, "load failed");
		if (len)
			sb_addf(out, ": verifier log:\n%.*s", (int)len, verifier_log);
		else
			add_messages(out);
		return err; /* libbpf refuses a second load: open a new instance */
	}
	in->loaded = true;
	return pin_all(in, out);
}

/* "dir=PATH progs=a,b maps=x,y progids=a:ID,b:ID" (ids once loaded: prog arrays dump them) */
int cmd_info(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	if (argc != 2) {
		sb_addf(out, "usage: info INSTANCE");
		return EINVAL;
	}
	struct instance *in = find_instance(l, argv[1], out);
	if (!in)
		return EINVAL;
	struct bpf_program *prog;
	struct bpf_map *map;
	const char *sep = "";
	sb_addf(out, "loaded=%d dir=%s progs=", in->loaded, in->dir);
	bpf_object__for_each_program(prog, in->obj) {
		sb_addf(out, "%s%s", sep, bpf_program__name(prog));
		sep = ",";
	}
	sb_addf(out, " maps=");
	sep = "";
	bpf_object__for_each_map(map, in->obj) {
		sb_addf(out, "%s%s", sep, bpf_map__name(map));
		sep = ",";
	}
	sb_addf(out, " progids=");
	sep = "";
	bpf_object__for_each_program(prog, in->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		memset(&info, 0, sizeof(info));
		int fd = in->loaded ? bpf_program__fd(prog) : -1;
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len)) {
			sb_addf(out, "%s%s:%u", sep, bpf_program__name(prog), info.id);
			sep = ",";
		}
	}
	return 0;
}

void instances_close(struct loader *l)
{
	for (int i = 0; i < l->ninsts; i++)
		bpf_object__close(l->insts[i].obj);
	l->ninsts = 0;
	remove_tree(l->root);
}
