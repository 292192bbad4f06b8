/* Perf event readers: `events INSTANCE MAP` starts collecting the samples the instance's
 * programs write into a PERF_EVENT_ARRAY (Cilium's cilium_events), `drain` returns every
 * sample collected since the last drain, oldest first. Samples carry CLOCK_MONOTONIC
 * timestamps (the clock of bpf_ktime_get_ns), so a client can order samples of different
 * CPUs and instances and attribute them to what it did when. Polled, not streamed: the line
 * protocol stays one request, one response. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loader.h"

/* Per CPU; a power of two as perf requires. 1 MiB holds ~6000 trace events with their
 * 128 captured bytes between two drains. */
#define PERF_PAGES 256

struct sample {
	uint64_t time;
	uint64_t seq; /* arrival order: ties keep it */
	struct event_reader *reader;
	size_t offset, len; /* into loader.sample_bytes */
};

static struct sample *samples;
static size_t nsamples, samples_cap, sample_seq;
static struct strbuf sample_bytes; /* raw sample data, back to back */
static unsigned long long lost;

/* PERF_SAMPLE_TIME | PERF_SAMPLE_RAW: u64 time, u32 size, size bytes. */
struct raw_sample {
	struct perf_event_header header;
	uint64_t time;
	uint32_t size;
	uint8_t data[];
};

struct lost_record {
	struct perf_event_header header;
	uint64_t id;
	uint64_t lost;
};

static enum bpf_perf_event_ret on_event(void *ctx, int cpu, struct perf_event_header *event)
{
	(void)cpu;
	if (event->type == PERF_RECORD_LOST) {
		lost += ((struct lost_record *)event)->lost;
		return LIBBPF_PERF_EVENT_CONT;
	}
	if (event->type != PERF_RECORD_SAMPLE)
		return LIBBPF_PERF_EVENT_CONT;
	struct raw_sample *s = (struct raw_sample *)event;
	if (nsamples == samples_cap) {
		size_t cap = samples_cap ? samples_cap * 2 : 1024;
		struct sample *grown = realloc(samples, cap * sizeof(*grown));
		if (!grown) {
			lost++;
			return LIBBPF_PERF_EVENT_CONT;
		}
		samples = grown;
		samples_cap = cap;
	}
	/* strbuf is text: append bytes through %.*s is unsafe for NULs, so grow by hand. */
	size_t at = sample_bytes.len;
	sb_addf(&sample_bytes, "%*s", (int)s->size, "");
	memcpy(sample_bytes.buf + at, s->data, s->size);
	samples[nsamples++] = (struct sample){ .time = s->time, .seq = sample_seq++, .reader = ctx, .offset = at, .len = s->size };
	return LIBBPF_PERF_EVENT_CONT;
}

int cmd_events(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	struct instance *in;
	struct bpf_map *map;
	if (argc != 3) {
		sb_addf(out, "usage: events INSTANCE PERF_EVENT_ARRAY");
		return EINVAL;
	}
	int err = loaded_map(l, argv[1], argv[2], &in, &map, out);
	if (err)
		return err;
	if (bpf_map__type(map) != BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		sb_addf(out, "map %s is not a perf event array", argv[2]);
		return EINVAL;
	}
	if (l->nreaders == MAX_READERS) {
		sb_addf(out, "too many event readers");
		return ENOSPC;
	}
	for (int i = 0; i < l->nreaders; i++) {
		if (l->readers[i].inst == in && !strcmp(l->readers[i].map, argv[2])) {
			sb_addf(out, "already reading %s of %s", argv[2], argv[1]);
			return EBUSY;
		}
	}
	struct event_reader *r = &l->readers[l->nreaders];
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_TIME | PERF_SAMPLE_RAW,
		.sample_period = 1,
		/* Read with perf_buffer__consume when asked, never waited for: no wakeups (a wakeup
		 * per sample costs an interrupt per event, several microseconds in a VM). */
		.watermark = 1,
		.wakeup_watermark = PERF_PAGES * 4096,
		.use_clockid = 1,
		.clockid = CLOCK_MONOTONIC,
	};
	attr.size = sizeof(attr);
	r->pb = perf_buffer__new_raw(bpf_map__fd(map), PERF_PAGES, &attr, on_event, r, NULL);
	if (!r->pb) {
		err = errno ? errno : EINVAL;
		sb_addf(out, "cannot read events of %s: %s", argv[2], error_text(err));
		return err;
	}
	r->inst = in;
	snprintf(r->map, sizeof(r->map), "%s", argv[2]);
	l->nreaders++;
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* "lost=N [INSTANCE:MAP:TIMENS:HEX ...]" */
int cmd_drain(struct loader *l, int argc, char **argv, struct strbuf *out)
{
	(void)argv;
	if (argc != 1) {
		sb_addf(out, "usage: drain");
		return EINVAL;
	}
	for (int i = 0; i < l->nreaders; i++)
		perf_buffer__consume(l->readers[i].pb);
	qsort(samples, nsamples, sizeof(*samples), by_time);
	sb_addf(out, "lost=%llu", lost);
	for (size_t i = 0; i < nsamples; i++) {
		struct sample *s = &samples[i];
		sb_addf(out, " %s:%s:%llu:", s->reader->inst->name, s->reader->map, (unsigned long long)s->time);
		sb_add_hex(out, (const uint8_t *)sample_bytes.buf + s->offset, s->len);
	}
	nsamples = 0;
	lost = 0;
	sb_reset(&sample_bytes);
	return 0;
}

void events_close_all(struct loader *l)
{
	for (int i = 0; i < l->nreaders; i++)
		perf_buffer__free(l->readers[i].pb);
	l->nreaders = 0;
	nsamples = 0;
	lost = 0;
	sb_reset(&sample_bytes);
}
