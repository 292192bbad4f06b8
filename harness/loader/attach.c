/* tcx attachment: `attach INSTANCE PROG DEV ingress|egress` creates a BPF link with
 * BPF_TCX_INGRESS/EGRESS (kernel 6.6+) and pins it at ROOT/INSTANCE/links/DEV-DIR-PROG, so
 * the program stays attached after this process exits until the pin is removed or the
 * device goes away. iproute2 6.1 and bpftool 7.1 cannot attach tcx, hence this file.
 * tcx and legacy clsact filters are never mixed on a hook: a tcx program returning
 * TC_ACT_OK would skip the clsact filters behind it. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "loader.h"

void links_init(struct loader *l)
{
	for (int i = 0; i < MAX_LINKS; i++)
		l->links[i].fd = -1;
}

static int parse_direction(const char *text, bool *egress)
{
	if (strcmp(text, "ingress") == 0 || strcmp(text, "egress") == 0) {
		*egress = text[0] == 'e';
		return 0;
	}
	return -1;
}

static struct tcx_link *find_link(struct loader *l, struct instance *in, const char *prog,
				  const char *dev, bool egress)
{
	for (int i = 0; i < MAX_LINKS; i++) {
		struct tcx_link *k = &l->links[i];
		if (k->fd >= 0 && k->inst == in && k->egress == egress && !strcmp(k->prog, prog) &&
		    !strcmp(k->dev, dev))
			return k;
	}
	return NULL;
}

static int link_id(int fd)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : (int)info.id;
}

int cmd_attach(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	bool egress;
	if (argc != 5 || parse_direction(argv[4], &egress) || strlen(argv[3]) >= IF_NAMESIZE) {
		sb_addf(out, "usage: attach INSTANCE PROG DEV ingress|egress");
		return EINVAL;
	}
	struct instance *in = find_instance(l, argv[1], out);
	if (!in)
		return EINVAL;
	struct bpf_program *prog = in->loaded ? bpf_object__find_program_by_name(in->obj, argv[2]) : NULL;
	if (!prog) {
		sb_addf(out, "no loaded program %s in %s", argv[2], argv[1]);
		return EINVAL;
	}
	if (find_link(l, in, argv[2], argv[3], egress)) {
		sb_addf(out, "%s is already attached to %s %s", argv[2], argv[3], argv[4]);
		return EEXIST;
	}
	struct tcx_link *slot = NULL;
	for (int i = 0; i < MAX_LINKS && !slot; i++)
		slot = l->links[i].fd < 0 ? &l->links[i] : NULL;
	unsigned int ifindex = if_nametoindex(argv[3]);
	if (!slot || !ifindex) {
		sb_addf(out, slot ? "no device %s in this namespace" : "too many links", argv[3]);
		return slot ? ENODEV : ENOSPC;
	}
	int fd = bpf_link_create(bpf_program__fd(prog), (int)ifindex,
				 egress ? DPSIM_TCX_EGRESS : DPSIM_TCX_INGRESS, NULL);
	if (fd < 0) {
		sb_addf(out, "tcx attach of %s to %s %s: %s", argv[2], argv[3], argv[4], error_text(-fd));
		return -fd;
	}
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/links", in->dir);
	mkdir(dir, 0700);
	char name[NAME_LEN * 2 + 32];
	snprintf(name, sizeof(name), "%s-%s-%s", argv[3], argv[4], argv[2]);
	pin_path(slot->pin, sizeof(slot->pin), dir, name);
	if (bpf_obj_pin(fd, slot->pin)) {
		int err = errno;
		close(fd); /* the only reference: this detaches it again */
		sb_addf(out, "cannot pin link at %s: %s", slot->pin, error_text(err));
		return err;
	}
	slot->fd = fd;
	slot->inst = in;
	slot->ifindex = (int)ifindex;
	slot->egress = egress;
	snprintf(slot->prog, sizeof(slot->prog), "%s", argv[2]);
	snprintf(slot->dev, sizeof(slot->dev), "%s", argv[3]);
	sb_addf(out, "link=%d ifindex=%u pin=%s", link_id(fd), ifindex, slot->pin);
	return 0;
}

/* bpf_link_detach works even while other references (the pin) exist. */
static int detach_link(struct tcx_link *k, struct strbuf *out)
{
	int err = 0;
	if (bpf_link_detach(k->fd) && errno != ENOLINK && errno != ENODEV) {
		err = errno;
		sb_addf(out, "detach %s from %s: %s", k->prog, k->dev, error_text(err));
	}
	unlink(k->pin);
	close(k->fd);
	k->fd = -1;
	return err;
}

int cmd_detach(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	bool egress;
	if (argc != 5 || parse_direction(argv[4], &egress)) {
		sb_addf(out, "usage: detach INSTANCE PROG DEV ingress|egress");
		return EINVAL;
	}
	struct instance *in = find_instance(l, argv[1], out);
	if (!in)
		return EINVAL;
	struct tcx_link *k = find_link(l, in, argv[2], argv[3], egress);
	if (!k) {
		sb_addf(out, "%s is not attached to %s %s", argv[2], argv[3], argv[4]);
		return ENOENT;
	}
	return detach_link(k, out);
}

/* "INSTANCE/PROG@DEV:DIR=LINKID ..." */
int cmd_links(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	(void)argv;
	if (argc != 1) {
		sb_addf(out, "usage: links");
		return EINVAL;
	}
	const char *sep = "";
	for (int i = 0; i < MAX_LINKS; i++) {
		struct tcx_link *k = &l->links[i];
		if (k->fd < 0)
			continue;
		sb_addf(out, "%s%s/%s@%s:%s=%d", sep, k->inst->name, k->prog, k->dev,
			k->egress ? "egress" : "ingress", link_id(k->fd));
		sep = " ";
	}
	return 0;
}

int links_detach_all(struct loader *l, struct strbuf *out)
{
	int first = 0;
	for (int i = 0; i < MAX_LINKS; i++) {
		if (l->links[i].fd < 0)
			continue;
		int err = detach_link(&l->links[i], out);
		first = first ? first : err;
	}
	return first;
}
