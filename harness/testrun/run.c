/* "run": BPF_PROG_TEST_RUN of one program, with its output packet, context and events. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "hex.h"
#include "testrun.h"

/* Room for programs that grow the packet (encapsulation, adjust_room). */
#define DEFAULT_EXTRA_OUT 65536

int cmd_run(struct testrun *t, int argc, char **argv, struct strbuf *out)
{
	uint64_t repeat, out_size = 0;
	if ((argc != 5 && argc != 6) || parse_u64(argv[4], 0x7fffffff, &repeat) ||
	    (argc == 6 && parse_u64(argv[5], 1u << 26, &out_size))) {
		sb_addf(out, "usage: run PROG DATAHEX CTXHEX REPEAT [DATA_OUT_SIZE]");
		return EINVAL;
	}
	if (!t->loaded) {
		sb_addf(out, "object not loaded");
		return EINVAL;
	}
	struct bpf_program *prog = find_prog(t, argv[1]);
	if (!prog || bpf_program__fd(prog) < 0) {
		sb_addf(out, "no loaded program %s", argv[1]);
		return EINVAL; /* a bad name is bad input; ENOENT means a missing key */
	}
	if (!t->events) {
		int err = events_setup(t, out);
		if (err)
			return err;
	}
	size_t data_len, ctx_len;
	uint8_t *data = hex_decode(argv[2], &data_len);
	uint8_t *ctx = hex_decode(argv[3], &ctx_len);
	if (!data || !ctx) {
		free(data);
		free(ctx);
		sb_addf(out, "bad hex for %s", data ? "ctx" : "data");
		return EINVAL;
	}
	if (argc == 5)
		out_size = data_len + DEFAULT_EXTRA_OUT;
	uint8_t *data_out = calloc(1, out_size + 1);
	uint8_t *ctx_out = calloc(1, ctx_len + 1);
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = data,
		.data_size_in = (__u32)data_len,
		.data_out = data_out,
		.data_size_out = (__u32)out_size,
		.ctx_in = ctx_len ? ctx : NULL,
		.ctx_size_in = (__u32)ctx_len,
		.ctx_out = ctx_len ? ctx_out : NULL,
		.ctx_size_out = (__u32)ctx_len,
		.repeat = (int)repeat);
	int ret = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	int err = 0;
	if (ret) {
		err = -ret;
		sb_addf(out, "test run of %s: %s", argv[1], error_text(err));
		/* Events emitted before a failure are dropped with it. */
		struct strbuf discard = {0};
		events_drain(t, &discard);
		sb_free(&discard);
	} else {
		sb_addf(out, "retval=%u duration=%u data_out=", opts.retval, opts.duration);
		sb_add_hex(out, data_out, opts.data_size_out);
		sb_addf(out, " ctx_out=");
		sb_add_hex(out, ctx_out, ctx_len ? opts.ctx_size_out : 0);
		events_drain(t, out);
	}
	free(data);
	free(ctx);
	free(data_out);
	free(ctx_out);
	return err;
}
