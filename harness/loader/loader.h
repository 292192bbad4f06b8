/* State of one dpsim-loader process: the eBPF objects ("instances") loaded into one node
 * namespace, their pins under one bpffs folder and their tcx links.
 * A handler returns 0 and writes the text after "ok " into out, or returns a positive
 * errno and writes the message for "err <errno> ..." into out. */
#ifndef DPSIM_LOADER_H
#define DPSIM_LOADER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpf/libbpf.h>

#include "strbuf.h"

#define MAX_INSTANCES 64
#define MAX_LINKS 256
#define MAX_READERS 64
#define NAME_LEN 64
#define ROOT_LEN 512 /* the pin folder; paths below it stay far under PATH_MAX */
#define DIR_LEN (ROOT_LEN + NAME_LEN + 2)

/* tcx attach types (kernel 6.6+); Debian 12's uapi headers predate them. */
#define DPSIM_TCX_INGRESS 46
#define DPSIM_TCX_EGRESS 47

struct instance {
	char name[NAME_LEN];
	char dir[DIR_LEN]; /* ROOT/NAME: maps/, progs/, links/ */
	struct bpf_object *obj;
	bool loaded;
};

struct tcx_link {
	int fd; /* -1 for a free slot */
	struct instance *inst;
	char prog[NAME_LEN];
	char dev[32];
	int ifindex;
	bool egress;
	char pin[PATH_MAX];
};

/* A perf event array being read (events.c). */
struct event_reader {
	struct instance *inst;
	char map[NAME_LEN];
	struct perf_buffer *pb;
};

struct loader {
	char root[ROOT_LEN];	/* /sys/fs/bpf/dpsim-RUN/NODE */
	char globals[ROOT_LEN + 16]; /* ROOT/globals: maps pinned by name, shared by instances */
	int ncpus;
	struct instance insts[MAX_INSTANCES];
	int ninsts;
	struct tcx_link links[MAX_LINKS];
	struct event_reader readers[MAX_READERS];
	int nreaders;
};

typedef int (*command_fn)(struct loader *l, int argc, char **argv, struct strbuf *out);

/* instance.c */
int loader_init(struct loader *l, const char *root, struct strbuf *out);
struct instance *find_instance(struct loader *l, const char *name, struct strbuf *out);
struct bpf_map *instance_map(struct instance *in, const char *name);
int loaded_map(struct loader *l, const char *inst, const char *map, struct instance **in,
	       struct bpf_map **m, struct strbuf *out);
int cmd_open(struct loader *l, int argc, char **argv, struct strbuf *out);
int cmd_rodata(struct loader *l, int argc, char **argv, struct strbuf *out);
int cmd_load(struct loader *l, int argc, char **argv, struct strbuf *out);
int cmd_info(struct loader *l, int argc, char **argv, struct strbuf *out);
/* Unpins and closes every instance, then removes ROOT (links must be gone first). */
void instances_close(struct loader *l);

/* pins.c */
int make_dirs(const char *path); /* mkdir -p; returns an errno or 0 */
/* Pins the instance's maps (those libbpf has not pinned by name) and programs. */
int pin_all(struct instance *in, struct strbuf *out);
void remove_tree(const char *dir);

/* mapcmds.c */
size_t map_value_bytes(struct loader *l, struct bpf_map *map);
int map_set_prog(struct instance *in, struct bpf_map *map, uint32_t index, const char *prog,
		 struct strbuf *out);
int cmd_update(struct loader *l, int argc, char **argv, struct strbuf *out);
int cmd_lookup(struct loader *l, int argc, char **argv, struct strbuf *out);
int cmd_delete(struct loader *l, int argc, char **argv, struct strbuf *out);
int cmd_dump(struct loader *l, int argc, char **argv, struct strbuf *out);
int cmd_progset(struct loader *l, int argc, char **argv, struct strbuf *out);

/* fill.c */
int cmd_fill(struct loader *l, int argc, char **argv, struct strbuf *out);

/* attach.c */
int cmd_attach(struct loader *l, int argc, char **argv, struct strbuf *out);
int cmd_detach(struct loader *l, int argc, char **argv, struct strbuf *out);
int cmd_links(struct loader *l, int argc, char **argv, struct strbuf *out);
void links_init(struct loader *l);
/* Detaches and unpins every link; returns the first error (0 if none). */
int links_detach_all(struct loader *l, struct strbuf *out);

/* events.c */
int cmd_events(struct loader *l, int argc, char **argv, struct strbuf *out);
int cmd_drain(struct loader *l, int argc, char **argv, struct strbuf *out);
/* Stops every reader and forgets undrained samples (before instances go away). */
void events_close_all(struct loader *l);

/* dpsim-loader.c */
const char *error_text(int err);
/* Names become path components and protocol tokens: letters, digits, _ and - only. */
bool valid_name(const char *name);
/* Pin names may not contain dots in bpffs: "obj.rodata" is pinned as "obj_rodata". */
void pin_path(char *buf, size_t size, const char *dir, const char *name);

#endif
