// The repository's root, found the same way whether this code runs from src/ (tsx, vitest) or
// from the compiled dist/: the nearest folder up with dpsim's package.json.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dpsim') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the dpsim repository root (package.json)');
    dir = up;
  }
}

export const REPO_ROOT = findRoot();

export function repoPath(...parts: string[]): string {
  return join(REPO_ROOT, ...parts);
}
