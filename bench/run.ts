// `npm run bench`: the VM's two engines (the interpreter and the WebAssembly fast path) against
// the kernel's JIT (BPF_PROG_TEST_RUN with repeat), on the same objects, packets and map
// contents, side by side in one run; then `dpsim replay`'s packets per second per engine.
//
//   npm run bench                          # table on stdout (progress on stderr)
//   npm run bench -- --json                # machine-readable results on stdout
//   npm run bench -- --vm-only             # skip the kernel (e.g. under a profiler)
//   npm run bench -- --engine interp       # one engine (interp | wasm | both, the default)
//   npm run bench -- --quick               # smoke run: 3 rounds, short warm-up, 100k replay packets
//   npm run bench -- --only alu_loop,datapath --rounds 9 --no-tracing --no-replay
//
// The kernel does not count instructions; the interpreter's count for the same object, packet
// and path (retval, data_out and events are checked to be equal) converts every engine's ns/run
// into instructions/s. Each engine reports the engine that actually ran (TestRunResult.engine);
// a fallback is marked, never assumed away. See bench/README.md.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadObjectSpec } from '../src/elf/index.js';
import { LoadedObject, testRun, type EngineName, type LoadedProgram, type TestRunResult, type StepHook } from '../src/vm/index.js';
import { KernelTestRun, kernelAvailability, type TestRunResult as KernelResult } from '../harness/testrun.js';
import {
  BENCH_DIR, buildProg, aluPacket, csumPacket, routePacket, routeMapEntries, helperPacket, helperMapEntries, type MapEntry,
} from './lib.js';
import {
  benchCluster, datapathBenches, datapathObjectPath, loadDatapathVm, mapSizes, openDatapathKernel, DP_MAX_REPEAT, DP_NODES, type DatapathBench, type DpObject,
} from './datapath.js';
import { translationSection, translationLines, type TranslationRow } from './translation.js';
import { ensureCapture, expectedReplayCounts, runReplayChild, writeReplayState, type ReplayChildResult } from './replay.js';

// ---- options ----

type EngineChoice = 'interp' | 'wasm' | 'both';

interface Options {
  json: boolean;
  vmOnly: boolean;
  tracing: boolean;
  replay: boolean;
  quick: boolean;
  rounds: number;
  only: string[] | null;
  engine: EngineChoice;
}

const GROUPS: Record<string, string[]> = {
  loops: ['alu_loop', 'csum_loop'],
  datapath: ['lxc_same_node', 'lxc_cross_node', 'lxc_world', 'host_snat'],
};

const USAGE = 'usage: npm run bench -- [--json] [--vm-only] [--engine interp|wasm|both] [--quick] [--no-tracing] [--no-replay]\n' +
  '                         [--rounds N] [--only name,name] (names: alu_loop csum_loop route_lpm helper_loop lxc_same_node\n' +
  '                         lxc_cross_node lxc_world host_snat replay; groups: loops datapath)\n';

