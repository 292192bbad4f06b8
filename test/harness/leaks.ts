// What a helper process holds in the kernel, and whether it is gone.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** BPF program and map ids behind the fds of process PID (from /proc/PID/fdinfo). */
export function bpfIdsOf(pid: number): { progs: number[]; maps: number[] } {
  const ids = { progs: [] as number[], maps: [] as number[] };
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    const info = target.startsWith('anon_inode:bpf-') ? readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8') : '';
    const prog = /^prog_id:\s*(\d+)/m.exec(info);
    const map = /^map_id:\s*(\d+)/m.exec(info);
    if (target === 'anon_inode:bpf-prog' && prog) ids.progs.push(Number(prog[1]));
    if (target === 'anon_inode:bpf-map' && map) ids.maps.push(Number(map[1]));
  }
  return ids;
}

/** Gone or a zombie: either way it holds nothing any more. */
export function processGone(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** Ids of all BPF programs and maps in the kernel, or undefined without bpftool. */
export async function kernelBpfIds(): Promise<{ progs: Set<number>; maps: Set<number> } | undefined> {
  try {
    const progs = JSON.parse((await run('bpftool', ['-j', 'prog', 'show'], { maxBuffer: 64 << 20 })).stdout) as { id: number }[];
    const maps = JSON.parse((await run('bpftool', ['-j', 'map', 'show'], { maxBuffer: 64 << 20 })).stdout) as { id: number }[];
    return { progs: new Set(progs.map((p) => p.id)), maps: new Set(maps.map((m) => m.id)) };
  } catch {
    return undefined;
  }
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the process is gone and none of its programs and maps is left in the kernel. */
export async function expectReleased(pid: number, held: { progs: number[]; maps: number[] }): Promise<void> {
  await waitFor(`helper ${pid} to exit`, () => processGone(pid));
  await waitFor('its BPF programs and maps to be freed', async () => {
    const ids = await kernelBpfIds();
    if (!ids) return true; // no bpftool: the process check above has to do
    return !held.progs.some((id) => ids.progs.has(id)) && !held.maps.some((id) => ids.maps.has(id));
  });
}

/** Entries under /sys/fs/bpf named dpsim-*, if bpffs is there. */
export function dpsimPins(): string[] {
  try {
    return readdirSync('/sys/fs/bpf').filter((name) => name.startsWith('dpsim-'));
  } catch {
    return [];
  }
}
