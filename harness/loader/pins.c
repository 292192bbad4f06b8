/* The pin folder: creating it, pinning an instance's maps and programs, removing it all. */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "loader.h"

/* mkdir -p */
int make_dirs(const char *path)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *c = buf + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return errno;
		*c = '/';
	}
	return mkdir(buf, 0700) && errno != EEXIST ? errno : 0;
}

static int make_subdir(struct instance *in, const char *name, char *dir, size_t size, struct strbuf *out)
{
	snprintf(dir, size, "%s/%s", in->dir, name);
	int err = make_dirs(dir);
	if (err)
		sb_addf(out, "cannot create %s: %s", dir, error_text(err));
	return err;
}

/* Maps pinned by name are already in ROOT/globals (libbpf did it during load). */
int pin_all(struct instance *in, struct strbuf *out)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct bpf_map *map;
	struct bpf_program *prog;
	int err = make_subdir(in, "maps", dir, sizeof(dir), out);
	bpf_object__for_each_map(map, in->obj) {
		if (err)
			return err;
		if (bpf_map__is_pinned(map))
			continue;
		pin_path(path, sizeof(path), dir, bpf_map__name(map));
		if ((err = -bpf_map__pin(map, path)))
			sb_addf(out, "cannot pin map %s at %s: %s", bpf_map__name(map), path, error_text(err));
	}
	if (!err)
		err = make_subdir(in, "progs", dir, sizeof(dir), out);
	bpf_object__for_each_program(prog, in->obj) {
		if (err)
			return err;
		pin_path(path, sizeof(path), dir, bpf_program__name(prog));
		if ((err = -bpf_program__pin(prog, path)))
			sb_addf(out, "cannot pin program %s: %s", bpf_program__name(prog), error_text(err));
	}
	return err;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
