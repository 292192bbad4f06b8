// `dpsim scenario schema|validate`.
import type { Argv } from 'yargs';
import { loadScenario, ScenarioError } from '../scenario/parse.js';
import { scenarioJsonSchema } from '../scenario/schema.js';
import { CliError, EXIT } from './exit-codes.js';

export function registerScenario(y: Argv): Argv {
  return y.command('scenario', 'scenario files: JSON Schema, validation', (s) => s
    .command('schema', 'print the JSON Schema of scenario files (for editors)', {}, () => {
      process.stdout.write(JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
    })
    .command('validate <file>', 'check a scenario file; errors name file:line:column', (c) => c
      .positional('file', { type: 'string', demandOption: true }),
    (a) => {
      try {
        const p = loadScenario(a.file as string);
        process.stdout.write(`${a.file}: ok (${p.scenario.cluster.nodes.length} nodes, ${p.scenario.pods.length} pods, ${p.objects.length} objects, ${p.scenario.traffic.length} traffic steps)\n`);
      } catch (e) {
        if (e instanceof ScenarioError) throw new CliError(EXIT.BAD_INPUT, e.message);
        throw e;
      }
    })
    .demandCommand(1, 'choose a scenario subcommand: schema or validate'));
}
