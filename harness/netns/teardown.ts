// Removes everything of one run, synchronously (it also runs from signal and exit handlers):
// processes in its namespaces, the namespaces (their devices and tcx links go with them),
// its bpffs folder, its work folder and its owner file. Safe to repeat.
import { existsSync, rmSync } from 'node:fs';
import type { Stoppable } from './background.js';
import { runSync } from './exec.js';
import { commandName, pidsInNetns } from './netns-pids.js';
import { pinRoot } from './names.js';
import { releaseRunId } from './run-id.js';

export interface RunResources {
  runId: string;
  namespaces: string[];
  /** Removed only when the run created it. */
  workDir?: string;
  processes: Iterable<Stoppable>;
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** SIGKILLs every process inside NAMESPACES (a namespace lives on while one remains). */
export function killProcessesIn(namespaces: string[]): string[] {
  const killed: string[] = [];
  for (const [ns, pids] of pidsInNetns(namespaces)) {
    for (const pid of pids) {
      killed.push(`process ${pid} (${commandName(pid)}) in ${ns}`);
      kill(pid);
    }
  }
  return killed;
}

/** Deletes the named namespaces that exist, in one ip process. */
export function deleteNamespaces(namespaces: string[]): string[] {
  const present = namespaces.filter((ns) => existsSync(`/run/netns/${ns}`));
  if (present.length) runSync(['ip', '-force', '-batch', '-'], present.map((ns) => `netns del ${ns}`).join('\n') + '\n');
  return present.map((ns) => `netns ${ns}`);
}

/** Returns what it removed, e.g. "netns dpsim-1a2b-ul", "process 123 (tcpdump) in ...". */
export function removeRunSync(run: RunResources): string[] {
  for (const p of run.processes) p.killNow();
  const removed = [...killProcessesIn(run.namespaces), ...deleteNamespaces(run.namespaces)];
  const pins = pinRoot(run.runId);
  if (existsSync(pins)) {
    rmSync(pins, { recursive: true, force: true });
    removed.push(`pins ${pins}`);
  }
  if (run.workDir && existsSync(run.workDir)) {
    rmSync(run.workDir, { recursive: true, force: true });
    removed.push(`workdir ${run.workDir}`);
  }
  releaseRunId(run.runId);
  return removed;
}
