// `npm run bench`: eBPF instructions per second of the VM's interpreter against the kernel's
// JIT (BPF_PROG_TEST_RUN with repeat), on the same objects and packets, in the same run.
//
//   npm run bench                  # table on stdout (progress on stderr)
//   npm run bench -- --json        # machine-readable results on stdout
//   npm run bench -- --vm-only     # skip the kernel (e.g. under a profiler)
//   npm run bench -- --only alu_loop,csum_loop --rounds 9 --no-tracing
//
// The kernel does not count instructions; the VM's count for the same object, packet and path
// (the retvals are checked to be equal) converts the kernel's ns/run into instructions/s.
// See bench/README.md.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadObjectSpec } from '../src/elf/index.js';
import { LoadedObject, testRun, type LoadedProgram, type TestRunResult, type StepHook } from '../src/vm/index.js';
import { KernelTestRun, kernelAvailability } from '../harness/testrun.js';
import {
  BENCH_DIR, buildProg, aluPacket, csumPacket, routePacket, routeMapEntries, type MapEntry,
} from './lib.js';

// ---- options ----

interface Options {
  json: boolean;
  vmOnly: boolean;
  tracing: boolean;
  rounds: number;
  only: string[] | null;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { json: false, vmOnly: false, tracing: true, rounds: 7, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') o.json = true;
    else if (a === '--vm-only') o.vmOnly = true;
    else if (a === '--no-tracing') o.tracing = false;
    else if (a === '--rounds') o.rounds = Math.max(1, Number(argv[++i]));
    else if (a === '--only') o.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run bench -- [--json] [--vm-only] [--no-tracing] [--rounds N] [--only name,name]\n');
      process.exit(0);
    } else {
      process.stderr.write(`bench: unknown argument ${a} (try --help)\n`);
      process.exit(3);
    }
  }
  if (!Number.isFinite(o.rounds)) o.rounds = 7;
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const log = (msg: string) => process.stderr.write(`${msg}\n`);

// ---- benchmarks ----

interface BenchDef {
  name: string;
  what: string;
  packet: Uint8Array;
  maps: MapEntry[];
  /** Also require data_out to be equal (the program rewrites the packet). */
  compareDataOut: boolean;
  /** Counts towards the interpreter's instructions/s target. */
  loop: boolean;
}

const BENCHES: BenchDef[] = [
  { name: 'alu_loop', what: '4096 rounds of a 64-bit add/xor/shift/mul/rotate mix', packet: aluPacket(), maps: [], compareDataOut: false, loop: true },
  { name: 'csum_loop', what: 'ones\' complement checksum of a 1500-byte packet, 16-bit words, bounds check per word', packet: csumPacket(1500), maps: [], compareDataOut: false, loop: true },
  { name: 'route_lpm', what: 'per packet: parse, LPM route lookup, hash policy lookup, 2 atomic counters, MAC rewrite', packet: routePacket(128), maps: routeMapEntries(), compareDataOut: true, loop: false },
];

const TARGET_MIPS = 200;
const VM_ROUND_MS = 120;
const KERNEL_ROUND_MS = 60;
const VM_WARMUP_MS = 1500; // over all benchmarks, interleaved
const TRACE_ROUNDS = 5;

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
function loud(msg: string): void {
  errors.push(msg);
  log(`\n!!!!!!!! BENCH ERROR: ${msg}\n`);
}

// ---- the VM side ----

interface VmBench {
  def: BenchDef;
  objPath: string;
  obj: LoadedObject;
  prog: LoadedProgram;
  first: TestRunResult;
  repeat: number;
}

async function loadVm(def: BenchDef, objPath: string): Promise<{ obj: LoadedObject; prog: LoadedProgram }> {
  const obj = LoadedObject.load(await loadObjectSpec(objPath));
  for (const e of def.maps) {
    const map = obj.map(e.map) as unknown as { userUpdate(key: Uint8Array, value: Uint8Array): number };
    const err = map.userUpdate(e.key, e.value);
    if (err !== 0) throw new Error(`${def.name}: VM map ${e.map} update failed (errno ${-err})`);
  }
  return { obj, prog: obj.program(def.name) };
}

