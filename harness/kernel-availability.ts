// Can kernel tests run here? Each check names what is missing, so a skip explains itself.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { ensureHelperBuilt } from './helper-build.js';

export type KernelAvailability = { ok: true } | { ok: false; reason: string };

let cached: Promise<KernelAvailability> | undefined;

/**
 * Checks Linux, root, gcc + libbpf headers (by building the helper) and a real
 * BPF_PROG_TEST_RUN of a trivial program. `needBpffs` also requires /sys/fs/bpf to be a
 * bpffs (the test-run helper itself pins nothing and does not need it).
 */
export async function kernelAvailability(opts: { needBpffs?: boolean } = {}): Promise<KernelAvailability> {
  cached ??= checkKernel();
  const base = await cached;
  if (!base.ok || !opts.needBpffs) return base;
  return bpffsMounted() ? base : { ok: false, reason: 'no bpffs at /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf)' };
}

export function bpffsMounted(): boolean {
  try {
    return readFileSync('/proc/mounts', 'utf8').split('\n').some((line) => line.split(' ')[1] === '/sys/fs/bpf' && line.split(' ')[2] === 'bpf');
  } catch {
    return false;
  }
}

async function checkKernel(): Promise<KernelAvailability> {
  // DPSIM_NO_KERNEL=<why> switches the kernel side off (emulator only; tests of the "no kernel" paths).
  if (process.env.DPSIM_NO_KERNEL) return { ok: false, reason: `kernel side switched off (DPSIM_NO_KERNEL: ${process.env.DPSIM_NO_KERNEL})` };
  if (process.platform !== 'linux') return { ok: false, reason: `not Linux (${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not root (loading and test-running eBPF programs needs root)' };
  if (!existsSync('/usr/include/bpf/libbpf.h')) return { ok: false, reason: 'libbpf headers missing (apt-get install libbpf-dev)' };
  let bin: string;
  try {
    bin = await ensureHelperBuilt();
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  return probe(bin);
}

function probe(bin: string): Promise<KernelAvailability> {
  return new Promise((resolve) => {
    execFile(bin, ['--probe'], { timeout: 20_000 }, (err, stdout, stderr) => {
      const line = stdout.trim();
      if (!err && line.startsWith('ok')) resolve({ ok: true });
      else resolve({ ok: false, reason: `bpf syscall unusable: ${line || stderr.trim() || (err as Error).message}` });
    });
  });
}
