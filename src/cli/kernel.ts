// `dpsim kernel clean`: remove what a crashed run may have left: network namespaces, links
// and bpffs pins whose names start with dpsim-. Nothing else is touched.
import type { Argv } from 'yargs';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { CliError, EXIT } from './exit-codes.js';

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return (e as { stdout?: string }).stdout ?? '';
  }
}

export function cleanKernelLeftovers(): string[] {
  const removed: string[] = [];
  for (const line of run('ip', ['netns', 'list']).split('\n')) {
    const name = line.split(' ')[0];
    if (name && name.startsWith('dpsim-')) { run('ip', ['netns', 'delete', name]); removed.push(`netns ${name}`); }
  }
  for (const line of run('ip', ['-o', 'link', 'show']).split('\n')) {
    const m = /^\d+:\s+([^:@]+)/.exec(line);
    const name = m?.[1];
    if (name && name.startsWith('dpsim-')) { run('ip', ['link', 'delete', name]); removed.push(`link ${name}`); }
  }
  const bpffs = '/sys/fs/bpf';
  if (existsSync(bpffs)) {
    for (const entry of readdirSync(bpffs)) {
      if (entry.startsWith('dpsim-')) { rmSync(`${bpffs}/${entry}`, { recursive: true, force: true }); removed.push(`pin ${bpffs}/${entry}`); }
    }
  }
  return removed;
}

export function registerKernel(y: Argv): Argv {
  return y.command('kernel', 'kernel backend housekeeping', (k) => k
    .command('clean', 'remove leftover dpsim-* namespaces, links and bpffs pins', {}, () => {
      if (process.getuid?.() !== 0) throw new CliError(EXIT.ENVIRONMENT, 'dpsim kernel clean needs root');
      const removed = cleanKernelLeftovers();
      process.stdout.write(removed.length ? removed.map((r) => `removed ${r}`).join('\n') + '\n' : 'nothing to clean\n');
    })
    .demandCommand(1, 'choose a kernel subcommand: clean'));
}
