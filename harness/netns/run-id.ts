// Run ids: 4 hex digits, claimed atomically with an owner file (/run/dpsim-ID.owner, created
// with O_EXCL) that names the owning process, so that parallel runs never share an id and
// clean-up can tell a crashed run's leftovers from a live run's.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ownerFile, pinRoot, PREFIX, RUN_ID } from './names.js';

/** The process start time (clock ticks since boot): tells a reused pid apart. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function traces(runId: string): boolean {
  return existsSync(pinRoot(runId)) || existsSync(`/run/netns/${PREFIX}${runId}-ul`);
}

function tryClaim(runId: string): boolean {
  try {
    writeFileSync(ownerFile(runId), `${process.pid} ${startTime(process.pid) ?? '?'}\n`, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  if (traces(runId)) {
    // Leftovers of a run that lost its owner file: not ours to reuse.
    rmSync(ownerFile(runId), { force: true });
    return false;
  }
  return true;
}

export function claimRunId(requested?: string): string {
  if (requested !== undefined) {
    if (!RUN_ID.test(requested)) throw new TypeError(`run id ${JSON.stringify(requested)}: want 4 lower-case hex digits`);
    if (!tryClaim(requested)) throw new Error(`run id ${requested} is in use (or has leftovers: dpsim kernel clean)`);
    return requested;
  }
  for (let attempt = 0; attempt < 64; attempt++) {
    const id = randomBytes(2).toString('hex');
    if (tryClaim(id)) return id;
  }
  throw new Error('no free run id after 64 attempts: clean leftovers (dpsim kernel clean)');
}

export function releaseRunId(runId: string): void {
  rmSync(ownerFile(runId), { force: true });
}

/** Whether the process that claimed RUNID is still alive. */
export function ownerAlive(runId: string): boolean {
  let text: string;
  try {
    text = readFileSync(ownerFile(runId), 'utf8');
  } catch {
    return false;
  }
  const [pid, start] = text.trim().split(' ');
  const now = startTime(Number(pid));
  return now !== undefined && (start === '?' || now === start);
}
