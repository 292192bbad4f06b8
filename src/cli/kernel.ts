// `dpsim kernel clean`: remove what a crashed run may have left: network namespaces, links,
// bpffs pins and processes of dpsim-* runs (harness/netns/clean.ts). Runs whose owner process
// is still alive are kept unless --all says otherwise. Nothing else is touched.
import type { Argv } from 'yargs';
import { cleanKernelLeftovers } from '../../harness/netns/clean.js';
import { CliError, EXIT } from './exit-codes.js';

export function registerKernel(y: Argv): Argv {
  return y.command('kernel', 'kernel backend housekeeping', (k) => k
    .command('clean', 'remove leftover dpsim-* namespaces, links, bpffs pins and processes', (c) => c
      .option('all', { type: 'boolean', default: false, describe: 'also remove runs whose owner process is still alive' }),
    (a) => {
      if (process.getuid?.() !== 0) throw new CliError(EXIT.ENVIRONMENT, 'dpsim kernel clean needs root');
      const removed = cleanKernelLeftovers({ includeLive: a.all });
      process.stdout.write(removed.length ? removed.map((r) => (r.startsWith('(') ? r : `removed ${r}`)).join('\n') + '\n' : 'nothing to clean\n');
    })
    .demandCommand(1, 'choose a kernel subcommand: clean'));
}
