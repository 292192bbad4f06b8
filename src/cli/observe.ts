// `dpsim observe --run SCENARIO | --flows FILE.jsonl [filters] [-o json|compact]`: flows as
// `hubble observe` prints them — one {"flow": ..., "node_name", "time"} JSON object per line by
// default, or hubble's compact one-liners — from a scenario run's datapath events or from a
// file of flows (hubble observe -o json output, or this command's). Filters as hubble's:
// every given filter must match; the values of a repeated filter are alternatives.
//
// Datapath events carry no timestamp in a backend run, so flows from --run are timed at the
// start of the run plus their position (1 µs apart), which keeps hubble's ordering.
import type { Argv } from 'yargs';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { compactLine, eventToFlow, matchesFilter, type FlowFilter, type FlowRecord, type HubbleFlow } from '../observe/flows.js';
import { planDirectory } from '../observe/directory.js';
import { CliError, EXIT } from './exit-codes.js';
import { isStdio } from './io.js';
import { StdoutBuffer } from '../replay/stdout-buffer.js';

const VERDICTS = ['FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED'];
const bad = (msg: string) => new CliError(EXIT.BAD_INPUT, msg);

interface ObserveArgs {
  run?: string;
  flows?: string;
  backend: 'emu' | 'kernel';
  output: 'json' | 'compact';
  verdict?: string[];
  pod?: string[];
  'from-pod'?: string[];
  'to-pod'?: string[];
  protocol?: string[];
  port?: (number | string)[];
}

function filterOf(a: ObserveArgs): FlowFilter {
  const f: FlowFilter = {};
  if (a.verdict?.length) {
    const unknown = a.verdict.filter((v) => !VERDICTS.includes(v.toUpperCase()));
    if (unknown.length) throw bad(`--verdict ${unknown.join(', ')}: expected one of ${VERDICTS.join(', ')}`);
    f.verdict = a.verdict;
  }
  if (a.pod?.length) f.pod = a.pod;
  if (a['from-pod']?.length) f.fromPod = a['from-pod'];
  if (a['to-pod']?.length) f.toPod = a['to-pod'];
  if (a.protocol?.length) f.protocol = a.protocol;
  if (a.port?.length) {
    f.port = a.port.map((p) => {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw bad(`--port ${p}: expected a port number 0-65535`);
      return n;
    });
  }
  return f;
}

/**
 * A line of a flows file → the record as printed (hubble's {flow, node_name, time}, the flow
 * untouched) and a copy with the fields filters and compact lines need; undefined for other
 * records (lost_events, node status).
 */
function toRecord(json: unknown): { record: FlowRecord; view: FlowRecord } | undefined {
  if (json === null || typeof json !== 'object') return undefined;
  const r = json as { flow?: Partial<HubbleFlow>; node_name?: string; time?: string };
  if (r.flow === null || typeof r.flow !== 'object' || Array.isArray(r.flow)) return undefined;
  const time = r.time ?? r.flow.time ?? '';
  const node = r.node_name ?? r.flow.node_name ?? '';
  const view = { ...r.flow, time: r.flow.time ?? time, source: r.flow.source ?? { identity: 0 }, destination: r.flow.destination ?? { identity: 0 } } as HubbleFlow;
  return { record: { flow: r.flow as HubbleFlow, node_name: node, time }, view: { flow: view, node_name: node, time } };
}

async function* flowsFromFile(path: string): AsyncGenerator<{ record: FlowRecord; view: FlowRecord }> {
  const input: Readable = isStdio(path) ? process.stdin : createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new CliError(EXIT.CHECK_FAILED, `${isStdio(path) ? 'stdin' : path}:${n}: not a JSON line (${(e as Error).message})`);
    }
    const r = toRecord(json);
    if (r) yield r;
  }
}

async function* flowsFromRun(file: string, backend: 'emu' | 'kernel'): AsyncGenerator<{ record: FlowRecord; view: FlowRecord }> {
  const { runScenarioFile } = await import('./run.js');
  const { buildPlan } = await import('../agent/index.js');
  const startNs = BigInt(Date.now()) * 1_000_000n;
  const out = await runScenarioFile(file, backend);
  const run = out.runs[backend];
  if (!run) return;
  const failed = run.expectations.filter((x) => !x.ok).length;
  if (failed) process.stderr.write(`dpsim: note: ${failed} expectation${failed === 1 ? '' : 's'} of ${file} failed on ${backend} (dpsim run shows them)\n`);
  const dir = planDirectory(buildPlan(out.parsed));
  let i = 0n;
  for (const e of run.run.events) {
    const r = eventToFlow(e.data, e.node, startNs + i++ * 1000n, dir);
    if (r) yield { record: r, view: r };
  }
}

export function registerObserve(y: Argv): Argv {
  return y.command('observe', 'print flows like hubble observe: from a scenario run (--run) or a flows file (--flows)', (c) => c
    .option('run', { type: 'string', describe: 'run this scenario and print the flows of its datapath events' })
    .option('flows', { type: 'string', describe: 'read flows from a JSON-lines file (hubble observe -o json output; - for stdin)' })
    .option('backend', { choices: ['emu', 'kernel'] as const, default: 'emu' as const, describe: 'with --run: where the scenario runs' })
    .option('output', { alias: 'o', choices: ['json', 'compact'] as const, default: 'json' as const, describe: 'json: one {"flow": ...} per line; compact: one line per flow' })
    .option('verdict', { type: 'string', array: true, describe: 'FORWARDED, DROPPED, ... (repeatable)' })
    .option('pod', { type: 'string', array: true, describe: '[namespace/]pod as source or destination (repeatable)' })
    .option('from-pod', { type: 'string', array: true, describe: '[namespace/]pod as source (repeatable)' })
    .option('to-pod', { type: 'string', array: true, describe: '[namespace/]pod as destination (repeatable)' })
    .option('protocol', { type: 'string', array: true, describe: 'tcp, udp, icmp (repeatable)' })
    .option('port', { type: 'string', array: true, describe: 'source or destination port (repeatable)' }),
  async (argv) => {
    const a = argv as unknown as ObserveArgs;
    if (!!a.run === !!a.flows) throw bad('give exactly one of --run SCENARIO and --flows FILE.jsonl');
    const filter = filterOf(a);
    if (a.flows && !isStdio(a.flows)) {
      if (!existsSync(a.flows)) throw bad(`${a.flows}: no such file`);
      if (statSync(a.flows).isDirectory()) throw bad(`${a.flows}: is a directory`);
    }
    const out = new StdoutBuffer();
    try {
      for await (const { record, view } of a.run ? flowsFromRun(a.run, a.backend) : flowsFromFile(a.flows!)) {
        if (matchesFilter(view, filter)) out.line(a.output === 'compact' ? compactLine(view) : JSON.stringify(record));
      }
    } finally {
      out.flush();
    }
  });
}
