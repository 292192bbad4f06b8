// `dpsim replay PCAP --prog OBJ:PROG | --scenario FILE --at PLACE/DEVICE:DIR`: tcpreplay for
// the datapath. Flags as tcpreplay has them (--loop, --limit, --pps, --mbps, --topspeed,
// --multiplier), pacing in virtual time (src/replay/pacing.ts). Exit 0 ok; 1 damaged capture or
// a VM fault; 2 the kernel diverges (--backend both); 3 bad input; 4 no kernel.
import type { Argv } from 'yargs';
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { CliError, EXIT } from './exit-codes.js';
import { readJson } from './io.js';
import { loadSpec } from './load.js';
import { encodeCtx } from '../diff/ctx-json.js';
import { SKB_CTX, XDP_CTX, formatDiff } from '../diff/index.js';
import { findProgram } from '../elf/index.js';
import type { MapsJson } from '../maps/index.js';
import { ReplayError } from '../replay/errors.js';
import { describePacing, type Pacing } from '../replay/pacing.js';
import { checkCounts, pacingOf, splitProg } from '../replay/options.js';
import { Progress } from '../replay/progress.js';
import { ReadPosition } from '../replay/frames.js';
import { peakRssKiB } from '../replay/peak-rss.js';
import { globalPatches } from '../replay/globals.js';
import { openEngines, type BackendChoice } from '../replay/engines.js';
import { replayProgram } from '../replay/replay-program.js';
import { formatReport, reportJson } from '../replay/report.js';
import { formatSummary, summaryJson } from '../replay/summary.js';
import { StdoutBuffer } from '../replay/stdout-buffer.js';

interface ReplayArgs {
  pcap: string;
  prog?: string;
  scenario?: string;
  at?: string;
  maps?: string;
  globals?: string;
  ctx?: string;
  backend: BackendChoice;
  out?: string;
  loop: number;
  limit?: number;
  pps?: number;
  mbps?: number;
  topspeed: boolean;
  multiplier?: number;
  quiet: boolean;
  json: boolean;
  progress: 'auto' | 'bar' | 'lines' | 'none';
  stats: boolean;
  batch: number;
}

const bad = (msg: string) => new CliError(EXIT.BAD_INPUT, msg);

function checkPcap(path: string): void {
  if (!existsSync(path)) throw bad(`${path}: no such file`);
  if (statSync(path).isDirectory()) throw bad(`${path}: is a directory`);
}

/** Ctrl-C stops after the current packet; the summary and output captures are still written. */
function onInterrupt(): { stopped: () => boolean; done: () => void } {
  let stop = false;
  const handler = () => {
    if (stop) process.exit(130);
    stop = true;
  };
  process.on('SIGINT', handler);
  return { stopped: () => stop, done: () => process.off('SIGINT', handler) };
}

function translate(e: unknown): never {
  if (e instanceof ReplayError) {
    throw new CliError(e.kind === 'bad-input' ? EXIT.BAD_INPUT : e.kind === 'environment' ? EXIT.ENVIRONMENT : EXIT.CHECK_FAILED, e.message);
  }
  throw e;
}

