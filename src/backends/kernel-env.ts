// Can the kernel backend run here? Root with a working bpf(), tcx (Linux 6.6+), bpffs, and
// the tools it drives; otherwise BackendUnavailable with the reason (the CLI exits 4).

import { accessSync, constants } from 'node:fs';
import { release } from 'node:os';
import { delimiter, join } from 'node:path';
import { kernelAvailability } from '../../harness/kernel-availability.js';
import { ensureBpffs } from '../../harness/netns/index.js';
import { BackendUnavailable } from './types.js';

const TOOLS = ['ip', 'bridge', 'nsenter', 'tcpdump', 'socat', 'ping', 'ethtool', 'sysctl', 'make', 'gcc'];

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** [major, minor] of a kernel release string ("6.18.44-fc" → [6, 18]). */
export function kernelVersion(text = release()): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

export async function checkKernelBackend(): Promise<void> {
  const avail = await kernelAvailability();
  if (!avail.ok) throw new BackendUnavailable(avail.reason);
  const [major, minor] = kernelVersion();
  if (major < 6 || (major === 6 && minor < 6)) throw new BackendUnavailable(`Linux ${release()} has no tcx (needs 6.6+)`);
  const missing = TOOLS.filter((t) => !onPath(t));
  if (missing.length) throw new BackendUnavailable(`missing tools: ${missing.join(', ')}`);
  try {
    await ensureBpffs();
  } catch (err) {
    throw new BackendUnavailable(`no bpffs at /sys/fs/bpf and mounting one failed: ${(err as Error).message}`);
  }
}