function parseArgs(argv: string[]): Options {
  const o: Options = { json: false, vmOnly: false, tracing: true, replay: true, quick: false, rounds: NaN, only: null, engine: 'both' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') o.json = true;
    else if (a === '--vm-only') o.vmOnly = true;
    else if (a === '--no-tracing') o.tracing = false;
    else if (a === '--no-replay') o.replay = false;
    else if (a === '--quick') o.quick = true;
    else if (a === '--rounds') o.rounds = Math.max(1, Math.floor(Number(argv[++i])));
    else if (a === '--only') o.only = (argv[++i] ?? '').split(',').filter(Boolean).flatMap((n) => GROUPS[n] ?? [n]);
    else if (a === '--engine') {
      const e = argv[++i];
      if (e !== 'interp' && e !== 'wasm' && e !== 'both') {
        process.stderr.write(`bench: --engine takes interp, wasm or both, not ${e ?? 'nothing'}\n`);
        process.exit(3);
      }
      o.engine = e;
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else {
      process.stderr.write(`bench: unknown argument ${a} (try --help)\n`);
      process.exit(3);
    }
  }
  if (!Number.isFinite(o.rounds)) o.rounds = o.quick ? 3 : 7;
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const log = (msg: string) => process.stderr.write(`${msg}\n`);

const ENGINES: EngineName[] = opts.engine === 'both' ? ['interp', 'wasm'] : [opts.engine];
const TARGET_MIPS = 200;
const VM_ROUND_MS = opts.quick ? 60 : 120;
const KERNEL_ROUND_MS = opts.quick ? 30 : 60;
const VM_WARMUP_MS = opts.quick ? 600 : 1500; // over all benchmarks, interleaved
const TRACE_ROUNDS = opts.quick ? 3 : 5;
/** Test runs per kernel round at most (repeat-1 benchmarks would otherwise need thousands). */
const KERNEL_MAX_CALLS = 400;
/** Kernel test runs in flight at once (the helper answers in order). */
const KERNEL_PIPELINE = 64;
const REPLAY_PACKETS = opts.quick ? 100_000 : 1_000_000;
/** The kernel's replay is one test run per packet through the helper's line protocol (~19k packets/s here). */
const KERNEL_REPLAY_PACKETS = opts.quick ? 100_000 : 1_000_000;

// ---- the benchmarks ----

interface Case {
  name: string;
  what: string;
  /** Counts towards the interpreter's instructions/s target. */
  loop: boolean;
  datapath: boolean;
  prog: string;
  packet: Uint8Array;
  ctx: Uint8Array | undefined;
  /** Runs of one test run that all take the same path (Infinity: the program is stateless). */
  maxRepeat: number;
  /** Runs before the checked run, to put conntrack/NAT state where the timed runs find it. */
  prime: number;
  objPath(): string;
  /** The object in the VM with the engine; `fresh` = not the shared (datapath) one. */
  loadVm(engine: EngineName, fresh?: boolean): Promise<LoadedObject>;
  /** The object in the kernel, maps filled; release() when done with it. */
  openKernel(): Promise<{ kt: KernelTestRun; release(): Promise<void> }>;
}

function fillVm(name: string, obj: LoadedObject, maps: MapEntry[]): void {
  for (const e of maps) {
    const map = obj.map(e.map) as unknown as { userUpdate(key: Uint8Array, value: Uint8Array): number };
    const err = map.userUpdate(e.key, e.value);
    if (err !== 0) throw new Error(`${name}: VM map ${e.map} update failed (errno ${-err})`);
  }
}

/** One of bench/progs/*.c: stateless, its maps filled from bench/lib.ts. */
function progCase(name: string, what: string, packet: Uint8Array, maps: MapEntry[], loop: boolean): Case {
  return {
    name, what, loop, datapath: false, prog: name, packet, ctx: undefined, maxRepeat: Infinity, prime: 0,
    objPath: () => buildProg(name),
    async loadVm(engine) {
      const obj = LoadedObject.load(await loadObjectSpec(buildProg(name)), { engine });
      fillVm(name, obj, maps);
      return obj;
    },
    async openKernel() {
      const kt = await KernelTestRun.open(buildProg(name));
      try {
        await kt.load();
        for (const e of maps) await kt.update(e.map, e.key, e.value);
      } catch (err) {
        await kt.close();
        throw err;
      }
      return { kt, release: () => kt.close() };
    },
  };
}

/** The datapath objects are shared by the benchmarks of the same object (one per engine, one kernel helper). */
const dpVms = new Map<string, Promise<LoadedObject>>();
const dpKernels = new Map<DpObject, Promise<KernelTestRun>>();

function datapathCase(b: DatapathBench): Case {
  return {
    name: b.name, what: b.what, loop: false, datapath: true, prog: b.prog, packet: b.packet, ctx: b.ctx, maxRepeat: b.maxRepeat, prime: 1,
    objPath: () => datapathObjectPath(b.object),
    loadVm(engine, fresh) {
      if (fresh) return loadDatapathVm(b.object, engine);
      const key = `${b.object}/${engine}`;
      let p = dpVms.get(key);
      if (!p) dpVms.set(key, (p = loadDatapathVm(b.object, engine)));
      return p;
    },
    async openKernel() {
      let p = dpKernels.get(b.object);
      if (!p) {
        log(`kernel: loading ${b.object}.o and filling its maps ...`);
        dpKernels.set(b.object, (p = openDatapathKernel(b.object)));
      }
      return { kt: await p, release: async () => {} };
    },
  };
}

function allCases(): Case[] {
  return [
    progCase('alu_loop', '4096 rounds of a 64-bit add/xor/shift/mul/rotate mix', aluPacket(), [], true),
    progCase('csum_loop', 'ones\' complement checksum of a 1500-byte packet, 16-bit words, bounds check per word', csumPacket(1500), [], true),
    progCase('route_lpm', 'per packet: parse, LPM route lookup, hash policy lookup, 2 atomic counters, MAC rewrite', routePacket(128), routeMapEntries(), false),
    progCase('helper_loop', '128 rounds of 4 helper calls: array lookup, hash lookup, bpf_skb_load_bytes, bpf_csum_diff', helperPacket(), helperMapEntries(), false),
    ...datapathBenches().map(datapathCase),
  ];
}

// ---- helpers ----

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const mips = (insns: number, ns: number) => (ns > 0 ? (insns / ns) * 1e3 : 0); // insns/ns * 1e3 = M insns/s

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function hexdiff(a: Uint8Array, b: Uint8Array): string {
  const at = a.findIndex((x, i) => x !== b[i]);
  return `lengths ${a.length}/${b.length}, first difference at byte ${at < 0 ? Math.min(a.length, b.length) : at}`;
}

const errors: string[] = [];
const notes: string[] = [];
const reported = new Set<string>();
function loud(msg: string, once?: string): void {
  if (once !== undefined) {
    if (reported.has(once)) return;
    reported.add(once);
  }
  errors.push(msg);
  log(`\n!!!!!!!! BENCH ERROR: ${msg}\n`);
}

/** What both sides of a comparison observed of one run. */
interface Observed {
  retval: number;
  dataOut: Uint8Array;
  events: number;
}

const hex = (n: number) => `${n} (0x${n.toString(16)})`;

/** Loud when two runs disagree on retval, data_out or the number of events. */
function agree(what: string, a: { side: string; o: Observed }, b: { side: string; o: Observed }): boolean {
  if (a.o.retval !== b.o.retval) {
    loud(`${what}: ${a.side} and ${b.side} disagree: retval ${hex(a.o.retval)} vs ${hex(b.o.retval)}`);
    return false;
  }
  if (!sameBytes(a.o.dataOut, b.o.dataOut)) {
    loud(`${what}: ${a.side} and ${b.side} disagree on data_out (${hexdiff(a.o.dataOut, b.o.dataOut)})`);
    return false;
  }
  if (a.o.events !== b.o.events) {
    loud(`${what}: ${a.side} and ${b.side} disagree on the number of events: ${a.o.events} vs ${b.o.events}`);
    return false;
  }
  return true;
}

const vmObserved = (r: TestRunResult): Observed => ({ retval: r.retval, dataOut: r.dataOut, events: r.events.length });
const kernelObserved = (r: KernelResult): Observed => ({ retval: r.retval, dataOut: r.dataOut, events: r.events.length });

// ---- the VM side ----

interface VmBench {
  c: Case;
  /** The engine asked for (LoadOptions.engine). */
  engine: EngineName;
  /** Timed (a selected engine), or only the interpreter's reference count and result. */
  timed: boolean;
  obj: LoadedObject;
  prog: LoadedProgram;
  primes: TestRunResult[];
  /** The checked run: the state and path every timed run repeats. */
  check: TestRunResult;
  /** Runs per timed round. */
  runs: number;
  /** Engines that actually ran (TestRunResult.engine of every run). */
  ran: Set<EngineName>;
}

function vmCall(b: { c: Case; obj: LoadedObject; prog: LoadedProgram; ran: Set<EngineName> }, repeat: number): TestRunResult {
  const r = testRun(b.obj, b.prog, { dataIn: b.c.packet, ...(b.c.ctx ? { ctxIn: b.c.ctx } : {}), repeat });
  if (r.fault) throw new Error(`${b.c.name}: VM fault: ${r.fault.kind}: ${r.fault.message} at pc ${r.fault.pc}`);
  b.ran.add(r.engine);
  return r;
}

const label = (b: VmBench) => `${b.c.name} (${b.engine})`;

/** Average ns/run over `runs` runs, in test runs of at most maxRepeat; each is checked to take the checked path. */
function vmRuns(b: VmBench, runs: number): number {
  let left = Math.max(1, runs), ns = 0, n = 0;
  const perRun = b.check.events.length;
  while (left > 0) {
    const repeat = Math.min(left, b.c.maxRepeat);
    const r = vmCall(b, repeat);
    if (r.retval !== b.check.retval) loud(`${label(b)}: retval changed under repeat: ${hex(r.retval)}, checked run ${hex(b.check.retval)}`, `${label(b)} retval`);
    if (r.engine === 'interp' && b.check.engine === 'interp' && r.insnCount !== b.check.insnCount) {
      loud(`${label(b)}: the path changed under repeat: ${r.insnCount} instructions, checked run ${b.check.insnCount}`, `${label(b)} path`);
    }
    if (r.events.length !== perRun * repeat) loud(`${label(b)}: ${r.events.length} events in ${repeat} runs, ${perRun} a run expected`, `${label(b)} events`);
    ns += r.durationNs * repeat;
    n += repeat;
    left -= repeat;
  }
  return ns / n;
}

async function loadVmBench(c: Case, engine: EngineName, timed: boolean): Promise<VmBench> {
  const obj = await c.loadVm(engine);
  const prog = obj.program(c.prog);
  const b = { c, engine, timed, obj, prog, primes: [] as TestRunResult[], runs: 1, ran: new Set<EngineName>() };
  for (let i = 0; i < c.prime; i++) b.primes.push(vmCall(b, 1));
  return { ...b, check: vmCall(b, 1) };
}

/** Runs every benchmark, interleaved, for about `ms` in total (so TurboFan sees them all). */
function warmUp(benches: VmBench[], ms: number): Map<VmBench, number> {
  const nsPerRun = new Map<VmBench, number>();
  const end = performance.now() + ms;
  const runs = benches.map(() => 1);
  while (performance.now() < end) {
    benches.forEach((b, i) => {
      const ns = vmRuns(b, runs[i]!);
      nsPerRun.set(b, ns);
      // Chunks of about 10 ms, so all benchmarks get their share.
      runs[i] = Math.max(1, Math.min(100_000, Math.round(10e6 / Math.max(ns, 1))));
    });
  }
  return nsPerRun;
}

const runsFor = (nsPerRun: number, ms: number) => Math.max(1, Math.round((ms * 1e6) / Math.max(nsPerRun, 1)));

/** CPU share of every timed VM round (see vmRounds). */
const cpuShares: number[] = [];

/**
 * ns/run of `rounds` rounds, the benchmarks interleaved round by round. Also the share of
 * the wall-clock time this process had the CPU (process.cpuUsage()): well below 1 means
 * other processes took the CPU and the round's wall-clock figure is pessimistic.
 */
function vmRounds(benches: VmBench[], rounds: number): Map<VmBench, number[]> {
  const out = new Map<VmBench, number[]>(benches.map((b) => [b, []]));
  for (let r = 0; r < rounds; r++) {
    for (const b of benches) {
      const c0 = process.cpuUsage();
      const w0 = process.hrtime.bigint();
      out.get(b)!.push(vmRuns(b, b.runs));
      const wall = Number(process.hrtime.bigint() - w0) / 1e3;
      const c = process.cpuUsage(c0);
      cpuShares.push(Math.min(1, (c.user + c.system) / Math.max(wall, 1)));
    }
  }
  return out;
}

// ---- the kernel side ----

interface KernelFigures {
  nsPerRun: number;
  rounds: number[];
  runs: number;
  repeat: number;
  /** Perf samples the kernel dropped for lack of room (a dropped sample is cheaper). */
  lostEvents: number;
}

/** Average ns/run over `runs` runs in test runs of at most maxRepeat, pipelined; each checked. */
async function kernelRuns(c: Case, kt: KernelTestRun, runs: number, check: Observed, lost: { n: number }): Promise<number> {
  const repeats: number[] = [];
  for (let left = Math.max(1, runs); left > 0; left -= repeats.at(-1)!) repeats.push(Math.min(left, c.maxRepeat));
  let ns = 0, n = 0;
  for (let i = 0; i < repeats.length; i += KERNEL_PIPELINE) {
    const chunk = repeats.slice(i, i + KERNEL_PIPELINE);
    const results = await Promise.all(chunk.map((repeat) => kt.run(c.prog, c.packet, { repeat, ...(c.ctx ? { ctx: c.ctx } : {}) })));
    results.forEach((r, j) => {
      const repeat = chunk[j]!;
      if (r.retval !== check.retval) loud(`${c.name} (kernel): retval changed under repeat: ${hex(r.retval)}, checked run ${hex(check.retval)}`, `${c.name} kernel retval`);
      if (r.events.length + r.lostEvents !== check.events * repeat) {
        loud(`${c.name} (kernel): ${r.events.length} events (+${r.lostEvents} lost) in ${repeat} runs, ${check.events} a run expected`, `${c.name} kernel events`);
      }
      lost.n += r.lostEvents;
      ns += r.durationNs * repeat;
      n += repeat;
    });
  }
  return ns / n;
}

/** Calibrated timed rounds of a checked kernel test run (its retval, data_out and events per run are `obs`). */
async function kernelTime(c: Case, kt: KernelTestRun, obs: Observed, rounds: number): Promise<KernelFigures> {
  const lost = { n: 0 };
  // Warm-up and calibration: about 20 ms of the kernel's time.
  let ns = await kernelRuns(c, kt, Math.min(100, c.maxRepeat * 8), obs, lost);
  ns = await kernelRuns(c, kt, Math.min(runsFor(ns, 20), c.maxRepeat * KERNEL_MAX_CALLS), obs, lost);
  const runs = Math.min(runsFor(ns, KERNEL_ROUND_MS), c.maxRepeat * KERNEL_MAX_CALLS);
  lost.n = 0;
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) out.push(await kernelRuns(c, kt, runs, obs, lost));
  return { nsPerRun: median(out), rounds: out, runs, repeat: Math.min(runs, c.maxRepeat), lostEvents: lost.n };
}

const kernelRun1 = (c: Case, kt: KernelTestRun) => kt.run(c.prog, c.packet, { repeat: 1, ...(c.ctx ? { ctx: c.ctx } : {}) });

async function kernelBench(c: Case, vms: VmBench[], rounds: number): Promise<KernelFigures | null> {
  const { kt, release } = await c.openKernel();
  try {
    const primes: KernelResult[] = [];
    for (let i = 0; i < c.prime; i++) primes.push(await kernelRun1(c, kt));
    const check = await kernelRun1(c, kt);
    let ok = true;
    for (const b of vms) {
      primes.forEach((p, i) => {
        ok = agree(`${c.name}, run ${i + 1} (new flow)`, { side: `VM (${b.engine})`, o: vmObserved(b.primes[i]!) }, { side: 'kernel', o: kernelObserved(p) }) && ok;
      });
      ok = agree(`${c.name}${c.prime ? `, run ${c.prime + 1} (the timed path)` : ''}`, { side: `VM (${b.engine})`, o: vmObserved(b.check) }, { side: 'kernel', o: kernelObserved(check) }) && ok;
    }
    if (!ok) return null;
    return await kernelTime(c, kt, kernelObserved(check), rounds);
  } finally {
    await release();
  }
}

/**
 * The datapath in the kernel with its events off: cilium_events emptied (the helper's `clear`
 * deletes the perf event of every CPU's slot), so bpf_perf_event_output fails at once
 * (-ENOENT, which the datapath ignores) and the run otherwise takes the same path: checked
 * against the VM's retval and data_out, with no events.
 */
async function kernelQuietBench(c: Case, vm: VmBench, rounds: number): Promise<KernelFigures | null> {
  const { kt, release } = await c.openKernel();
  try {
    const check = await kernelRun1(c, kt);
    const want: Observed = { ...vmObserved(vm.check), events: 0 };
    if (!agree(`${c.name} with cilium_events emptied`, { side: `VM (${vm.engine}), its events not counted`, o: want }, { side: 'kernel', o: kernelObserved(check) })) return null;
    return await kernelTime(c, kt, want, rounds);
  } finally {
    await release();
  }
}

// ---- tracing: the cost of the step hook (interpreter, loops) ----

/**
 * The baseline "no hook at all": a copy of src/vm/interpreter.ts with the one line that
 * tests `step` removed, generated into bench/.gen/ (git-ignored) with its imports pointed
 * back at src/. Its Vm class is put under a LoadedObject's vm (Object.setPrototypeOf), so the
 * run takes exactly the same path except for that line. null if the line is not found.
 */
const HOOK_LINE = /^[ \t]*if \(step !== null\) \{[^}]*step\(this, prog, pc\);[^}]*\}[ \t]*\n/m; // one line in src, several in dist

