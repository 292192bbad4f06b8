// The versions a report records: the kernel (`uname -r`), clang (`clang-19 --version`, first
// line), Node and dpsim. A tool that is missing reads "unavailable (reason)", never an error.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { repoPath } from '../src/repo-root.js';

export interface ToolVersions {
  kernel: string;
  clang: string;
  node: string;
  dpsim: string;
}

function firstLine(cmd: string, args: string[]): string {
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] });
    return out.split('\n')[0]!.trim() || `unavailable (${cmd} printed nothing)`;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return `unavailable (${err.code === 'ENOENT' ? `${cmd} not found` : err.message.split('\n')[0]})`;
  }
}

export function dpsimVersion(): string {
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

let cached: ToolVersions | undefined;

export function toolVersions(): ToolVersions {
  cached ??= {
    kernel: firstLine('uname', ['-r']),
    clang: firstLine('clang-19', ['--version']),
    node: process.version,
    dpsim: dpsimVersion(),
  };
  return { ...cached };
}
