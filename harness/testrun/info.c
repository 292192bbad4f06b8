/* "info": programs with instruction counts (for reports) and maps with sizes. */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "testrun.h"

/* Names and section names go into comma-separated fields: escape anything unusual. */
static void add_field(struct strbuf *out, const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("._/-+:", *c))
			sb_addf(out, "%c", *c);
		else
			sb_addf(out, "\\x%02x", *c);
	}
}

static void add_type(struct strbuf *out, const char *name, unsigned number)
{
	if (name)
		sb_addf(out, "%s", name);
	else
		sb_addf(out, "%u", number);
}

static void add_prog(struct strbuf *out, struct bpf_program *prog)
{
	struct bpf_prog_info info;
	__u32 info_len = sizeof(info);
	memset(&info, 0, sizeof(info));
	int fd = bpf_program__fd(prog);
	if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &info_len))
		memset(&info, 0, sizeof(info));
	enum bpf_prog_type type = bpf_program__type(prog);
	sb_addf(out, " prog=");
	add_field(out, bpf_program__name(prog));
	sb_addf(out, ",");
	add_field(out, bpf_program__section_name(prog));
	sb_addf(out, ",");
	add_type(out, libbpf_bpf_prog_type_str(type), type);
	sb_addf(out, ",%zu,%u,%u", bpf_program__insn_cnt(prog), info.xlated_prog_len / 8,
		info.verified_insns);
}

static void add_map(struct strbuf *out, struct bpf_map *map)
{
	enum bpf_map_type type = bpf_map__type(map);
	sb_addf(out, " map=");
	add_field(out, bpf_map__name(map));
	sb_addf(out, ",");
	add_type(out, libbpf_bpf_map_type_str(type), type);
	sb_addf(out, ",%u,%u,%u,%u", bpf_map__key_size(map), bpf_map__value_size(map),
		bpf_map__max_entries(map), bpf_map__map_flags(map));
}

int cmd_info(struct testrun *t, int argc, char **argv, struct strbuf *out)
{
	(void)argv;
	if (argc != 1) {
		sb_addf(out, "usage: info");
		return EINVAL;
	}
	sb_addf(out, "loaded=%d ncpus=%d", t->loaded, t->ncpus);
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, t->obj)
		add_prog(out, prog);
	struct bpf_map *map;
	bpf_object__for_each_map(map, t->obj)
		add_map(out, map);
	return 0;
}
