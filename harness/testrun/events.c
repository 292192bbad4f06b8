/* Readers for RINGBUF and PERF_EVENT_ARRAY maps, drained after every run so a run's
 * response carries the events it emitted. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/perf_event.h>

#include "testrun.h"

#define PERF_PAGES 8 /* per CPU; a power of two as perf requires */

struct event_readers;

struct reader {
	const char *map;
	struct ring_buffer *rb;
	struct perf_buffer *pb;
	struct event_readers *owner;
};

struct event_readers {
	int count;
	struct reader *readers;
	struct strbuf events; /* ",MAP:HEX" per event, in arrival order */
	unsigned long long lost;
};

static void add_event(struct reader *r, const void *data, size_t size)
{
	sb_addf(&r->owner->events, ",%s:", r->map);
	sb_add_hex(&r->owner->events, data, size);
}

static int on_ring_sample(void *ctx, void *data, size_t size)
{
	add_event(ctx, data, size);
	return 0;
}

/* PERF_SAMPLE_RAW records and the kernel's count of records it could not write. */
struct raw_sample {
	struct perf_event_header header;
	__u32 size; /* padded to 8 bytes with this header: the size includes the padding */
	__u8 data[];
};

struct lost_record {
	struct perf_event_header header;
	__u64 id;
	__u64 lost;
};

static enum bpf_perf_event_ret on_perf_record(void *ctx, int cpu, struct perf_event_header *event)
{
	(void)cpu;
	if (event->type == PERF_RECORD_SAMPLE) {
		struct raw_sample *s = (struct raw_sample *)event;
		add_event(ctx, s->data, s->size);
	} else if (event->type == PERF_RECORD_LOST) {
		((struct reader *)ctx)->owner->lost += ((struct lost_record *)event)->lost;
	}
	return LIBBPF_PERF_EVENT_CONT;
}

/*
 * The events are read with perf_buffer__consume after every run, never waited for, so no
 * wakeups are asked for: libbpf's default (a wakeup per sample) costs an interrupt per event,
 * several microseconds in a VM, which would be timed as part of the program's run.
 */
static struct perf_buffer *open_perf(int fd, struct reader *r)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW,
		.sample_period = 1,
		.watermark = 1,
		.wakeup_watermark = PERF_PAGES * 4096, /* the whole ring: in effect never */
	};
	attr.size = sizeof(attr);
	return perf_buffer__new_raw(fd, PERF_PAGES, &attr, on_perf_record, r, NULL);
}

static int open_reader(struct reader *r, struct bpf_map *map, struct strbuf *out)
{
	int fd = bpf_map__fd(map);
	if (bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF)
		r->rb = ring_buffer__new(fd, on_ring_sample, r, NULL);
	else
		r->pb = open_perf(fd, r);
	if (r->rb || r->pb)
		return 0;
	int err = errno ? errno : EINVAL;
	sb_addf(out, "cannot read events of %s: %s", r->map, error_text(err));
	return err;
}

static bool is_event_map(struct bpf_map *map)
{
	enum bpf_map_type type = bpf_map__type(map);
	return type == BPF_MAP_TYPE_RINGBUF || type == BPF_MAP_TYPE_PERF_EVENT_ARRAY;
}

int events_setup(struct testrun *t, struct strbuf *out)
{
	struct event_readers *e = calloc(1, sizeof(*e));
	struct bpf_map *map;
	bpf_object__for_each_map(map, t->obj)
		e->count += is_event_map(map);
	e->readers = calloc((size_t)e->count + 1, sizeof(struct reader));
	t->events = e;
	int i = 0;
	bpf_object__for_each_map(map, t->obj) {
		if (!is_event_map(map))
			continue;
		struct reader *r = &e->readers[i++];
		r->map = bpf_map__name(map);
		r->owner = e;
		int err = open_reader(r, map, out);
		if (err) {
			events_free(t);
			return err;
		}
	}
	return 0;
}

void events_drain(struct testrun *t, struct strbuf *out)
{
	struct event_readers *e = t->events;
	for (int i = 0; i < e->count; i++) {
		if (e->readers[i].rb)
			ring_buffer__consume(e->readers[i].rb);
		if (e->readers[i].pb)
			perf_buffer__consume(e->readers[i].pb);
	}
	sb_addf(out, " events=%s lost=%llu", e->events.len ? e->events.buf + 1 : "", e->lost);
	sb_reset(&e->events);
	e->lost = 0;
}

void events_free(struct testrun *t)
{
	struct event_readers *e = t->events;
	if (!e)
		return;
	for (int i = 0; i < e->count; i++) {
		ring_buffer__free(e->readers[i].rb);
		perf_buffer__free(e->readers[i].pb);
	}
	free(e->readers);
	sb_free(&e->events);
	free(e);
	t->events = NULL;
}
