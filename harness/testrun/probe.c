/* "--probe": can this process load and test-run a tc program? Used to decide whether
 * kernel tests can run here. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <unistd.h>

#include <bpf/bpf.h>

#include "testrun.h"

int probe_kernel(void)
{
	/* r0 = 0 (TC_ACT_OK); exit */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "dpsim_probe", "GPL", insns, 2, NULL);
	if (fd < 0) {
		printf("err %d cannot load a trivial tc program: %s\n", -fd, strerror(-fd));
		return 1;
	}
	unsigned char packet[64] = {0};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = packet, .data_size_in = sizeof(packet));
	int ret = bpf_prog_test_run_opts(fd, &opts);
	if (ret) {
		printf("err %d BPF_PROG_TEST_RUN failed: %s\n", -ret, strerror(-ret));
		return 1;
	}
	close(fd);
	printf("ok probe retval=%u\n", opts.retval);
	return 0;
}