async function noHookVmPrototype(): Promise<{ proto: object } | { reason: string }> {
  // Run from dist/ (npm run bench): copy the compiled interpreter; under tsx: the TypeScript.
  const compiled = fileURLToPath(import.meta.url).endsWith('.js');
  const srcRoot = compiled ? join(dirname(fileURLToPath(import.meta.url)), '..', 'src') : join(BENCH_DIR, '..', 'src');
  const srcPath = join(srcRoot, 'vm', compiled ? 'interpreter.js' : 'interpreter.ts');
  const src = readFileSync(srcPath, 'utf8');
  if (!HOOK_LINE.test(src)) return { reason: `the step-hook line of ${srcPath} was not found (it changed): baseline skipped` };
  const genDir = compiled ? join(dirname(fileURLToPath(import.meta.url)), '.gen') : join(BENCH_DIR, '.gen');
  const out = src
    .replace(HOOK_LINE, '        // (bench baseline: the step-hook test is removed here)\n')
    .replace(/from '(\.\.?\/)([^']*)'/g, (_m, rel: string, rest: string) => `from '${rel === './' ? '../../src/vm/' : '../../src/'}${rest}'`);
  try {
    mkdirSync(genDir, { recursive: true });
    const file = join(genDir, compiled ? 'interpreter-nohook.js' : 'interpreter-nohook.ts');
    writeFileSync(file, `// GENERATED by bench/run.ts from src/vm/interpreter.ts; do not edit.\n${out}`);
    const mod = (await import(pathToFileURL(file).href)) as { Vm: { prototype: object } };
    return { proto: mod.Vm.prototype };
  } catch (err) {
    return { reason: `no-hook baseline skipped: ${(err as Error).message.split('\n')[0]}` };
  }
}

