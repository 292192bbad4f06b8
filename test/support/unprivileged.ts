// Running a dpsim command without the rights to use the kernel: as user nobody when nobody can
// read this checkout (a clone in a root-only folder cannot be run by nobody), otherwise with
// DPSIM_NO_KERNEL set, which makes the kernel side report itself unavailable the same way.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');

function nobodyCanRead(): boolean {
  if (process.getuid?.() !== 0) return false;
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-r', resolve(REPO, 'node_modules/tsx/package.json')]);
  return r.status === 0;
}

export const AS_NOBODY = nobodyCanRead();

/** spawnSync options (uid/gid, env) for an unprivileged run. */
export function unprivileged(env: NodeJS.ProcessEnv = process.env): { uid?: number; gid?: number; env: NodeJS.ProcessEnv } {
  if (AS_NOBODY) return { uid: 65534, gid: 65534, env };
  if (process.getuid?.() !== 0) return { env };
  return { env: { ...env, DPSIM_NO_KERNEL: 'this test runs as if unprivileged' } };
}

/** Command prefix for an unprivileged run of `node --import tsx ...`. */
export function unprivilegedNode(): { argv: string[]; env: NodeJS.ProcessEnv } {
  if (AS_NOBODY) return { argv: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'env', 'HOME=/tmp', process.execPath, '--import', 'tsx'], env: process.env };
  return { argv: [process.execPath, '--import', 'tsx'], env: { ...process.env, DPSIM_NO_KERNEL: 'this test runs as if unprivileged' } };
}