async function replayProgramCommand(a: ReplayArgs, pacing: Pacing): Promise<void> {
  const { obj, prog } = splitProg(a.prog!);
  const spec = await loadSpec(obj);
  let p;
  try { p = findProgram(spec, prog); } catch (e) { throw bad((e as Error).message); }
  const ctx = a.ctx ? encodeCtxFile(a.ctx, p.type === 'xdp') : undefined;
  const globals = a.globals ? globalPatches(readJson(a.globals, 'globals'), spec, a.globals) : [];
  const maps = a.maps ? (readJson(a.maps, 'map state') as MapsJson) : undefined;
  const engines = await openEngines({ objPath: obj, spec, prog, backend: a.backend, globals, ...(maps ? { maps } : {}), ...(ctx ? { ctx } : {}) });
  const stdout = new StdoutBuffer();
  const mode = Progress.modeFor(process.stderr, a.progress);
  const position = new ReadPosition();
  const progress = new Progress(process.stderr, { mode, ...(a.limit !== undefined ? { total: a.limit } : {}), fraction: () => position.fraction() });
  if (mode === 'bar') stdout.beforeFlush = () => progress.clear();
  const interrupt = onInterrupt();
  let result;
  try {
    result = await replayProgram({
      file: a.pcap, engines, loop: a.loop, ...(a.limit !== undefined ? { limit: a.limit } : {}), pacing,
      ...(a.out !== undefined ? { outDir: a.out } : {}), progress, position, batch: a.batch, stopped: interrupt.stopped,
      wantSummary: !a.quiet,
      ...(a.quiet ? {} : { onPacket: (r) => stdout.line(a.json ? JSON.stringify(reportJson(r)) : formatReport(r)) }),
    });
  } finally {
    interrupt.done();
    await engines.close();
  }
  const summary = {
    counts: result.counts, wallNs: result.wallNs, prog: engines.prog, backend: a.backend, ...(a.backend === 'emu' ? { pacing: describePacing(pacing) } : {}),
    ...(engines.emu ? { engine: engines.obj.vm.lastEngine } : {}),
    ...(result.divergences ? { divergences: { count: result.divergences.count, packets: result.divergences.packets } } : {}),
    ...(a.stats ? { peakRssKiB: peakRssKiB() ?? 0 } : {}),
    ...(result.damaged ? { damaged: result.damaged.message } : {}),
    ...(interrupt.stopped() ? { interrupted: true } : {}),
  };
  if (a.json) {
    stdout.line(JSON.stringify({ summary: { ...summaryJson(summary), ...(result.outputs ? { outputs: result.outputs } : {}), ...(result.divergences ? { divergence_report: result.divergences.comparison() } : {}) } }));
  } else {
    stdout.line(formatSummary(summary));
    if (result.outputs) stdout.line(`Output captures in ${a.out}: ${result.outputs.map((f) => `${f.name}.pcap (${f.packets})`).join(', ')}`);
    if (result.divergences) stdout.line(formatDiff(result.divergences.comparison()) + (result.divergences.count > result.divergences.kept.length ? `\n(${result.divergences.count - result.divergences.kept.length} more divergences not shown)` : ''));
  }
  stdout.flush();
  if (result.damaged) process.stderr.write(`dpsim: ${a.pcap}: ${result.damaged.message}\n`);
  process.exitCode = result.divergences?.count ? EXIT.DIVERGENCE : result.damaged || result.counts.faults ? EXIT.CHECK_FAILED : EXIT.OK;
}

function encodeCtxFile(file: string, xdp: boolean): Uint8Array {
  try {
    return encodeCtx(xdp ? XDP_CTX : SKB_CTX, readJson(file, 'ctx'), file);
  } catch (e) {
    if (e instanceof TypeError) throw bad(e.message);
    throw e;
  }
}

async function replayScenarioCommand(a: ReplayArgs): Promise<void> {
  const { scenarioPlan } = await import('../replay/scenario-plan.js');
  const { buildBpf } = await import('./examples.js');
  const { replayScenario, parsePoint } = await import('../replay/replay-scenario.js');
  const { formatScenarioSummary, scenarioSummaryJson } = await import('../replay/scenario-summary.js');
  if (!a.at) throw bad('--scenario needs --at PLACE/DEVICE:ingress|egress (where the packets are injected)');
  for (const [flag, given] of [['--maps', a.maps], ['--globals', a.globals], ['--ctx', a.ctx], ['--pps', a.pps], ['--mbps', a.mbps], ['--multiplier', a.multiplier]] as const) {
    if (given !== undefined) throw bad(`${flag} applies to --prog replays; with --scenario the agent configures the datapath and the emulator owns the clock`);
  }
  if (a.backend !== 'emu') throw bad('--scenario replays run on the emulator only (--backend emu)');
  const at = parsePoint(a.at);
  const { plan } = await scenarioPlan(a.scenario!);
  buildBpf();
  const mode = Progress.modeFor(process.stderr, a.progress);
  const position = new ReadPosition();
  const progress = new Progress(process.stderr, { mode, ...(a.limit !== undefined ? { total: a.limit } : {}), fraction: () => position.fraction() });
  const interrupt = onInterrupt();
  let r;
  try {
    r = await replayScenario({
      file: a.pcap, plan, at, loop: a.loop, ...(a.limit !== undefined ? { limit: a.limit } : {}),
      ...(a.out !== undefined ? { outDir: a.out } : {}), batch: a.batch, progress, position, stopped: interrupt.stopped,
    });
  } finally {
    interrupt.done();
  }
  const json = { ...scenarioSummaryJson(r, a.at), ...(a.stats ? { peak_rss_kib: peakRssKiB() ?? 0 } : {}) };
  if (a.json) process.stdout.write(JSON.stringify({ summary: json }) + '\n');
  else {
    process.stdout.write(formatScenarioSummary(r, a.at) + '\n');
    if (r.outputs) process.stdout.write(`Output captures in ${a.out}: ${r.outputs.map((f) => `${basename(f.path)} (${f.packets})`).join(', ')}\n`);
    if (a.stats) process.stdout.write(`Peak RSS: ${((json.peak_rss_kib as number) / 1024).toFixed(1)} MiB (VmHWM ${json.peak_rss_kib} kB)\n`);
  }
  if (r.damaged) process.stderr.write(`dpsim: ${a.pcap}: ${r.damaged.message}\n`);
  process.exitCode = r.damaged ? EXIT.CHECK_FAILED : EXIT.OK;
}