function vmRun(b: { obj: LoadedObject; prog: LoadedProgram; def: BenchDef }, repeat: number): TestRunResult {
  const r = testRun(b.obj, b.prog, { dataIn: b.def.packet, repeat });
  if (r.fault) throw new Error(`${b.def.name}: VM fault: ${r.fault.kind}: ${r.fault.message} at pc ${r.fault.pc}`);
  return r;
}

/** Runs every benchmark, interleaved, for about `ms` in total (so TurboFan sees them all). */
function warmUp(benches: { obj: LoadedObject; prog: LoadedProgram; def: BenchDef }[], ms: number): Map<string, number> {
  const nsPerRun = new Map<string, number>();
  const end = performance.now() + ms;
  let repeat = benches.map(() => 1);
  while (performance.now() < end) {
    benches.forEach((b, i) => {
      const r = vmRun(b, repeat[i]!);
      nsPerRun.set(b.def.name, r.durationNs);
      // Chunks of about 10 ms, so all benchmarks get their share.
      repeat[i] = Math.max(1, Math.min(100_000, Math.round(10e6 / Math.max(r.durationNs, 1))));
    });
  }
  return nsPerRun;
}

const repeatFor = (nsPerRun: number, ms: number) => Math.max(1, Math.round((ms * 1e6) / Math.max(nsPerRun, 1)));

/**
 * ns/run of `rounds` rounds, the benchmarks interleaved round by round. Also the share of
 * the wall-clock time this process had the CPU (process.cpuUsage()): well below 1 means
 * other processes took the CPU and the round's wall-clock figure is pessimistic.
 */
function vmRounds(benches: VmBench[], rounds: number): Map<string, number[]> {
  const out = new Map<string, number[]>(benches.map((b) => [b.def.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const b of benches) {
      const c0 = process.cpuUsage();
      const w0 = process.hrtime.bigint();
      out.get(b.def.name)!.push(vmRun(b, b.repeat).durationNs);
      const wall = Number(process.hrtime.bigint() - w0) / 1e3;
      const c = process.cpuUsage(c0);
      cpuShares.push(Math.min(1, (c.user + c.system) / Math.max(wall, 1)));
    }
  }
  return out;
}

/** CPU share of every timed VM round (see vmRounds). */
const cpuShares: number[] = [];

// ---- the kernel side ----

interface KernelFigures {
  nsPerRun: number;
  rounds: number[];
  repeat: number;
  retval: number;
}

async function kernelBench(def: BenchDef, objPath: string, vm: TestRunResult, rounds: number): Promise<KernelFigures | null> {
  const k = await KernelTestRun.open(objPath);
  try {
    await k.load();
    for (const e of def.maps) await k.update(e.map, e.key, e.value);
    const first = await k.run(def.name, def.packet, { repeat: 1 });
    if (first.retval !== vm.retval) {
      loud(`${def.name}: VM and kernel disagree: VM retval ${vm.retval} (0x${vm.retval.toString(16)}), kernel retval ${first.retval} (0x${first.retval.toString(16)})`);
      return null;
    }
    if (def.compareDataOut && !sameBytes(first.dataOut, vm.dataOut)) {
      loud(`${def.name}: VM and kernel disagree on data_out (${hexdiff(vm.dataOut, first.dataOut)})`);
      return null;
    }
    // Warm-up and calibration: about 20 ms.
    let repeat = 100;
    let probe = await k.run(def.name, def.packet, { repeat });
    repeat = repeatFor(Math.max(probe.durationNs, 1), 20);
    probe = await k.run(def.name, def.packet, { repeat });
    repeat = repeatFor(Math.max(probe.durationNs, 1), KERNEL_ROUND_MS);
    const ns: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const res = await k.run(def.name, def.packet, { repeat });
      if (res.retval !== vm.retval) {
        loud(`${def.name}: kernel retval changed under repeat: ${res.retval} (VM ${vm.retval})`);
        return null;
      }
      ns.push(res.durationNs);
    }
    return { nsPerRun: median(ns), rounds: ns, repeat, retval: first.retval };
  } finally {
    await k.close();
  }
}