interface TraceRow {
  bench: string;
  variant: string;
  nsPerRun: number;
  mips: number;
  /** ns/run relative to its reference (see `vs`): > 1 is slower. */
  vsHookOff: number;
  vs: string;
}

/** A second interpreter object of the same benchmark (its own Vm, maps filled the same way). */
async function twin(b: VmBench, proto?: object): Promise<VmBench> {
  const obj = await b.c.loadVm('interp', true);
  if (proto) Object.setPrototypeOf(obj.vm, proto);
  const prog = obj.program(b.c.prog);
  const t = { ...b, obj, prog, primes: [], ran: new Set<EngineName>() };
  return { ...t, check: vmCall(t, 1) };
}

/**
 * Phase 1, before any step function was ever installed: step = null (the default) against
 * the copy without the hook line, rounds interleaved. Phase 2: a no-op step function on
 * twin objects, interleaved with the step = null objects again (the interpreter has now seen
 * step calls): the cost of tracing on, and whether having traced once slows the untraced VM.
 */
async function tracing(vms: VmBench[], rounds: number): Promise<{ rows: TraceRow[]; notes: string[] }> {
  const rows: TraceRow[] = [];
  const tnotes: string[] = [];
  const loops = vms.filter((b) => b.c.loop && b.engine === 'interp' && b.timed);
  if (loops.length === 0) return { rows, notes: tnotes };
  const row = (b: VmBench, variant: string, ns: number, ref: number, vs: string) =>
    rows.push({ bench: b.c.name, variant, nsPerRun: ns, mips: mips(b.check.insnCount, ns), vsHookOff: ns / ref, vs });

  // Phase 1.
  const base = await noHookVmPrototype();
  const phase1: VmBench[] = [...loops];
  const copyOf = new Map<VmBench, VmBench>();
  if ('proto' in base) {
    const copies: VmBench[] = [];
    for (const b of vms.filter((x) => x.engine === 'interp' && !x.c.datapath)) {
      const c = await twin(b, base.proto);
      if (c.check.retval !== b.check.retval || c.check.insnCount !== b.check.insnCount) {
        loud(`${b.c.name}: the no-hook interpreter copy disagrees with the VM (retval ${c.check.retval} vs ${b.check.retval})`);
      }
      copies.push(c);
      if (b.c.loop) copyOf.set(b, c);
    }
    log('tracing: warming up the copy without the hook line ...');
    warmUp(copies, VM_WARMUP_MS);
    for (const [b, c] of copyOf) {
      c.runs = b.runs;
      phase1.push(c);
    }
  } else {
    tnotes.push(base.reason);
  }
  log('tracing: step = null vs no hook line ...');
  const shares0 = cpuShares.length;
  const r1 = vmRounds(phase1, rounds);
  const hookOff = new Map<VmBench, number>();
  for (const b of loops) {
    const ns = median(r1.get(b)!);
    hookOff.set(b, ns);
    row(b, 'step = null (default)', ns, ns, 'itself');
    const c = copyOf.get(b);
    if (c) row(b, 'no hook line (bench copy)', median(r1.get(c)!), ns, 'step = null, same rounds');
  }

  // Phase 2.
  const noop: StepHook = () => {};
  const traced = new Map<VmBench, VmBench>();
  for (const b of loops) {
    const t = await twin(b);
    t.obj.vm.step = noop;
    traced.set(b, t);
  }
  log('tracing: no-op step installed ...');
  const nsTraced = warmUp([...traced.values(), ...loops], VM_WARMUP_MS / 2);
  for (const t of traced.values()) t.runs = runsFor(nsTraced.get(t)!, VM_ROUND_MS);
  const r2 = vmRounds([...loops, ...traced.values()], rounds);
  for (const b of loops) {
    const nsNull = median(r2.get(b)!);
    row(b, 'no-op step installed', median(r2.get(traced.get(b)!)!), nsNull, 'step = null, same rounds');
    row(b, 'step = null after tracing', nsNull, hookOff.get(b)!, 'step = null before tracing');
  }
  const share = median(cpuShares.slice(shares0));
  if (share < 0.9) tnotes.push(`WARNING: this process had the CPU only ${(100 * share).toFixed(0)}% of the time in these rounds: the comparison is noisy.`);
  return { rows, notes: tnotes };
}

