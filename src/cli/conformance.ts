// `dpsim conformance DIR` and `dpsim conformance-plugin` (the bpf_conformance runner's plugin).
import type { Argv } from 'yargs';
import { conformanceCommand, conformancePlugin } from '../conformance/plugin.js';

export function registerConformance(y: Argv): Argv {
  return y
    .command('conformance <dir>', 'run bpf_conformance .data files in the VM', (c) => c
      .positional('dir', { type: 'string', demandOption: true })
      .option('cpu-version', { type: 'number', default: 4, describe: 'ISA version 1..4 (tests above it are skipped)' })
      .option('callx', { type: 'boolean', default: true, describe: 'include the callx test (--no-callx to skip it)' }),
    async (a) => {
      const res = await conformanceCommand(a.dir as string, { cpuVersion: a['cpu-version'], includeCallx: a.callx });
      process.stdout.write(res.report.endsWith('\n') ? res.report : res.report + '\n');
      process.exitCode = res.exitCode;
    })
    .command('conformance-plugin [memory] [options..]', 'plugin for the bpf_conformance runner: program hex on stdin, memory hex as argument, r0 in hex on stdout', (c) => c
      .positional('memory', { type: 'string' })
      .positional('options', { type: 'string', array: true, default: [] })
      .strict(false),
    async () => {
      // The runner's protocol is positional and raw: pass argv through untouched.
      const idx = process.argv.indexOf('conformance-plugin');
      const argv = process.argv.slice(idx + 1);
      const stdin = await readStdin();
      const res = await conformancePlugin(argv, stdin);
      process.stdout.write(res.stdout);
      process.stderr.write(res.stderr);
      process.exitCode = res.exitCode;
    });
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