// ---- tracing: the cost of the step hook ----

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
    const dir = genDir;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, compiled ? 'interpreter-nohook.js' : 'interpreter-nohook.ts');
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

/** A second LoadedObject of the same benchmark (its own Vm, maps filled the same way). */
async function twin(b: VmBench, proto?: object): Promise<VmBench> {
  const { obj, prog } = await loadVm(b.def, b.objPath);
  if (proto) Object.setPrototypeOf(obj.vm, proto);
  return { ...b, obj, prog, first: vmRun({ obj, prog, def: b.def }, 1) };
}

const renamed = (b: VmBench, suffix: string): VmBench => ({ ...b, def: { ...b.def, name: `${b.def.name}${suffix}` } });

/**
 * Phase 1, before any step function was ever installed: step = null (the default) against
 * the copy without the hook line, rounds interleaved. Phase 2: a no-op step function on
 * twin objects, interleaved with the step = null objects again (the interpreter has now seen
 * step calls): the cost of tracing on, and whether having traced once slows the untraced VM.
 */
async function tracing(vms: VmBench[], rounds: number): Promise<{ rows: TraceRow[]; notes: string[] }> {
  const rows: TraceRow[] = [];
  const notes: string[] = [];
  const loops = vms.filter((b) => b.def.loop);
  if (loops.length === 0) return { rows, notes };
  const row = (b: VmBench, variant: string, ns: number, ref: number, vs: string) =>
    rows.push({ bench: b.def.name, variant, nsPerRun: ns, mips: mips(b.first.insnCount, ns), vsHookOff: ns / ref, vs });

  // Phase 1.
  const base = await noHookVmPrototype();
  const phase1: VmBench[] = [...loops];
  if ('proto' in base) {
    const copies: VmBench[] = [];
    for (const b of vms) copies.push(await twin(b, base.proto));
    for (const c of copies) {
      const b = vms.find((x) => x.def.name === c.def.name)!;
      if (c.first.retval !== b.first.retval || c.first.insnCount !== b.first.insnCount) {
        loud(`${b.def.name}: the no-hook interpreter copy disagrees with the VM (retval ${c.first.retval} vs ${b.first.retval})`);
      }
    }
    log('tracing: warming up the copy without the hook line ...');
    warmUp(copies, VM_WARMUP_MS);
    for (const c of copies) if (c.def.loop) phase1.push(renamed({ ...c, repeat: loops.find((b) => b.def.name === c.def.name)!.repeat }, '#nohook'));
  } else {
    notes.push(base.reason);
  }
  log('tracing: step = null vs no hook line ...');
  const shares0 = cpuShares.length;
  const r1 = vmRounds(phase1, rounds);
  const hookOff = new Map<string, number>();
  for (const b of loops) {
    const ns = median(r1.get(b.def.name)!);
    hookOff.set(b.def.name, ns);
    row(b, 'step = null (default)', ns, ns, 'itself');
    const c = r1.get(`${b.def.name}#nohook`);
    if (c) row(b, 'no hook line (bench copy)', median(c), ns, 'step = null, same rounds');
  }

  // Phase 2.
  const noop: StepHook = () => {};
  const traced: VmBench[] = [];
  for (const b of loops) {
    const t = await twin(b);
    t.obj.vm.step = noop;
    traced.push(t);
  }
  log('tracing: no-op step installed ...');
  const nsTraced = warmUp([...traced, ...loops], VM_WARMUP_MS / 2);
  for (const t of traced) t.repeat = repeatFor(nsTraced.get(t.def.name)!, VM_ROUND_MS);
  const phase2 = [...loops, ...traced.map((t) => renamed(t, '#traced'))];
  const r2 = vmRounds(phase2, rounds);
  for (const b of loops) {
    const nsNull = median(r2.get(b.def.name)!);
    row(b, 'no-op step installed', median(r2.get(`${b.def.name}#traced`)!), nsNull, 'step = null, same rounds');
    row(b, 'step = null after tracing', nsNull, hookOff.get(b.def.name)!, 'step = null before tracing');
  }
  const share = median(cpuShares.slice(shares0));
  if (share < 0.9) notes.push(`WARNING: this process had the CPU only ${(100 * share).toFixed(0)}% of the time in these rounds: the comparison is noisy.`);
  return { rows, notes };
}