export function registerReplay(y: Argv): Argv {
  return y.command('replay <pcap>', 'replay a capture through a program (VM, kernel or both) or into the emulated topology, like tcpreplay', (c) => c
    .positional('pcap', { type: 'string', demandOption: true, describe: 'pcap or pcapng file' })
    .option('prog', { type: 'string', describe: 'OBJ:PROG, e.g. bpf/build/bpf_lxc.o:cil_from_container' })
    .option('scenario', { type: 'string', describe: 'scenario YAML: inject into its emulated topology (with --at)' })
    .option('at', { type: 'string', describe: 'with --scenario: PLACE/DEVICE:ingress|egress, e.g. node1/lxcfrontend:ingress, pod:frontend/eth0:egress' })
    .option('maps', { type: 'string', describe: 'initial map contents (map JSON, docs/map-json.md)' })
    .option('globals', { type: 'string', describe: 'global data set before load: {".rodata": {"node_ip": 3232248321, ...}}' })
    .option('ctx', { type: 'string', describe: 'context fields for every packet as JSON, e.g. {"ingress_ifindex": 11}' })
    .option('backend', { choices: ['emu', 'kernel', 'both'] as const, default: 'emu' as const, describe: 'emu = the VM; kernel = BPF_PROG_TEST_RUN per packet; both = compared (exit 2 on divergence)' })
    .option('out', { type: 'string', describe: 'directory for the output captures (passed.pcap, dropped.pcap, redirect-IFINDEX.pcap, other.pcap; per observation point with --scenario)' })
    .option('loop', { type: 'number', default: 1, describe: 'replay the capture N times (0: until --limit or Ctrl-C)' })
    .option('limit', { alias: 'L', type: 'number', describe: 'stop after N packets in all' })
    .option('pps', { type: 'number', describe: 'pace at N packets per second of virtual time' })
    .option('mbps', { alias: 'M', type: 'number', describe: 'pace at N Mbit/s of virtual time' })
    .option('topspeed', { alias: 't', type: 'boolean', default: false, describe: "as fast as possible: dpsim never sleeps anyway; the virtual clock follows the capture's gaps (the default)" })
    .option('multiplier', { alias: 'x', type: 'number', describe: "the capture's gaps divided by X on the virtual clock" })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no per-packet lines, only the summary' })
    .option('j', { alias: 'json', type: 'boolean', default: false, describe: 'JSON lines: one per packet, then {"summary": ...}' })
    .option('progress', { choices: ['auto', 'bar', 'lines', 'none'] as const, default: 'auto' as const, describe: 'on stderr: a bar on a terminal, a line every 2 s otherwise' })
    .option('stats', { type: 'boolean', default: false, describe: "add the process's peak RSS (VmHWM) to the summary" })
    .option('batch', { type: 'number', default: 256, describe: 'kernel test runs in flight at once; frames per emulator step with --scenario' }),
  async (argv) => {
    const a = argv as unknown as ReplayArgs;
    try {
      if (!!a.prog === !!a.scenario) throw bad('give exactly one of --prog OBJ:PROG and --scenario FILE');
      if (a.at && !a.scenario) throw bad('--at goes with --scenario');
      checkCounts(a);
      const pacing = pacingOf(a);
      checkPcap(a.pcap);
      if (a.scenario) await replayScenarioCommand(a);
      else await replayProgramCommand(a, pacing);
    } catch (e) {
      translate(e);
    }
  });
}
