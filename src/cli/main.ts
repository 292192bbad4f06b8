// The dpsim command line: thin commands over the library (parse, call, print).
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CliError, EXIT } from './exit-codes.js';
import { STDIO_ARG } from './io.js';
import { registerProg } from './prog.js';
import { registerConformance } from './conformance.js';
import { registerKernel } from './kernel.js';
import { registerExamples } from './examples.js';
import { registerScenario } from './scenario.js';
import { registerRun } from './run.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';
import { registerReplay } from './replay.js';
import { registerPcap } from './pcap.js';
import { registerObserve } from './observe.js';
import { ENGINE_NAMES } from '../vm/engine-name.js';

export async function main(argv: string[]): Promise<number> {
  // yargs drops a lone '-' (stdin/stdout): carry it through as a sentinel.
  const parser = yargs(argv.map((a) => (a === '-' ? STDIO_ARG : a)))
    .scriptName('dpsim')
    .strict()
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 110))
    .option('engine', {
      choices: ENGINE_NAMES,
      global: true,
      describe: 'VM engine: wasm (the fast path; default) or interp (the interpreter; --trace always uses it)',
    })
    // One process-wide default, read wherever a program is loaded (LoadedObject, raw runs).
    .middleware((a) => { if (a.engine !== undefined) process.env.DPSIM_ENGINE = a.engine as string; })
    .fail((msg, err) => {
      if (err) throw err;
      // Throwing stops yargs before any command handler runs with missing arguments.
      throw new CliError(EXIT.BAD_INPUT, `${msg}\n(see dpsim --help)`);
    });
  registerProg(parser);
  registerConformance(parser);
  registerKernel(parser);
  registerExamples(parser);
  registerScenario(parser);
  registerRun(parser);
  registerReport(parser);
  registerServe(parser);
  registerReplay(parser);
  registerPcap(parser);
  registerObserve(parser);
  parser.demandCommand(1, 'choose a command (dpsim --help lists them)');
  try {
    await parser.parseAsync();
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`dpsim: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
}

const code = await main(hideBin(process.argv));
process.exitCode = code;
