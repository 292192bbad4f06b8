// Time, randomness, CPU and "current task" helpers. In tc context the kernel runs in softirq
// (or, for BPF_PROG_TEST_RUN, in the caller's task); dpsim answers as for a task with pid 0,
// uid 0 and an empty comm, and documents it.

import type { LoadedObject } from '../vm/loaded-object.js';
import { bigIntToPair } from '../vm/alu64.js';
import { define, HelperTable, memArg, sizeArg } from './args.js';
import type { Vm } from '../vm/interpreter.js';

export function miscHelpers(obj: LoadedObject, t: HelperTable): void {
  const env = obj.env;
  const out = { lo: 0, hi: 0 };
  const ret64 = (vm: Vm, v: bigint) => { bigIntToPair(v, out); vm.L[0] = out.lo; vm.H[0] = out.hi; };

  define(t, 'ktime_get_ns', (vm) => ret64(vm, env.clockNs));
  define(t, 'ktime_get_coarse_ns', (vm) => ret64(vm, env.clockNs));
  define(t, 'ktime_get_boot_ns', (vm) => ret64(vm, env.clockNs + env.bootOffsetNs));
  define(t, 'ktime_get_tai_ns', (vm) => ret64(vm, env.clockNs));
  define(t, 'jiffies64', (vm) => ret64(vm, env.clockNs / 4_000_000n)); // HZ=250
  define(t, 'get_prandom_u32', () => env.prng.nextU32());
  define(t, 'get_smp_processor_id', () => env.cpu);
  define(t, 'get_numa_node_id', () => 0);
  define(t, 'get_current_pid_tgid', () => 0);
  define(t, 'get_current_uid_gid', () => 0);
  define(t, 'get_current_task', () => 0);
  define(t, 'get_current_cgroup_id', () => 0);
  define(t, 'get_current_comm', (vm) => {
    const size = sizeArg(vm, 2, 'size');
    memArg(vm, 1, size, true, 'buf').fill(0);
    return 0;
  });
  define(t, 'get_netns_cookie', (vm) => ret64(vm, env.netnsCookie));
}