// ---- main ----

interface Row {
  name: string;
  what: string;
  insnsPerRun: number;
  retval: number;
  vm: { nsPerRun: number; mips: number; bestMips: number; rounds: number[]; repeat: number };
  kernel: { nsPerRun: number; mips: number; rounds: number[]; repeat: number } | null;
  /** Kernel speed / VM speed (VM ns / kernel ns). */
  ratio: number | null;
}

let load0 = 0;

async function main(): Promise<number> {
  const t0 = performance.now();
  load0 = loadavg()[0]!;
  const defs = BENCHES.filter((d) => !opts.only || opts.only.includes(d.name));
  if (defs.length === 0) {
    log(`bench: --only matched nothing (benchmarks: ${BENCHES.map((d) => d.name).join(', ')})`);
    return 3;
  }

  log('building bench/progs ...');
  const vms: VmBench[] = [];
  for (const def of defs) {
    const objPath = buildProg(def.name);
    const { obj, prog } = await loadVm(def, objPath);
    const first = vmRun({ obj, prog, def }, 1);
    vms.push({ def, objPath, obj, prog, first, repeat: 1 });
  }

  log(`VM: warming up (${VM_WARMUP_MS} ms) ...`);
  const warm = warmUp(vms, VM_WARMUP_MS);
  for (const b of vms) b.repeat = repeatFor(warm.get(b.def.name)!, VM_ROUND_MS);
  log(`VM: ${opts.rounds} rounds of ~${VM_ROUND_MS} ms per benchmark ...`);
  const vmNs = vmRounds(vms, opts.rounds);

  // The kernel.
  let kernelNote: string | null = null;
  const kernel = new Map<string, KernelFigures | null>();
  if (opts.vmOnly) {
    kernelNote = 'kernel column skipped (--vm-only)';
  } else {
    const avail = await kernelAvailability();
    if (!avail.ok) {
      kernelNote = `kernel column missing: ${avail.reason}`;
    } else {
      for (const b of vms) {
        log(`kernel: ${b.def.name} ...`);
        try {
          kernel.set(b.def.name, await kernelBench(b.def, b.objPath, b.first, opts.rounds));
        } catch (err) {
          loud(`${b.def.name}: kernel run failed: ${(err as Error).message}`);
          kernel.set(b.def.name, null);
        }
      }
    }
  }

  const rows: Row[] = vms.map((b) => {
    const ns = median(vmNs.get(b.def.name)!);
    const k = kernel.get(b.def.name) ?? null;
    return {
      name: b.def.name,
      what: b.def.what,
      insnsPerRun: b.first.insnCount,
      retval: b.first.retval,
      vm: { nsPerRun: ns, mips: mips(b.first.insnCount, ns), bestMips: mips(b.first.insnCount, Math.min(...vmNs.get(b.def.name)!)), rounds: vmNs.get(b.def.name)!, repeat: b.repeat },
      kernel: k ? { nsPerRun: k.nsPerRun, mips: mips(b.first.insnCount, k.nsPerRun), rounds: k.rounds, repeat: k.repeat } : null,
      ratio: k && k.nsPerRun > 0 ? ns / k.nsPerRun : null,
    };
  });

  const trace = opts.tracing ? await tracing(vms, Math.min(opts.rounds, TRACE_ROUNDS)) : { rows: [], notes: ['tracing comparison skipped (--no-tracing)'] };
  const elapsedS = (performance.now() - t0) / 1e3;

  const host = {
    node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, kernel: release(),
    loadavgAtStart: load0, medianCpuShare: cpuShares.length ? median(cpuShares) : null,
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({
      host, targetMips: TARGET_MIPS, kernelNote, benchmarks: rows, tracing: trace.rows, tracingNotes: trace.notes, errors, elapsedS,
    }, null, 2)}\n`);
  } else {
    printTable(host, rows, kernelNote, trace, elapsedS);
  }
  return errors.length ? 1 : 0;
}

function pad(s: string, n: number, left = false): string {
  return left ? s.padEnd(n) : s.padStart(n);
}

function printTable(host: { node: string; cpu: string; cpus: number; kernel: string; loadavgAtStart: number; medianCpuShare: number | null }, rows: Row[], kernelNote: string | null,
  trace: { rows: TraceRow[]; notes: string[] }, elapsedS: number): void {
  const out: string[] = [];
  const f0 = (x: number) => Math.round(x).toLocaleString('en-US');
  const f1 = (x: number) => x.toFixed(1);
  out.push(`dpsim bench — node ${host.node}, ${host.cpu} (${host.cpus} CPUs), kernel ${host.kernel}`);
  out.push('');
  const head = ['benchmark', 'insns/run', 'VM ns/run', 'VM M insns/s', 'kernel ns/run', 'kernel M insns/s', 'kernel/VM'];
  const w = [10, 10, 13, 13, 14, 17, 10];
  const line = (cells: string[]) => cells.map((c, i) => pad(c, w[i]!, i === 0)).join('  ');
  out.push(line(head));
  out.push(line(w.map((n) => '-'.repeat(n))));
  for (const r of rows) {
    out.push(line([
      r.name, f0(r.insnsPerRun), f0(r.vm.nsPerRun), f1(r.vm.mips),
      r.kernel ? f0(r.kernel.nsPerRun) : '—', r.kernel ? f1(r.kernel.mips) : '—', r.ratio !== null ? `${r.ratio.toFixed(1)}x` : '—',
    ]));
  }
  out.push('');
  for (const r of rows) out.push(`  ${r.name}: ${r.what}; retval ${r.retval}`);
  if (kernelNote) out.push(`  ${kernelNote}`);
  out.push('  Kernel M insns/s = the VM\'s instruction count for the same run / the kernel\'s ns per run (medians of rounds).');
  if (host.medianCpuShare !== null && host.medianCpuShare < 0.9) {
    out.push(`  WARNING: the machine was busy (load average ${host.loadavgAtStart.toFixed(1)} on ${host.cpus} CPUs at start; this process had the CPU`);
    out.push(`  ${(100 * host.medianCpuShare).toFixed(0)}% of the time in a median VM round): VM figures are pessimistic; rerun on an idle machine.`);
  }
  const dp = rows.find((r) => r.name === 'route_lpm');
  if (dp) {
    out.push(`  per packet (route_lpm): VM ${f0(dp.vm.nsPerRun)} ns/packet (${f1(1e3 / dp.vm.nsPerRun)} M packets/s)` +
      (dp.kernel ? `, kernel ${f0(dp.kernel.nsPerRun)} ns/packet (${f1(1e3 / Math.max(dp.kernel.nsPerRun, 1))} M packets/s)` : ''));
  }
  out.push('');
  out.push(`target: interpreter >= ${TARGET_MIPS} M insns/s on the loops:`);
  for (const r of rows.filter((x) => BENCHES.find((d) => d.name === x.name)?.loop)) {
    out.push(`  ${pad(r.name, 10, true)} ${f1(r.vm.mips)} M insns/s — ${r.vm.mips >= TARGET_MIPS ? 'meets the target' : `BELOW the target (${(100 * r.vm.mips / TARGET_MIPS).toFixed(0)}%)`}`);
  }
  if (!trace.rows.length) {
    for (const n of trace.notes) out.push(`  ${n}`);
  } else {
    out.push('');
    out.push('tracing hook (vm.step) cost, VM:');
    const tw = [10, 26, 10, 10, 8, 26];
    const tline = (cells: string[]) => cells.map((c, i) => pad(c, tw[i]!, i <= 1 || i === 5)).join('  ');
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
