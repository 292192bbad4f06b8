// Which processes live in a named namespace: what `ip netns pids` does, without spawning it
// (teardown runs this for every namespace, also from signal handlers).
import { readdirSync, readlinkSync, readFileSync, statSync } from 'node:fs';
import { netnsPath } from './exec.js';

function netnsInode(netns: string): number | undefined {
  try {
    return statSync(netnsPath(netns)).ino;
  } catch {
    return undefined;
  }
}

/** Pids of processes in each of NAMESPACES (one pass over /proc). */
export function pidsInNetns(namespaces: string[]): Map<string, number[]> {
  const byInode = new Map<number, string>();
  for (const ns of namespaces) {
    const ino = netnsInode(ns);
    if (ino !== undefined) byInode.set(ino, ns);
  }
  const result = new Map<string, number[]>(namespaces.map((ns) => [ns, []]));
  if (byInode.size === 0) return result;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let link: string;
    try {
      link = readlinkSync(`/proc/${entry}/ns/net`);
    } catch {
      continue; // gone meanwhile, or a kernel thread
    }
    const ns = byInode.get(Number(/\[(\d+)\]/.exec(link)?.[1]));
    if (ns) result.get(ns)!.push(Number(entry));
  }
  return result;
}

export function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}