// ---- the replay ----

interface ReplayRow {
  backend: 'emu' | 'kernel';
  requested: EngineName | null;
  ran: EngineName | 'kernel';
  packets: number;
  seconds: number;
  pps: number;
}

interface ReplaySection {
  pcap: string;
  rows: ReplayRow[];
  notes: string[];
}

function checkReplay(r: ReplayChildResult, what: string, packets: number): void {
  const want = expectedReplayCounts(packets);
  const got = { packets: r.packets, passed: r.passed, redirected: r.redirected, dropped: r.dropped, other: r.other, refused: r.refused, faults: r.faults, skipped: r.skipped };
  const expect = { packets, ...want, other: 0, refused: 0, faults: 0, skipped: 0 };
  if (JSON.stringify(got) !== JSON.stringify(expect)) {
    loud(`replay (${what}): counts ${JSON.stringify(got)}, expected ${JSON.stringify(expect)}`);
  }
  if (r.backend === 'emu') {
    const { web } = benchCluster();
    const per = (k: number) => Math.floor(packets / 3) + (packets % 3 > k ? 1 : 0);
    const targets = { [String(web.ifindex)]: per(0), [String(benchCluster().node1.vxlanIfindex)]: per(1) };
    if (JSON.stringify(Object.entries(r.redirects).sort()) !== JSON.stringify(Object.entries(targets).sort())) {
      loud(`replay (${what}): redirect targets ${JSON.stringify(r.redirects)}, expected ${JSON.stringify(targets)}`);
    }
  }
}

async function replaySection(kernelOk: boolean, kernelWhy: string | null): Promise<ReplaySection> {
  const rnotes: string[] = [];
  const pcap = await ensureCapture(REPLAY_PACKETS, log);
  await writeReplayState();
  const rows: ReplayRow[] = [];
  const add = (r: ReplayChildResult) => rows.push({ backend: r.backend, requested: r.requested, ran: r.ran, packets: r.packets, seconds: r.wallNs / 1e9, pps: r.pps });
  for (const engine of ENGINES) {
    log(`replay: ${REPLAY_PACKETS.toLocaleString('en-US')} packets, VM, DPSIM_ENGINE=${engine} (child process) ...`);
    try {
      const r = await runReplayChild({ pcap, packets: REPLAY_PACKETS, backend: 'emu', engine });
      checkReplay(r, `VM, ${engine}`, REPLAY_PACKETS);
      add(r);
    } catch (err) {
      loud(`replay (VM, ${engine}) failed: ${(err as Error).message}`);
    }
  }
  if (kernelOk) {
    log(`replay: ${KERNEL_REPLAY_PACKETS.toLocaleString('en-US')} packets, kernel (child process) ...`);
    try {
      const r = await runReplayChild({ pcap, packets: KERNEL_REPLAY_PACKETS, backend: 'kernel' });
      checkReplay(r, 'kernel', KERNEL_REPLAY_PACKETS);
      add(r);
    } catch (err) {
      loud(`replay (kernel) failed: ${(err as Error).message}`);
    }
    rnotes.push('kernel: one BPF_PROG_TEST_RUN per packet through the test-run helper (256 in flight), so its rate is mostly the helper\'s line protocol, not the program');
  } else {
    rnotes.push(kernelWhy ?? 'kernel replay skipped');
  }
  return { pcap, rows, notes: rnotes };
}

// ---- main ----

interface EngineFigures {
  requested: EngineName;
  /** Engines that actually ran, over every run. */
  ran: EngineName[];
  nsPerRun: number;
  mips: number;
  bestMips: number;
  rounds: number[];
  runsPerRound: number;
  /** This engine's speed relative to the kernel's (kernel ns / engine ns). */
  vsKernel: number | null;
}

interface Row {
  name: string;
  what: string;
  datapath: boolean;
  loop: boolean;
  insnsPerRun: number;
  retval: number;
  eventsPerRun: number;
  maxRepeat: number | null;
  engines: Partial<Record<EngineName, EngineFigures>>;
  kernel: (KernelFigures & { mips: number }) | null;
  /** Datapath: the kernel with cilium_events emptied (bpf_perf_event_output fails at once). */
  kernelNoEvents: (KernelFigures & { mips: number; eventNs: number | null }) | null;
  /** wasm speed / interpreter speed. */
  wasmVsInterp: number | null;
}

