// Finds and removes what testbed runs left behind: dpsim-* namespaces (and the processes in
// them: tcpdump, socat, loaders), dpsim-* links in the host namespace, /sys/fs/bpf/dpsim-*
// pins, work folders and owner files. A run whose owner process is still alive is left
// alone unless `includeLive` (it may be another test running right now).
// `dpsim kernel clean` can call cleanLeftovers() in place of its own simpler version.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSync } from './exec.js';
import { defaultWorkDir, ownerFile, PREFIX, runIdOf } from './names.js';
import { ownerAlive } from './run-id.js';
import { deleteNamespaces, killProcessesIn, removeRunSync } from './teardown.js';

export interface CleanOptions {
  /** Only this run's leftovers. */
  runId?: string;
  /** Also remove runs whose owner process is alive. */
  includeLive?: boolean;
}

export interface CleanReport {
  /** "netns NAME", "process PID (COMM) in NS", "link NAME", "pins PATH", "workdir PATH", ... */
  removed: string[];
  /** Run ids left alone because their owner is alive. */
  liveRuns: string[];
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function hostLinks(): string[] {
  const out = runSync(['ip', '-o', 'link', 'show']).stdout;
  return [...out.matchAll(/^\d+:\s+([^:@\s]+)/gm)].map((m) => m[1]!).filter((name) => name.startsWith(PREFIX));
}

export function cleanLeftovers(opts: CleanOptions = {}): CleanReport {
  const namespaces = list('/run/netns').filter((n) => n.startsWith(PREFIX));
  const runIds = new Set<string>([
    ...namespaces.map(runIdOf),
    ...list('/sys/fs/bpf').filter((n) => n.startsWith(PREFIX)).map(runIdOf),
    ...list('/run').map((n) => /^dpsim-([0-9a-f]{4})\.owner$/.exec(n)?.[1]),
    ...list(tmpdir()).map((n) => /^dpsim-netns-([0-9a-f]{4})$/.exec(n)?.[1]),
  ].filter((id): id is string => id !== undefined && (opts.runId === undefined || id === opts.runId)));
  const report: CleanReport = { removed: [], liveRuns: [] };
  for (const id of runIds) {
    if (!opts.includeLive && ownerAlive(id)) {
      report.liveRuns.push(id);
      continue;
    }
    const had = existsSync(ownerFile(id));
    report.removed.push(...removeRunSync({
      runId: id,
      namespaces: namespaces.filter((n) => runIdOf(n) === id),
      workDir: defaultWorkDir(id),
      processes: [],
    }));
    if (had) report.removed.push(`owner ${ownerFile(id)}`);
  }
  if (opts.runId !== undefined) return report;
  // Names outside the run-id scheme (other dpsim tools, older versions): no owner to ask.
  const foreign = namespaces.filter((n) => runIdOf(n) === undefined);
  report.removed.push(...killProcessesIn(foreign), ...deleteNamespaces(foreign));
  for (const link of hostLinks()) {
    runSync(['ip', 'link', 'delete', link]);
    report.removed.push(`link ${link}`);
  }
  for (const entry of list('/sys/fs/bpf').filter((n) => n.startsWith(PREFIX) && runIdOf(n) === undefined)) {
    rmSync(join('/sys/fs/bpf', entry), { recursive: true, force: true });
    report.removed.push(`pins /sys/fs/bpf/${entry}`);
  }
  return report;
}

/** Same shape as src/cli/kernel.ts's cleanKernelLeftovers(): one line per removed thing. */
export function cleanKernelLeftovers(opts: CleanOptions = {}): string[] {
  const r = cleanLeftovers(opts);
  return [...r.removed, ...r.liveRuns.map((id) => `(kept run ${id}: its owner process is alive)`)];
}
