// Running commands, in the host or inside a testbed namespace. `nsenter --net` switches only
// the network namespace, so bpffs pins stay visible (KERNEL-NOTES pitfall 1) and the
// process id we get is the real program's (nsenter execs it, no fork).
import { execFile, spawnSync } from 'node:child_process';

export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    readonly argv: string[],
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`${argv.join(' ').slice(0, 300)} failed (${code}): ${(stderr || stdout).trim().slice(-2000)}`);
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Uint8Array;
  timeoutMs?: number;
  /** Resolve with the exit code instead of throwing when it is not 0. */
  allowFailure?: boolean;
}

export function netnsPath(netns: string): string {
  return `/run/netns/${netns}`;
}

/** argv that runs CMD inside NETNS. */
export function inNetns(netns: string, cmd: string, args: string[] = []): string[] {
  return ['nsenter', `--net=${netnsPath(netns)}`, cmd, ...args];
}

export function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(argv[0]!, argv.slice(1), { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 64 << 20, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
        if (code !== 0 && !opts.allowFailure) reject(new CommandError(argv, code, stdout, stderr || (err?.message ?? '')));
        else resolve({ code, stdout, stderr });
      });
    child.stdin?.on('error', () => {}); // a command that exits early closes its stdin
    child.stdin?.end(opts.input ?? '');
  });
}

/** `ip [-n NETNS] -batch -`: many ip commands in one process; fails at the first bad line. */
export function ipBatch(netns: string | undefined, lines: string[], opts: { force?: boolean } = {}): Promise<RunResult> {
  const argv = ['ip', ...(netns ? ['-n', netns] : []), ...(opts.force ? ['-force'] : []), '-batch', '-'];
  return run(argv, { input: lines.join('\n') + '\n', allowFailure: opts.force });
}

/** Synchronous, never throws: for teardown from signal and exit handlers. */
export function runSync(argv: string[], input?: string): RunResult {
  const r = spawnSync(argv[0]!, argv.slice(1), { input, encoding: 'utf8', timeout: 10_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