let load0 = 0;

async function main(): Promise<number> {
  const t0 = performance.now();
  load0 = loadavg()[0]!;
  const every = allCases();
  const known = new Set([...every.map((c) => c.name), 'replay']);
  const unknown = (opts.only ?? []).filter((n) => !known.has(n));
  if (unknown.length) {
    log(`bench: --only: no benchmark ${unknown.join(', ')} (benchmarks: ${[...known].join(', ')}; groups: ${Object.keys(GROUPS).join(', ')})`);
    return 3;
  }
  const cases = every.filter((c) => !opts.only || opts.only.includes(c.name));
  const doReplay = opts.replay && (!opts.only || opts.only.includes('replay'));

  log(`building bench/progs${cases.some((c) => c.datapath) ? ' and bpf/ (make -C bpf)' : ''}; loading the VM's objects (engines: ${ENGINES.join(', ')}) ...`);
  const vms: VmBench[] = [];
  for (const c of cases) {
    c.objPath();
    // The interpreter is always loaded: its instruction count is the reference for every engine.
    for (const engine of ENGINES.includes('interp') ? ENGINES : (['interp', ...ENGINES] as EngineName[])) {
      vms.push(await loadVmBench(c, engine, ENGINES.includes(engine)));
    }
  }
  const ref = (c: Case) => vms.find((b) => b.c === c && b.engine === 'interp')!;
  // Every engine agrees with the interpreter (and below, with the kernel).
  for (const b of vms.filter((x) => x.engine !== 'interp')) {
    const r = ref(b.c);
    b.primes.forEach((p, i) => agree(`${b.c.name}, run ${i + 1}`, { side: 'interp', o: vmObserved(r.primes[i]!) }, { side: b.engine, o: vmObserved(p) }));
    agree(b.c.name, { side: 'interp', o: vmObserved(r.check) }, { side: b.engine, o: vmObserved(b.check) });
  }
  const timed = vms.filter((b) => b.timed);

  let vmNs = new Map<VmBench, number[]>();
  if (timed.length) {
    log(`VM: warming up (${VM_WARMUP_MS} ms) ...`);
    const warm = warmUp(timed, VM_WARMUP_MS);
    for (const b of timed) b.runs = runsFor(warm.get(b)!, VM_ROUND_MS);
    log(`VM: ${opts.rounds} rounds of ~${VM_ROUND_MS} ms per benchmark and engine ...`);
    vmNs = vmRounds(timed, opts.rounds);
  }

  // The kernel.
  let kernelNote: string | null = null;
  let kernelOk = false;
  const kernel = new Map<Case, KernelFigures | null>();
  const quiet = new Map<Case, KernelFigures | null>();
  if (opts.vmOnly) {
    kernelNote = 'kernel columns skipped (--vm-only)';
  } else {
    const avail = await kernelAvailability();
    if (!avail.ok) {
      kernelNote = `kernel columns missing: ${avail.reason}`;
    } else {
      kernelOk = true;
      for (const c of cases) {
        log(`kernel: ${c.name} ...`);
        try {
          kernel.set(c, await kernelBench(c, vms.filter((b) => b.c === c), opts.rounds));
        } catch (err) {
          loud(`${c.name}: kernel run failed: ${(err as Error).message}`);
          kernel.set(c, null);
        }
      }
      // Then the datapath again with its events off (after every case: the helpers are shared).
      const loud0 = cases.filter((c) => c.datapath && kernel.get(c));
      if (loud0.length) {
        for (const p of dpKernels.values()) await (await p).clear('cilium_events');
        for (const c of loud0) {
          log(`kernel: ${c.name}, cilium_events emptied ...`);
          try {
            quiet.set(c, await kernelQuietBench(c, ref(c), opts.rounds));
          } catch (err) {
            loud(`${c.name}: kernel run with cilium_events emptied failed: ${(err as Error).message}`);
          }
        }
      }
    }
  }
  for (const p of dpKernels.values()) await p.then((kt) => kt.close(), () => {});

  const rows: Row[] = cases.map((c) => {
    const r = ref(c);
    const insns = r.check.insnCount;
    const k = kernel.get(c) ?? null;
    const q = quiet.get(c) ?? null;
    const engines: Row['engines'] = {};
    for (const b of timed.filter((x) => x.c === c)) {
      const rounds = vmNs.get(b)!;
      const ns = median(rounds);
      engines[b.engine] = {
        requested: b.engine, ran: [...b.ran].sort(), nsPerRun: ns, mips: mips(insns, ns), bestMips: mips(insns, Math.min(...rounds)),
        rounds, runsPerRound: b.runs, vsKernel: k && ns > 0 ? k.nsPerRun / ns : null,
      };
    }
    const events = r.check.events.length;
    return {
      name: c.name, what: c.what, datapath: c.datapath, loop: c.loop, insnsPerRun: insns, retval: r.check.retval, eventsPerRun: events,
      maxRepeat: Number.isFinite(c.maxRepeat) ? c.maxRepeat : null, engines,
      kernel: k ? { ...k, mips: mips(insns, k.nsPerRun) } : null,
      kernelNoEvents: q ? { ...q, mips: mips(insns, q.nsPerRun), eventNs: k && events ? (k.nsPerRun - q.nsPerRun) / events : null } : null,
      wasmVsInterp: engines.wasm && engines.interp ? engines.interp.nsPerRun / engines.wasm.nsPerRun : null,
    };
  });
  for (const row of rows) {
    for (const e of Object.values(row.engines)) {
      if (e.ran.some((x) => x !== e.requested)) {
        notes.push(`${row.name}: asked for ${e.requested}, ran ${e.ran.join(' and ')} (TestRunResult.engine)`);
      }
    }
    if (row.kernel?.lostEvents) notes.push(`${row.name}: the kernel lost ${row.kernel.lostEvents} perf events in its timed rounds (a lost event is cheaper: its kernel figure is optimistic)`);
  }

  const dpObj = [...dpVms.values()][0];
  const datapathMaps = dpObj ? mapSizes(await dpObj) : null;

  const trace = opts.tracing && ENGINES.includes('interp') ? await tracing(vms, Math.min(opts.rounds, TRACE_ROUNDS)) : { rows: [], notes: [opts.tracing ? 'tracing comparison skipped (interpreter not selected)' : 'tracing comparison skipped (--no-tracing)'] };

  const replay = doReplay ? await replaySection(kernelOk, kernelNote) : null;
  const translation = ENGINES.includes('wasm') ? await translationSection() : [];
  const elapsedS = (performance.now() - t0) / 1e3;

  const host = {
    node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, kernel: release(),
    loadavgAtStart: load0, medianCpuShare: cpuShares.length ? median(cpuShares) : null,
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({
      host, targetMips: TARGET_MIPS, engines: ENGINES, kernelNote, datapathMaps,
      benchmarks: rows, replay, translation, tracing: trace.rows, tracingNotes: trace.notes, notes, errors, elapsedS,
    }, null, 2)}\n`);
  } else {
    printTable(host, rows, kernelNote, datapathMaps, trace, replay, elapsedS, translation);
  }
  return errors.length ? 1 : 0;
}

// ---- the table ----

const f0 = (x: number) => Math.round(x).toLocaleString('en-US');
const f1 = (x: number) => x.toFixed(1);
const times = (x: number | null) => (x === null ? '—' : `${x >= 10 ? x.toFixed(1) : x >= 0.1 ? x.toFixed(2) : x.toFixed(3)}×`);

function printTable(host: { node: string; cpu: string; cpus: number; kernel: string; loadavgAtStart: number; medianCpuShare: number | null }, rows: Row[],
  kernelNote: string | null, datapathMaps: Record<string, number> | null,
  trace: { rows: TraceRow[]; notes: string[] }, replay: ReplaySection | null, elapsedS: number, translation: TranslationRow[]): void {
  const out: string[] = [];
  out.push(`dpsim bench — node ${host.node}, ${host.cpu} (${host.cpus} CPUs), kernel ${host.kernel}; engines: ${ENGINES.join(', ')}`);
  out.push('');
  // A cell marked * ran on another engine than the one asked for (footnote below).
  const fallback = (e: EngineFigures | undefined) => (e && e.ran.some((x) => x !== e.requested) ? '*' : '');
  if (rows.length) {
    const head: string[] = ['benchmark', 'insns/run'];
    const w: number[] = [14, 9];
    for (const e of ENGINES) {
      head.push(`${e} ns/run`, 'M insns/s', 'vs kernel');
      w.push(13, 9, 11);
    }
    head.push('kernel ns/run', 'M insns/s');
    w.push(13, 9);
    if (ENGINES.length === 2) { head.push('wasm/interp'); w.push(11); }
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
    out.push(line(head));
    out.push(line(w.map((n) => '-'.repeat(n))));
    for (const r of rows) {
      const cells = [r.name, f0(r.insnsPerRun)];
      for (const e of ENGINES) {
        const x = r.engines[e];
        cells.push(x ? `${f0(x.nsPerRun)}${fallback(x)}` : '—', x ? f1(x.mips) : '—', x && x.vsKernel !== null ? `${times(x.vsKernel)}` : '—');
      }
      cells.push(r.kernel ? `${f0(r.kernel.nsPerRun)}${r.datapath ? '†' : ''}` : '—', r.kernel ? f1(r.kernel.mips) : '—');
      if (ENGINES.length === 2) cells.push(r.wasmVsInterp === null ? '—' : `${times(r.wasmVsInterp)}${fallback(r.engines.wasm)}`);
      out.push(line(cells));
    }
    out.push('');
    out.push('  vs kernel = the engine\'s speed relative to the kernel\'s (kernel ns/run ÷ engine ns/run; 0.50× = half as fast).');
    if (ENGINES.length === 2) out.push('  wasm/interp = the wasm engine\'s speedup over the interpreter (interpreter ns/run ÷ wasm ns/run).');
    out.push('  M insns/s = the interpreter\'s instruction count for the same run ÷ the engine\'s ns/run (medians of rounds); every');
    out.push('  engine and the kernel take the same path (retval, data_out and the number of events are checked against each other).');
    if (rows.some((r) => Object.values(r.engines).some((e) => fallback(e)))) {
      out.push('  * this engine was asked for, but TestRunResult.engine says another one ran (see the notes): its figures are that engine\'s.');
    }
    if (rows.some((r) => r.datapath && r.kernel)) {
      const ev = rows.flatMap((r) => (r.kernelNoEvents?.eventNs != null ? [r.kernelNoEvents.eventNs] : []));
      out.push(`  † with the kernel's perf events${ev.length ? ` (~${f1(median(ev) / 1000)} µs each here)` : ''}: see "datapath, per packet" below for the kernel without them.`);
    }
    for (const r of rows) out.push(`  ${r.name}: ${r.what}; retval ${r.retval}${r.eventsPerRun ? `, ${r.eventsPerRun} event${r.eventsPerRun > 1 ? 's' : ''}` : ''}`);
    if (kernelNote) out.push(`  ${kernelNote}`);
  } else if (kernelNote) {
    out.push(`  ${kernelNote}`);
  }

  const dp = rows.filter((r) => r.datapath);
  if (dp.length) {
    out.push('');
    const m = datapathMaps ?? {};
    out.push(`datapath, per packet — node1 of a ${DP_NODES}-node cluster: cilium_ipcache ${f0(m.cilium_ipcache ?? 0)} entries, cilium_policy ${f0(m.cilium_policy ?? 0)},`);
    out.push(`  cilium_lb4_services_v2 ${f0(m.cilium_lb4_services_v2 ?? 0)} (1,000 services, 3 backends each), cilium_lb4_backends_v3 ${f0(m.cilium_lb4_backends_v3 ?? 0)}, ` +
      `cilium_lxc ${f0(m.cilium_lxc ?? 0)};`);
    out.push(`  established flows (conntrack primed by one run on each side); test runs of at most ${DP_MAX_REPEAT} runs (host_snat: 1).`);
    // Per packet: every engine, the kernel, the kernel with its events off, and each engine against that.
    const dw = [14, ...ENGINES.map(() => 12), 12, 14, 11, ...ENGINES.map(() => 14)];
    const dline = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(dw[i]!) : c.padStart(dw[i]!))).join('  ');
    out.push(dline(['', ...ENGINES.map(() => ''), '', 'kernel pkt/s', 'one event', ...ENGINES.map((e) => `${e} vs`)]));
    out.push(dline(['benchmark', ...ENGINES.map((e) => `${e} pkt/s`), 'kernel pkt/s', 'no events', 'in kernel', ...ENGINES.map(() => 'no-ev. kernel')]));
    out.push(dline(dw.map((n) => '-'.repeat(n))));
    const pps = (ns: number) => f0(1e9 / ns);
    for (const r of dp) {
      const q = r.kernelNoEvents;
      out.push(dline([
        r.name, ...ENGINES.map((e) => (r.engines[e] ? `${pps(r.engines[e]!.nsPerRun)}${fallback(r.engines[e])}` : '—')),
        r.kernel ? pps(r.kernel.nsPerRun) : '—',
        q ? pps(q.nsPerRun) : '—',
        q?.eventNs != null ? `${f0(q.eventNs)} ns` : '—',
        ...ENGINES.map((e) => (q && r.engines[e] ? times(q.nsPerRun / r.engines[e]!.nsPerRun) : '—')),
      ]));
    }
    if (dp.some((r) => r.kernelNoEvents)) {
      out.push('  kernel, no events = the same runs with cilium_events emptied (its perf events deleted: bpf_perf_event_output fails at once,');
      out.push('  which the datapath ignores; same retval and data_out). With events, each one costs the kernel the "one event" column');
      out.push('  (the test-run helper asks for no perf wakeups: it drains the ring after every run). The VM always records its events.');
    }
  }

  if (host.medianCpuShare !== null && host.medianCpuShare < 0.9) {
    out.push(`  WARNING: the machine was busy (load average ${host.loadavgAtStart.toFixed(1)} on ${host.cpus} CPUs at start; this process had the CPU`);
    out.push(`  ${(100 * host.medianCpuShare).toFixed(0)}% of the time in a median VM round): VM figures are pessimistic; rerun on an idle machine.`);
  }
  const loops = rows.filter((r) => r.loop && r.engines.interp);
  if (loops.length) {
    out.push('');
    out.push(`target: interpreter >= ${TARGET_MIPS} M insns/s on the loops:`);
    for (const r of loops) {
      const x = r.engines.interp!;
      out.push(`  ${r.name.padEnd(10)} ${f1(x.mips)} M insns/s — ${x.mips >= TARGET_MIPS ? 'meets the target' : `BELOW the target (${(100 * x.mips / TARGET_MIPS).toFixed(0)}%)`}`);
    }
  }

  if (replay) {
    out.push('');
    out.push(`dpsim replay — cil_from_container on node1 (the same maps), ${replay.pcap.replace(`${BENCH_DIR}/`, 'bench/')}: 64 TCP flows each to a`);
    out.push('  pod on the same node (redirect_peer), a pod on node2 (VXLAN) and the world (passed); one child process per run:');
    const rw = [8, 8, 11, 9, 12, 11];
    const rline = (cells: string[]) => cells.map((c, i) => (i <= 1 ? c.padEnd(rw[i]!) : c.padStart(rw[i]!))).join('  ');
    out.push(rline(['backend', 'engine', 'packets', 'seconds', 'packets/s', 'vs kernel']));
    const k = replay.rows.find((r) => r.backend === 'kernel');
    const interp = replay.rows.find((r) => r.backend === 'emu' && r.requested === 'interp');
    for (const r of replay.rows) {
      const engine = r.backend === 'kernel' ? '—' : `${r.ran}${r.ran !== r.requested ? `* (asked ${r.requested})` : ''}`;
      out.push(rline([r.backend === 'emu' ? 'VM' : 'kernel', engine, f0(r.packets), r.seconds.toFixed(1), f0(r.pps), r.backend === 'emu' && k ? times(r.pps / k.pps) : '']));
    }
    const wasm = replay.rows.find((r) => r.backend === 'emu' && r.requested === 'wasm');
    if (wasm && interp) out.push(`  wasm/interp: ${times(wasm.pps / interp.pps)}${wasm.ran !== 'wasm' ? ' (the wasm run ran the interpreter)' : ''}`);
    if (k && k.packets !== REPLAY_PACKETS) out.push(`  the kernel replayed the first ${f0(k.packets)} packets only (its rate is harness-bound: ~${f0(k.pps)} packets/s)`);
    for (const n of replay.notes) out.push(`  ${n}`);
  }

  if (translation.length) out.push(...translationLines(translation));

  if (!trace.rows.length) {
    for (const n of trace.notes) out.push(`  ${n}`);
  } else {
    out.push('');
    out.push('tracing hook (vm.step) cost, interpreter:');
    const tw = [10, 26, 10, 10, 8, 26];
    const tline = (cells: string[]) => cells.map((c, i) => (i <= 1 || i === 5 ? c.padEnd(tw[i]!) : c.padStart(tw[i]!))).join('  ');
    out.push(tline(['benchmark', 'variant', 'ns/run', 'M insns/s', 'time', 'relative to']));
    out.push(tline(tw.map((n) => '-'.repeat(n))));
    for (const t of trace.rows) {
      const rel = t.vs === 'itself' ? '' : `${t.vsHookOff >= 1 ? '+' : ''}${((t.vsHookOff - 1) * 100).toFixed(1)}%`;
      out.push(tline([t.bench, t.variant, f0(t.nsPerRun), f1(t.mips), rel, t.vs === 'itself' ? '' : t.vs]));
    }
    for (const n of trace.notes) out.push(`  ${n}`);
    out.push('  time: + = slower than the reference. Phase 1 (before any tracing): step = null vs no hook line;');
    out.push('  phase 2: no-op step vs step = null, then step = null against phase 1. Run-to-run noise is a few %.');
  }
  if (notes.length) {
    out.push('');
    out.push('notes:');
    for (const n of notes) out.push(`  - ${n}`);
  }
  out.push('');
  out.push(`elapsed ${elapsedS.toFixed(1)} s`);
  if (errors.length) {
    out.push('');
    out.push(`FAILED: ${errors.length} error(s):`);
    for (const e of errors) out.push(`  - ${e}`);
  }
  process.stdout.write(`${out.map((l) => l.trimEnd()).join('\n')}\n`);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exit(1);
  },
);
