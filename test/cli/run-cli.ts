// Runs bin/dpsim.js as a user would and returns what it printed and its exit code.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');

export function dpsim(args: string[], input?: string | Uint8Array): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [resolve(REPO, 'bin/dpsim.js'), ...args], { cwd: REPO, input, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
