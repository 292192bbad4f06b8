// `dpsim examples`: build the C programs in bpf/ and run each one on a default packet in the
// VM and, where the machine allows, in the kernel (BPF_PROG_TEST_RUN), printing both.
import type { Argv } from 'yargs';
import { execFileSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testRun, formatFault } from '../vm/index.js';
import { udpFrame } from '../packet/build.js';
import { CliError, EXIT } from './exit-codes.js';
import { loadObject } from './load.js';
import { REPO_ROOT } from '../repo-root.js';

const ROOT = REPO_ROOT;

export function buildBpf(): string {
  try {
    execFileSync('make', ['-s', '-C', join(ROOT, 'bpf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer; code?: string };
    if (err.code === 'ENOENT') throw new CliError(EXIT.ENVIRONMENT, 'make is not installed (run ./setup.sh)');
    throw new CliError(EXIT.ENVIRONMENT, `building bpf/ failed:\n${err.stderr?.toString() ?? ''}`);
  }
  return join(ROOT, 'bpf', 'build');
}

export function registerExamples(y: Argv): Argv {
  return y.command('examples', 'build bpf/ and run every program on a default UDP packet (VM, and the kernel when root)', (c) => c
    .option('kernel', { type: 'boolean', default: true, describe: 'also run in the kernel when possible' }),
  async (a) => {
    const dir = buildBpf();
    const { kernelAvailability, KernelTestRun } = await import('../../harness/testrun.js');
    const avail = a.kernel ? await kernelAvailability() : { ok: false as const, reason: 'disabled with --no-kernel' };
    if (!avail.ok) process.stdout.write(`kernel: not used (${avail.reason})\n`);
    const packet = udpFrame();
    let diverged = false;
    let faulted = false;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.o')).sort()) {
      const path = join(dir, file);
      const obj = await loadObject(path, avail.ok ? { nCpus: 2 } : {});
      const k = avail.ok && existsSync(path) ? await KernelTestRun.open(path) : null;
      try {
        if (k) await k.load();
        for (const prog of obj.programs.values()) {
          if (prog.type !== 'sched_cls' && prog.type !== 'xdp') continue;
          const r = testRun(obj, prog, { dataIn: packet });
          const vm = r.fault ? `FAULT ${r.fault.kind}` : `retval ${r.retval}, ${r.insnCount} insns, ${r.dataOut.length}-byte packet out`;
          let line = `${file.padEnd(24)} ${prog.name.padEnd(24)} vm: ${vm}`;
          if (k) {
            const kr = await k.run(prog.name, packet);
            const same = !r.fault && kr.retval === r.retval && Buffer.compare(Buffer.from(kr.dataOut), Buffer.from(r.dataOut)) === 0;
            line += `  kernel: retval ${kr.retval}  ${same ? 'same' : 'DIVERGES'}`;
            if (!same) diverged = true;
          }
          process.stdout.write(line + '\n');
          if (r.fault) { faulted = true; process.stdout.write(formatFault(r.fault) + '\n'); }
        }
      } finally {
        await k?.close();
      }
    }
    process.exitCode = diverged ? EXIT.DIVERGENCE : faulted ? EXIT.CHECK_FAILED : EXIT.OK;
  });
}
