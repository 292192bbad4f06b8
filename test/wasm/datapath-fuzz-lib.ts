// Differential fuzzing of the two engines on the real datapath objects (bpf_lxc, bpf_overlay,
// bpf_host of bpf/build/): each object is loaded twice, once per engine, with the node
// configuration and map contents the datapath tests use (test/datapath/cluster.ts, the
// agent's encoders, plus the corpus's seeded entries) and the same prandom seed, and one
// fixed-seed stream of packets is fed to both. Packets start from the prog-diff corpus
// (test/datapath/corpus.ts) and from generators of realistic traffic of the test cluster
// (pods, nodes, the world, service VIPs, ARP, IPv6, tunnel keys), and from replies to what
// earlier packets produced (so conntrack, NAT and reverse NAT see both directions); a share of
// them is then mutated (header bytes, lengths, truncation, IP options, flags, ports, addresses,
// ctx fields, tunnel keys), and some run with testRun's repeat, on another CPU (the objects
// have NCPUS possible CPUs: per-CPU metrics), or with a squeezed instruction budget. The
// virtual clock moves on and the "control plane" edits maps between packets (deletes, byte
// rewrites, tail call slots emptied, conntrack flushed; undone a few packets later),
// identically on both sides.
//
// After every packet everything a test run shows is compared: retval, r0, fault (kind, pc,
// program), insnCount, dataOut, ctxOut, redirect, clones, events, printk, tunnel key, skb
// fields, then the tail call targets and the helper calls (program@pc, helper, r0 after it).
// Every few packets, and at the end, all map contents (map JSON, docs/map-json.md). The first
// difference stops the stream and is reported with the packet.

import { exportMaps, importMaps, type JsonValue, type MapsJson } from '../../src/maps/index.js';
import type { AnyBpfMap } from '../../src/maps/index.js';
import type { ObjectSpec } from '../../src/elf/index.js';
import { LoadedObject, testRun, TestRunInputError, SKB, SKB_CTX_SIZE, type TestRunResult, type TunnelKey } from '../../src/vm/index.js';
import { HELPER_NAMES } from '../../src/isa/helper-names.js';
import { LIMITS } from '../../src/isa/opcodes.js';
import { allCorpora, CLUSTER, identityMark, client, web, jail, db, web2, n1, n2, SVC_LOCAL_PORT, SVC_REMOTE_PORT } from '../datapath/corpus.js';
import { ip4, mapsOf, nodeConfig, nodeMaps, rodataPatches } from '../datapath/cluster.js';
import { objectSpec, type ObjectName } from '../datapath/sides.js';
import { arpRequest, frame, type L4 } from '../datapath/packets.js';
import { decodeEvent } from '../datapath/events.js';
import { Rng } from '../vm/ref.js';

export type Engine = 'interp' | 'wasm';
export const ENGINES: readonly Engine[] = ['interp', 'wasm'];

// ---- what is fuzzed ----

export interface FuzzTarget {
  object: ObjectName;
  /** The node whose configuration and maps the object is loaded with. */
  node: string;
  progs: string[];
}

export const TARGETS: readonly FuzzTarget[] = [
  // The tail-called programs run through the entry points, and also on their own (ctx_in cb).
  { object: 'bpf_lxc', node: 'node1', progs: ['cil_from_container', 'cil_to_container', 'tail_ipv4_from_lxc_cont', 'tail_ipv4_to_endpoint'] },
  { object: 'bpf_overlay', node: 'node1', progs: ['cil_from_overlay', 'cil_to_overlay'] },
  { object: 'bpf_host', node: 'node1', progs: ['cil_to_netdev', 'cil_from_netdev'] },
];

/** One input of the stream. */
export interface FuzzInput {
  prog: string;
  data: Uint8Array;
  /** struct __sk_buff for ctx_in, or null for none. */
  ctx: Uint8Array | null;
  tunnelKey: TunnelKey | null;
  ingress: boolean;
  /** Where it came from: corpus case / generator / reply, then the mutations applied. */
  origin: string;
  /** testRun's repeat (the program runs that many times on the same, possibly rewritten, skb). */
  repeat?: number;
  /** An instruction budget for this run (squeezed: the run faults part way), else the default. */
  budget?: number;
  /** The CPU the run is on (per-CPU maps; the objects are loaded with NCPUS). */
  cpu?: number;
}

/** Possible CPUs of the loaded objects: the runs move between them (per-CPU metrics). */
export const NCPUS = 2;

// ---- one object per engine ----

export interface Side {
  engine: Engine;
  obj: LoadedObject;
  /** Helper calls of the current run: "program@pc helper=r0" (and tail call targets). */
  helperLog: string[];
  tails: string[];
}

const TAIL_CALL = HELPER_NAMES.indexOf('tail_call');

/** A change made to one side only (planted differences). */
export interface Plant {
  side: Engine;
  /** .rodata values replacing the node's (by variable name). */
  rodata?: Record<string, JsonValue>;
  /** Applied after the maps are imported. */
  maps?: (obj: LoadedObject) => void;
}

export interface PairOptions {
  /** Seed of bpf_get_prandom_u32 (the same on both sides). */
  seed: number;
  plant?: Plant;
}

export class EnginePair {
  private constructor(
    readonly target: FuzzTarget,
    readonly spec: ObjectSpec,
    readonly interp: Side,
    readonly wasm: Side,
    /** Every stateful map right after load (map JSON), for the control plane's restores. */
    readonly initial: MapsJson,
  ) {}

  static async open(target: FuzzTarget, opts: PairOptions): Promise<EnginePair> {
    const spec = await objectSpec(target.object);
    const maps = initialMaps(spec, target);
    const open = (engine: Engine): Side => {
      const plant = opts.plant?.side === engine ? opts.plant : undefined;
      const config = { ...nodeConfig(CLUSTER, target.node), ...(plant?.rodata ?? {}) };
      const obj = LoadedObject.load(spec, { engine, globals: rodataPatches(spec, config), seed: opts.seed, nCpus: NCPUS });
      importMaps([...obj.maps.values()], maps, (name) => obj.programs.get(name));
      plant?.maps?.(obj);
      const side: Side = { engine, obj, helperLog: [], tails: [] };
      obj.vm.onHelperCall = (vm, id, pc) => {
        const tail = id === TAIL_CALL && vm.pendingTailCall !== null ? vm.pendingTailCall.name : null;
        if (tail !== null) side.tails.push(tail);
        // bpf_tail_call returns nothing (RET_VOID: r0 is unreadable after it, and the engines
        // leave different bytes there); every other helper sets r0.
        const r0 = id === TAIL_CALL ? (tail ? `-> ${tail}` : 'fell through') : `= ${hex32(vm.H[0]!)}${hex32(vm.L[0]!)}`;
        side.helperLog.push(`${vm.currentProgram?.name ?? '?'}@${pc} ${HELPER_NAMES[id] ?? id} ${r0}`);
      };
      return side;
    };
    const interp = open('interp');
    const wasm = open('wasm');
    return new EnginePair(target, spec, interp, wasm, exportMaps(interp.obj.maps.values()));
  }

  side(engine: Engine): Side {
    return engine === 'interp' ? this.interp : this.wasm;
  }

  /** Moves both virtual clocks on. */
  advance(seconds: number): void {
    for (const e of ENGINES) this.side(e).obj.env.clockNs += BigInt(seconds) * 1_000_000_000n;
  }
}

/** The agent's maps of the node, and the entries the prog-diff corpora seed for this object. */
export function initialMaps(spec: ObjectSpec, target: FuzzTarget): MapsJson {
  const maps = mapsOf(spec, nodeMaps(CLUSTER, target.node));
  for (const c of allCorpora()) {
    if (c.object !== target.object || c.node !== target.node) continue;
    for (const [name, entries] of Object.entries(c.seed ?? {})) maps[name] = [...(maps[name] ?? []), ...entries];
  }
  return maps;
}

// ---- running one input ----

export type Outcome =
  | { kind: 'ran'; r: TestRunResult; helpers: string[]; tails: string[] }
  | { kind: 'refused'; errno: number; message: string }
  | { kind: 'threw'; message: string };

export function runOn(side: Side, input: FuzzInput): Outcome {
  side.helperLog = [];
  side.tails = [];
  const vm = side.obj.vm;
  vm.budget = input.budget ?? LIMITS.DEFAULT_INSN_BUDGET;
  side.obj.env.cpu = input.cpu ?? 0;
  try {
    const r = testRun(side.obj, side.obj.program(input.prog), {
      dataIn: input.data,
      ...(input.ctx ? { ctxIn: input.ctx } : {}),
      ...(input.tunnelKey ? { tunnelKey: { ...input.tunnelKey } } : {}),
      ingress: input.ingress,
      ...(input.repeat ? { repeat: input.repeat } : {}),
    });
    return { kind: 'ran', r, helpers: side.helperLog, tails: side.tails };
  } catch (e) {
    if (e instanceof TestRunInputError) return { kind: 'refused', errno: e.errno, message: e.message };
    return { kind: 'threw', message: e instanceof Error ? e.stack ?? e.message : String(e) };
  } finally {
    vm.budget = LIMITS.DEFAULT_INSN_BUDGET;
  }
}

// ---- comparing ----

export interface Difference {
  /** The first field that differs, with a path into it ("dataOut[byte 26]", "events[1].data[byte 40]"). */
  field: string;
  interp: string;
  wasm: string;
}

/** Everything a run shows, in the order differences are reported. */
function observed(o: Outcome): [string, unknown][] {
  if (o.kind === 'refused') return [['outcome', `refused (errno ${o.errno})`], ['refusal', o.message]];
  if (o.kind === 'threw') return [['outcome', 'threw'], ['exception', o.message]];
  const r = o.r;
  return [
    ['outcome', 'ran'],
    ['retval', r.retval],
    ['r0', r.r0],
    ['fault', r.fault ? { kind: r.fault.kind, pc: r.fault.pc, program: r.fault.program ?? null } : null],
    ['insnCount', r.insnCount],
    ['dataOut', r.dataOut],
    ['ctxOut', r.ctxOut ?? null],
    ['redirect', r.redirect],
    ['clones', r.clones],
    ['events', r.events],
    ['printk', r.printk],
    ['tunnelKey', r.tunnelKey],
    ['skb', r.skb ?? null],
    ['tailCalls', o.tails],
    ['helperCalls', o.helpers],
  ];
}

/** The first difference between what the two engines showed, or null. */
export function compareOutcomes(interp: Outcome, wasm: Outcome, ignore: readonly string[] = []): Difference | null {
  const keep = ([name]: [string, unknown]) => !ignore.includes(name);
  const a = observed(interp).filter(keep), b = observed(wasm).filter(keep);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const fa = a[i], fb = b[i];
    if (!fa || !fb || fa[0] !== fb[0]) return { field: (fa ?? fb)![0], interp: fa ? show(fa[1]) : '(none)', wasm: fb ? show(fb[1]) : '(none)' };
    const d = firstDiff(fa[1], fb[1], fa[0]);
    if (d) return d;
  }
  return null;
}

/** The first difference of two values (deep; byte arrays by offset). */
export function firstDiff(a: unknown, b: unknown, path: string): Difference | null {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) return { field: path, interp: show(a), wasm: show(b) };
    const n = Math.min(a.length, b.length);
    let i = 0;
    while (i < n && a[i] === b[i]) i++;
    if (i === n && a.length === b.length) return null;
    const from = Math.max(0, i - 8);
    const around = (x: Uint8Array) => `${x.length} bytes, [${from}..]: ${toHex(x.subarray(from, i + 24))}`;
    return { field: i === n ? `${path}.length` : `${path}[byte ${i}]`, interp: around(a), wasm: around(b) };
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return { field: path, interp: show(a), wasm: show(b) };
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = firstDiff(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    if (a.length !== b.length) return { field: `${path}.length`, interp: `${a.length}: ${show(a)}`, wasm: `${b.length}: ${show(b)}` };
    return null;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : { field: path, interp: show(a), wasm: show(b) };
}

/** Map contents (map JSON) of both sides: the first entry that differs. */
export function compareMaps(interp: MapsJson, wasm: MapsJson): Difference | null {
  const names = [...new Set([...Object.keys(interp), ...Object.keys(wasm)])].sort();
  for (const name of names) {
    const a = byKey(interp[name]), b = byKey(wasm[name]);
    if (!a || !b) return { field: `map ${name}`, interp: a ? `${a.size} entries` : '(no such map)', wasm: b ? `${b.size} entries` : '(no such map)' };
    for (const key of [...new Set([...a.keys(), ...b.keys()])]) {
      const va = a.get(key), vb = b.get(key);
      if (va !== vb) return { field: `map ${name}, key ${key}`, interp: va ?? '(no entry)', wasm: vb ?? '(no entry)' };
    }
  }
  return null;
}

function byKey(entries: MapsJson[string] | undefined): Map<string, string> | undefined {
  return entries && new Map(entries.map((e) => [JSON.stringify(e.key), JSON.stringify(e.value)]));
}

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const hex32 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

export function show(v: unknown): string {
  const text = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `0x${x.toString(16)}` : x instanceof Uint8Array ? toHex(x) : x)) ?? String(v);
  return text.length > 600 ? `${text.slice(0, 600)}… (${text.length} chars)` : text;
}

// ---- the report ----

export interface ProgStats {
  packets: number;
  fromCorpus: number;
  generated: number;
  replies: number;
  mutated: number;
  /** BPF_PROG_TEST_RUN refused the input (EINVAL): no program ran. */
  refused: number;
  passed: number;
  dropped: number;
  redirected: number;
  otherRetval: Record<string, number>;
  /** Faults of runs with the default budget (none expected), and of runs with a squeezed budget. */
  faults: Record<string, number>;
  squeezed: number;
  squeezedFaults: Record<string, number>;
  repeated: number;
  otherCpu: number;
  /** Drop notifications by reason; trace points by name. */
  drops: Record<string, number>;
  traces: Record<string, number>;
  tailCalls: Record<string, number>;
  insns: number;
}

/** Paths deep in the datapath the stream reached (counted from what the runs showed). */
export interface DeepCounts {
  /** Runs that tail-called into tail_ipv4_from_lxc_cont / tail_ipv4_to_endpoint. */
  tailFromLxcCont: number;
  tailToEndpoint: number;
  /** bpf_lxc: redirected to the VXLAN device with a tunnel key; bpf_overlay: key set by cil_to_overlay. */
  encapsulated: number;
  /** Service VIP traffic whose destination came out rewritten (DNAT), and replies whose source did (reverse NAT). */
  dnat: number;
  revNat: number;
  /** cil_to_netdev rewrote a pod source to the node IP; cil_from_netdev reverse-SNATed into a pod. */
  snat: number;
  revSnat: number;
  /** cil_from_overlay delivered into a local pod. */
  overlayDelivered: number;
  /** redirect helper → count, by "helper ifindex". */
  redirects: Record<string, number>;
  /** Entries of these maps at the end (interpreter side; the wasm side was compared equal). */
  finalEntries: Record<string, number>;
}

export interface Mismatch {
  object: ObjectName;
  prog: string;
  /** Index in the object's stream, and among the runs of this program. */
  index: number;
  progIndex: number;
  when: 'run' | 'maps' | 'engine';
  diff: Difference;
  input: FuzzInput;
  seed: number;
}

export interface FuzzReport {
  target: FuzzTarget;
  seed: number;
  packetsPerProg: number;
  perProg: Record<string, ProgStats>;
  deep: DeepCounts;
  mapChecks: number;
  controlEvents: Record<string, number>;
  clockAdvances: number;
  mismatch: Mismatch | null;
  /** With `collectOnFault`: per field, how many faulted runs differed there, and the first. */
  faultDiffs: Record<string, { runs: number; first: Mismatch }>;
  /** Runs where both engines faulted. */
  faultedRuns: number;
  ms: number;
}

function newStats(): ProgStats {
  return {
    packets: 0, fromCorpus: 0, generated: 0, replies: 0, mutated: 0, refused: 0, passed: 0, dropped: 0, redirected: 0,
    otherRetval: {}, faults: {}, squeezed: 0, squeezedFaults: {}, repeated: 0, otherCpu: 0, drops: {}, traces: {}, tailCalls: {}, insns: 0,
  };
}

const bump = (r: Record<string, number>, k: string, n = 1) => { r[k] = (r[k] ?? 0) + n; };

export function formatMismatch(m: Mismatch): string {
  const i = m.input;
  const lines = [
    `${m.object} ${m.prog}: the engines differ at packet #${m.index} of the stream (run ${m.progIndex} of ${m.prog}; seed 0x${(m.seed >>> 0).toString(16)})`,
    m.when === 'maps' ? `  map contents after that packet: first difference in ${m.diff.field}` : `  first difference: ${m.diff.field}`,
    `    interp: ${m.diff.interp}`,
    `    wasm:   ${m.diff.wasm}`,
    `  input: ${i.origin}`,
    `  packet (${i.data.length} bytes): ${toHex(i.data)}`,
    `  ctx_in: ${i.ctx ? describeCtx(i.ctx) : 'none'}; ingress ${i.ingress}`,
    `  tunnel key: ${i.tunnelKey ? show(i.tunnelKey) : 'none'}`,
  ];
  return lines.join('\n');
}

function describeCtx(ctx: Uint8Array): string {
  const v = new DataView(ctx.buffer, ctx.byteOffset, ctx.byteLength);
  const u = (o: number) => v.getUint32(o, true);
  const parts = [`mark 0x${u(SKB.mark).toString(16)}`, `ingress_ifindex ${u(SKB.ingress_ifindex)}`];
  if (u(SKB.ifindex)) parts.push(`ifindex ${u(SKB.ifindex)}`);
  if (u(SKB.priority)) parts.push(`priority ${u(SKB.priority)}`);
  const cb = [0, 1, 2, 3, 4].map((k) => u(SKB.cb + 4 * k));
  if (cb.some((x) => x !== 0)) parts.push(`cb [${cb.map((x) => `0x${x.toString(16)}`).join(', ')}]`);
  if (u(SKB.wire_len)) parts.push(`wire_len ${u(SKB.wire_len)}`);
  return parts.join(', ');
}

export function formatReport(rep: FuzzReport): string {
  const lines = [`${rep.target.object} (${rep.target.node}), seed 0x${(rep.seed >>> 0).toString(16)}: ${rep.ms.toFixed(0)} ms, ${rep.mapChecks} map comparisons, clock moved ${rep.clockAdvances}x, control plane ${JSON.stringify(rep.controlEvents)}`];
  for (const [prog, s] of Object.entries(rep.perProg)) {
    lines.push(`  ${prog}: ${s.packets} packets (corpus ${s.fromCorpus}, generated ${s.generated}, replies ${s.replies}; mutated ${s.mutated}) -> ` +
      `passed ${s.passed}, dropped ${s.dropped}, redirected ${s.redirected}, refused ${s.refused}` +
      `${Object.keys(s.otherRetval).length ? `, other retvals ${JSON.stringify(s.otherRetval)}` : ''}; faults ${JSON.stringify(s.faults)}; ${s.insns} insns`);
    lines.push(`    budget squeezed ${s.squeezed} (faults ${JSON.stringify(s.squeezedFaults)}), repeated ${s.repeated}, on cpu > 0 ${s.otherCpu}`);
    lines.push(`    drops ${JSON.stringify(s.drops)}`);
    lines.push(`    traces ${JSON.stringify(s.traces)}${Object.keys(s.tailCalls).length ? `; tail calls ${JSON.stringify(s.tailCalls)}` : ''}`);
  }
  const { redirects, finalEntries, ...deep } = rep.deep;
  lines.push(`  deep paths ${JSON.stringify(deep)}; redirects ${JSON.stringify(redirects)}; final entries ${JSON.stringify(finalEntries)}`);
  if (rep.faultedRuns) lines.push(`  ${rep.faultedRuns} runs faulted on both engines (same kind and pc)`);
  for (const [field, { runs, first }] of Object.entries(rep.faultDiffs)) {
    lines.push(`  faulted runs differing in ${field}: ${runs}; the first:`, formatMismatch(first).replace(/^/gm, '    '));
  }
  if (rep.mismatch) lines.push(formatMismatch(rep.mismatch));
  return lines.join('\n');
}

// ---- the stream ----

export interface FuzzOptions {
  packetsPerProg: number;
  seed: number;
  /** Compare all map contents every this many packets (and at the end). */
  mapEvery?: number;
  plant?: Plant;
  /** Control-plane edits and clock moves (default true). */
  churn?: boolean;
  /** Percentage of runs given a small instruction budget, so they fault part way (default 0). */
  squeeze?: number;
  /**
   * When both engines fault (same kind and pc), differences in these fields are collected in
   * `faultDiffs` (counted, first example kept) instead of stopping the stream, so one known
   * difference of faulted runs does not hide everything after it. The rest is still compared.
   */
  collectOnFault?: readonly string[];
  /** Top-level fields left out of the run comparison: only for looking past a known difference by hand (the tests never set it). */
  ignore?: readonly string[];
}

export async function fuzzObject(target: FuzzTarget, opts: FuzzOptions): Promise<FuzzReport> {
  const t0 = performance.now();
  const pair = await EnginePair.open(target, { seed: opts.seed, ...(opts.plant ? { plant: opts.plant } : {}) });
  const rng = new Rng(opts.seed);
  const gen = new Generator(rng, target, opts.squeeze ?? 0);
  const mapEvery = opts.mapEvery ?? 16;
  const churn = opts.churn ?? true;
  const rep: FuzzReport = {
    target, seed: opts.seed, packetsPerProg: opts.packetsPerProg, perProg: Object.fromEntries(target.progs.map((p) => [p, newStats()])),
    deep: { tailFromLxcCont: 0, tailToEndpoint: 0, encapsulated: 0, dnat: 0, revNat: 0, snat: 0, revSnat: 0, overlayDelivered: 0, redirects: {}, finalEntries: {} },
    mapChecks: 0, controlEvents: {}, clockAdvances: 0, mismatch: null, faultDiffs: {}, faultedRuns: 0, ms: 0,
  };
  // Every program gets exactly packetsPerProg runs, interleaved in a shuffled order.
  const schedule: string[] = [];
  for (let k = 0; k < opts.packetsPerProg; k++) schedule.push(...shuffle(rng, target.progs));
  const progIndex: Record<string, number> = {};
  let mapsChecked = -1;

  const checkMaps = (index: number, prog: string, input: FuzzInput): boolean => {
    rep.mapChecks++;
    mapsChecked = index;
    const d = compareMaps(exportMaps(pair.interp.obj.maps.values()), exportMaps(pair.wasm.obj.maps.values()));
    if (d) rep.mismatch = { object: target.object, prog, index, progIndex: progIndex[prog] ?? 0, when: 'maps', diff: d, input, seed: opts.seed };
    return d === null;
  };

  let last: FuzzInput | null = null;
  const restores: { at: number; name: string }[] = [];
  for (let index = 0; index < schedule.length; index++) {
    const prog = schedule[index]!;
    if (churn) {
      if (rng.int(100) < 6) { pair.advance(rng.int(100) < 8 ? 20_000 + rng.int(30_000) : 1 + rng.int(70)); rep.clockAdvances++; }
      for (const r of restores.filter((x) => x.at === index)) { restoreMap(pair, r.name); bump(rep.controlEvents, `restore ${r.name}`); }
      if (rng.int(1000) < 20) {
        const ev = controlPlane(rng, pair);
        bump(rep.controlEvents, ev.what);
        // Edits are undone a few packets later (as an agent would fix its maps), so the stream
        // keeps reaching the paths those entries lead to.
        if (ev.restore) restores.push({ at: index + 1 + rng.int(12), name: ev.restore });
      }
    }
    const input = gen.next(prog);
    last = input;
    const stats = rep.perProg[prog]!;
    stats.packets++;
    if (input.origin.startsWith('corpus')) stats.fromCorpus++;
    else if (input.origin.startsWith('reply')) stats.replies++;
    else stats.generated++;
    if (input.origin.includes(' + ')) stats.mutated++;
    const pi = (progIndex[prog] = (progIndex[prog] ?? -1) + 1);

    const a = runOn(pair.interp, input);
    const b = runOn(pair.wasm, input);
    const mismatch = (when: Mismatch['when'], diff: Difference) => {
      rep.mismatch = { object: target.object, prog, index, progIndex: pi, when, diff, input, seed: opts.seed };
    };
    if (a.kind === 'ran' && a.r.engine !== 'interp') { mismatch('engine', { field: 'engine', interp: a.r.engine, wasm: '(not compared)' }); break; }
    if (b.kind === 'ran' && b.r.engine !== 'wasm') {
      mismatch('engine', { field: 'engine (the wasm side fell back)', interp: a.kind === 'ran' ? a.r.engine : a.kind, wasm: `${b.r.engine}: ${pair.wasm.obj.vm.fastPath ? 'fast path present' : 'no fast path'}` });
      break;
    }
    let d = compareOutcomes(a, b, opts.ignore);
    const bothFaulted = a.kind === 'ran' && b.kind === 'ran' && a.r.fault !== null && b.r.fault !== null;
    if (bothFaulted) rep.faultedRuns++;
    if (d && bothFaulted && opts.collectOnFault?.length) {
      for (const field of opts.collectOnFault) {
        const fd = compareOutcomes(a, b, observed(a).map(([n]) => n).filter((n) => n !== field));
        if (!fd) continue;
        const slot = rep.faultDiffs[field];
        if (slot) slot.runs++;
        else rep.faultDiffs[field] = { runs: 1, first: { object: target.object, prog, index, progIndex: pi, when: 'run', diff: fd, input, seed: opts.seed } };
      }
      d = compareOutcomes(a, b, [...(opts.ignore ?? []), ...opts.collectOnFault]);
    }
    if (d) { mismatch('run', d); break; }
    record(rep, stats, input, a, pair);
    gen.learn(input, a);
    if ((index + 1) % mapEvery === 0 && !checkMaps(index, prog, input)) break;
  }
  if (!rep.mismatch && last && mapsChecked !== schedule.length - 1) checkMaps(schedule.length - 1, last.prog, last);
  for (const m of pair.interp.obj.maps.values()) {
    if (m.kind === 'hash' || m.kind === 'percpu-hash' || m.kind === 'lpm-trie') rep.deep.finalEntries[m.name] = count(m);
  }
  rep.ms = performance.now() - t0;
  return rep;
}

function count(m: AnyBpfMap): number {
  let n = 0;
  for (const _ of m.entries()) n++;
  return n;
}

function shuffle<T>(rng: Rng, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const VERDICT: Record<number, 'passed' | 'dropped' | 'redirected'> = { 0: 'passed', 2: 'dropped', 7: 'redirected' };

function record(rep: FuzzReport, s: ProgStats, input: FuzzInput, o: Outcome, pair: EnginePair): void {
  if (input.budget !== undefined) s.squeezed++;
  if (input.repeat !== undefined) s.repeated++;
  if (input.cpu) s.otherCpu++;
  if (o.kind === 'refused') { s.refused++; return; }
  if (o.kind === 'threw') { bump(s.faults, 'threw'); return; }
  const r = o.r;
  s.insns += r.insnCount;
  if (r.fault) { bump(input.budget !== undefined ? s.squeezedFaults : s.faults, r.fault.kind); return; } // no verdict
  const v = VERDICT[r.retval];
  if (v) s[v]++; else bump(s.otherRetval, String(r.retval));
  for (const e of r.events) {
    if (e.map !== 'cilium_events') continue;
    try {
      const ev = decodeEvent(e.data);
      if (ev.kind === 'drop') bump(s.drops, ev.reasonName.replace(/^DROP_/, ''));
      else bump(s.traces, ev.obsName.replace(/^TRACE_/, ''));
    } catch { bump(s.drops, 'undecodable event'); }
  }
  for (const t of o.tails) bump(s.tailCalls, t);
  const deep = rep.deep;
  if (o.tails.includes('tail_ipv4_from_lxc_cont')) deep.tailFromLxcCont++;
  if (o.tails.includes('tail_ipv4_to_endpoint')) deep.tailToEndpoint++;
  if (r.redirect) bump(deep.redirects, `${r.redirect.helper} ${r.redirect.ifindex}`);
  const vxlan = Number(nodeConfig(CLUSTER, pair.target.node).vxlan_ifindex);
  const inp = ipv4Of(input.data), out = ipv4Of(r.dataOut);
  if (r.retval === 7 && r.redirect?.ifindex === vxlan && r.tunnelKey) deep.encapsulated++;
  if (input.prog === 'cil_to_overlay' && r.retval === 0 && !input.tunnelKey && r.tunnelKey) deep.encapsulated++;
  if (!inp || !out || r.retval === 2) return;
  if (VIP_SET.has(inp.dst) && out.dst !== inp.dst) deep.dnat++;
  if ((input.prog === 'cil_to_container' || input.prog === 'tail_ipv4_to_endpoint' || input.prog === 'cil_from_container') && out.src !== inp.src && VIP_SET.has(out.src)) deep.revNat++;
  if (input.prog === 'cil_to_netdev' && inp.src !== n1.ip && out.src === n1.ip) deep.snat++;
  if (input.prog === 'cil_from_netdev' && r.retval === 7 && inp.dst === n1.ip && out.dst !== n1.ip) deep.revSnat++;
  if (input.prog === 'cil_from_overlay' && r.retval === 7) deep.overlayDelivered++;
}

// ---- the control plane: the same edit on both sides ----

function restoreMap(pair: EnginePair, name: string): void {
  for (const e of ENGINES) {
    const obj = pair.side(e).obj;
    importMaps([...obj.maps.values()], { [name]: pair.initial[name]! }, (p) => obj.programs.get(p));
  }
}

function controlPlane(rng: Rng, pair: EnginePair): { what: string; restore?: string } {
  const editable = [...pair.interp.obj.maps.values()].filter((m) => (m.kind === 'hash' || m.kind === 'lpm-trie') && !m.name.startsWith('.'));
  const both = (f: (m: AnyBpfMap) => number, name: string) => { for (const e of ENGINES) f(pair.side(e).obj.map(name)); };
  switch (rng.int(5)) {
    case 0: { // delete one entry
      const m = rng.pick(editable);
      const keys = [...m.keys()];
      if (!keys.length) return { what: 'delete (empty map)' };
      const key = rng.pick(keys).slice();
      both((x) => x.userDelete(key), m.name);
      return { what: `delete ${m.name}`, restore: m.name };
    }
    case 1: { // change a byte of one value
      const m = rng.pick(editable);
      const entries = [...m.entries()] as [Uint8Array, Uint8Array][];
      if (!entries.length) return { what: 'rewrite (empty map)' };
      const [k, v] = rng.pick(entries);
      const key = k.slice(), value = v.slice();
      value[rng.int(value.length)] ^= 1 << rng.int(8);
      both((x) => (x as { userUpdate(k: Uint8Array, v: Uint8Array): number }).userUpdate(key, value), m.name);
      return { what: `rewrite ${m.name}`, restore: m.name };
    }
    case 2: { // a map re-written as the agent wrote it (conntrack and NAT state gone)
      const name = rng.pick(Object.keys(pair.initial).filter((n) => !n.startsWith('.')));
      restoreMap(pair, name);
      return { what: `reset ${name}` };
    }
    case 3: { // conntrack flushed
      const name = 'cilium_ct4_global';
      if (!pair.spec.maps.some((m) => m.name === name)) return { what: 'flush (no conntrack)' };
      for (const e of ENGINES) importMaps([...pair.side(e).obj.maps.values()], { [name]: [] });
      return { what: `flush ${name}` };
    }
    default: { // a tail call slot emptied
      if (!pair.spec.maps.some((m) => m.name === 'cilium_calls')) return { what: 'untail (no prog array)' };
      const key = new Uint8Array([1 + rng.int(2), 0, 0, 0]);
      both((x) => x.userDelete(key), 'cilium_calls');
      return { what: `empty cilium_calls[${key[0]}]`, restore: 'cilium_calls' };
    }
  }
}

// ---- packets ----

const GW_MAC = '52:54:00:ff:ff:01';
const HOST_MAC = '02:00:00:00:00:01', VXLAN_PEER_MAC = '02:00:00:00:00:02';
const LOCAL_PODS = [client, web, jail];
const REMOTE_PODS = [db, web2];
const ALL_PODS = [...LOCAL_PODS, ...REMOTE_PODS];
const VIPS = [...CLUSTER.services.map((s) => ({ ip: s.vip, port: s.port, proto: s.proto })), { ip: '10.96.0.99', port: 80, proto: 'TCP' as const }];
const VIP_SET = new Set(VIPS.map((v) => v.ip));
const NODES = [n1.ip, n2.ip, n1.routerIp, n2.routerIp];
const WORLD = ['8.8.8.8', '1.1.1.1', '8.8.4.4', '9.9.9.9'];
const ODD = ['10.0.1.99', '10.0.2.99', '10.0.3.7', '192.168.10.99', '10.96.0.77', '0.0.0.0', '255.255.255.255', '127.0.0.1', '224.0.0.1', '10.0.1.0', '10.0.1.255'];
const IDENTITIES = [0, 1, 2, 6, ...new Set(ALL_PODS.map((p) => p.identity))];
const PORTS = [80, 8080, 22, 53, 443, 123, 4999, 5000, 5001, 5003, 5004, 5007, 5008, 5432, 8472, 0, 1, 65535, 32768, 60999, SVC_LOCAL_PORT, SVC_REMOTE_PORT];
const TCP_FLAGS = ['S', 'S', 'SA', 'A', 'A', 'FA', 'RA', 'R', 'PA', 'F', '', 'FSRPAU'];
const TUNNEL_KEY_FLAG = 0x4;

const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const podByIp = (ip: string) => ALL_PODS.find((p) => p.ip === ip);
const localPodByIfindex = (i: number) => LOCAL_PODS.find((p) => p.ifindex === i);

export function ctxBytes(f: { mark?: number; ingressIfindex?: number; cb?: number[]; priority?: number }): Uint8Array {
  const ctx = new Uint8Array(SKB_CTX_SIZE);
  const v = new DataView(ctx.buffer);
  v.setUint32(SKB.mark, f.mark ?? 0, true);
  v.setUint32(SKB.ingress_ifindex, f.ingressIfindex ?? 0, true);
  v.setUint32(SKB.priority, f.priority ?? 0, true);
  (f.cb ?? []).forEach((x, i) => v.setUint32(SKB.cb + 4 * i, x >>> 0, true));
  return ctx;
}

interface Ip4View { ihl: number; proto: number; src: string; dst: string; sport: number; dport: number; icmpType: number; icmpId: number; tcpFlags: number }

/** The IPv4 header and ports of a frame, if it is a whole enough IPv4 frame. */
function ipv4Of(f: Uint8Array): Ip4View | null {
  if (f.length < 34 || f[12] !== 0x08 || f[13] !== 0x00 || f[14]! >> 4 !== 4) return null;
  const ihl = (f[14]! & 15) * 4;
  if (ihl < 20) return null;
  const l4 = 14 + ihl;
  const proto = f[23]!;
  const has = (n: number) => f.length >= l4 + n;
  const u16 = (o: number) => (f[o]! << 8) | f[o + 1]!;
  return {
    ihl, proto, src: [...f.subarray(26, 30)].join('.'), dst: [...f.subarray(30, 34)].join('.'),
    sport: proto !== 1 && has(4) ? u16(l4) : 0, dport: proto !== 1 && has(4) ? u16(l4 + 2) : 0,
    icmpType: proto === 1 && has(1) ? f[l4]! : -1, icmpId: proto === 1 && has(6) ? u16(l4 + 4) : 0,
    tcpFlags: proto === 6 && has(14) ? f[l4 + 13]! : 0,
  };
}

class Generator {
  private readonly corpus = new Map<string, { name: string; data: Uint8Array; ctx: { ingress_ifindex?: number; mark?: number } }[]>();
  private readonly replies = new Map<string, FuzzInput[]>();

  constructor(private readonly rng: Rng, private readonly target: FuzzTarget, private readonly squeeze: number) {
    for (const c of allCorpora()) {
      if (c.object !== target.object) continue;
      const list = this.corpus.get(c.prog) ?? [];
      list.push(...c.cases.map((k) => ({ name: `${c.name}: ${k.name}`, data: k.data, ctx: k.ctx })));
      this.corpus.set(c.prog, list);
    }
  }

  next(prog: string): FuzzInput {
    const rng = this.rng;
    const replies = this.replies.get(prog) ?? [];
    const roll = rng.int(100);
    let input: FuzzInput;
    if (roll < 25 && replies.length) input = { ...rng.pick(replies) };
    else if (roll < 55) input = this.fromCorpus(prog) ?? this.generate(prog);
    else input = this.generate(prog);
    if (rng.int(100) < 45) input = mutate(rng, input);
    const extra: string[] = [];
    if (rng.int(100) < this.squeeze) { input = { ...input, budget: 1 + rng.int(700) }; extra.push(`budget ${input.budget}`); }
    if (rng.int(100) < 4) { input = { ...input, repeat: 2 + rng.int(2) }; extra.push(`repeat ${input.repeat}`); }
    if (rng.int(100) < 10) { input = { ...input, cpu: 1 + rng.int(NCPUS - 1) }; extra.push(`cpu ${input.cpu}`); }
    return extra.length ? { ...input, origin: `${input.origin} [${extra.join(', ')}]` } : input;
  }

  private fromCorpus(prog: string): FuzzInput | null {
    const rng = this.rng;
    const base = prog === 'tail_ipv4_from_lxc_cont' ? 'cil_from_container' : prog === 'tail_ipv4_to_endpoint' ? 'cil_to_container' : prog;
    const list = this.corpus.get(base);
    if (!list?.length) return null;
    const c = rng.pick(list);
    let cb: number[] | undefined;
    if (prog === 'tail_ipv4_from_lxc_cont') cb = [rng.pick(IDENTITIES), rng.pick([0, 0, 1, 2, 3, 9]), rng.int(3) ? 0 : vipBe(rng)];
    if (prog === 'tail_ipv4_to_endpoint') cb = [rng.int(3) ? rng.pick(IDENTITIES) : 0];
    const tunnelKey = prog === 'cil_from_overlay' && rng.int(100) < 75 ? this.tunnelKey() : null;
    return {
      prog, data: c.data.slice(),
      ctx: ctxBytes({ mark: c.ctx.mark ?? 0, ingressIfindex: c.ctx.ingress_ifindex ?? 0, ...(cb ? { cb } : {}) }),
      tunnelKey, ingress: isIngress(prog), origin: `corpus "${c.name}"${tunnelKey ? ' with a tunnel key' : ''}`,
    };
  }

  private tunnelKey(): TunnelKey {
    const rng = this.rng;
    return {
      tunnelId: rng.int(10) < 8 ? rng.pick(IDENTITIES) : rng.pick([rng.u32(), 0xffffff, 1 << 24, rng.int(70000)]),
      srcIpv4: rng.int(10) < 8 ? ip4(n2.ip) : rng.int(2) ? ip4(n1.ip) : rng.u32(),
      dstIpv4: ip4(n1.ip), tos: rng.int(4) ? 0 : rng.int(256), ttl: rng.pick([64, 64, 1, 255]), label: 0,
      flags: rng.int(10) < 8 ? TUNNEL_KEY_FLAG : rng.int(0x4000),
    };
  }

  private addr(): string {
    const rng = this.rng;
    switch (rng.int(8)) {
      case 0: case 1: return rng.pick(ALL_PODS).ip;
      case 2: return rng.pick(NODES);
      case 3: return rng.pick(VIPS).ip;
      case 4: return rng.pick(WORLD);
      case 5: return rng.pick(ODD);
      case 6: return `10.0.${rng.int(4)}.${rng.int(256)}`;
      default: return dotted(rng.u32());
    }
  }

  private port(): number {
    return this.rng.int(10) < 6 ? this.rng.pick(PORTS) : this.rng.int(65536);
  }

  private l4(dport?: number, proto?: string): L4 {
    const rng = this.rng;
    const p = proto ?? rng.pick(['TCP', 'TCP', 'UDP', 'UDP', 'ICMP']);
    if (p === 'TCP') return { proto: 'TCP', sport: this.port(), dport: dport ?? this.port(), flags: rng.pick(TCP_FLAGS), ...(rng.int(4) ? {} : { payload: randomBytes(rng, rng.int(64)) }) };
    if (p === 'UDP') return { proto: 'UDP', sport: this.port(), dport: dport ?? this.port(), payload: randomBytes(rng, rng.int(48)) };
    return { proto: 'ICMP', type: rng.pick([8, 8, 8, 0, 0, 3, 11, 13]), id: rng.int(4) ? rng.int(65536) : rng.pick([0x1234, 0x77]) };
  }

  /** A destination and an L4 header: half the time a service VIP on its port. */
  private dstAndL4(): { dst: string; l4: L4 } {
    const rng = this.rng;
    if (rng.int(4) === 0) {
      const s = rng.pick(VIPS);
      return { dst: s.ip, l4: this.l4(rng.int(4) ? s.port : undefined, rng.int(4) ? s.proto : undefined) };
    }
    return { dst: this.addr(), l4: this.l4() };
  }

  private generate(prog: string): FuzzInput {
    const rng = this.rng;
    const mk = (data: Uint8Array, ctx: Uint8Array | null, origin: string, tunnelKey: TunnelKey | null = null): FuzzInput =>
      ({ prog, data, ctx, tunnelKey, ingress: isIngress(prog) || rng.int(8) === 0, origin: `generated ${origin}` });
    if (rng.int(100) < 4) return mk(ipv6Frame(rng), rng.int(2) ? ctxBytes({ ingressIfindex: rng.pick(LOCAL_PODS).ifindex }) : null, 'IPv6');
    switch (prog) {
      case 'cil_from_container':
      case 'tail_ipv4_from_lxc_cont': {
        const pod = rng.pick(LOCAL_PODS);
        const ifindex = rng.int(10) < 9 ? pod.ifindex : rng.pick([0, 1, 2, 3, ...LOCAL_PODS.map((p) => p.ifindex), rng.u32()]);
        const cb = prog === 'tail_ipv4_from_lxc_cont' ? [rng.int(10) < 8 ? pod.identity : rng.pick(IDENTITIES), rng.pick([0, 0, 1, 2, 3, 9, rng.int(65536)]), rng.int(3) ? 0 : vipBe(rng)] : [];
        const ctx = ctxBytes({ ingressIfindex: ifindex, mark: rng.int(8) ? 0 : rng.u32(), cb });
        if (prog === 'cil_from_container' && rng.int(100) < 10) {
          const tip = rng.pick([n1.routerIp, n1.routerIp, web.ip, this.addr()]);
          return mk(arpRequest({ srcMac: pod.mac, sip: pod.ip, tip, op: rng.pick([1, 1, 1, 2, 3]) }), ctx, `ARP ${pod.name} who-has ${tip}`);
        }
        const { dst, l4 } = this.dstAndL4();
        const src = rng.int(10) < 9 ? pod.ip : this.addr();
        const ttl = rng.int(10) ? undefined : rng.pick([0, 1, 2, 255]);
        return mk(frame({ srcMac: pod.mac, dstMac: n1.routerMac, src, dst, l4, ...(ttl !== undefined ? { ttl } : {}) }), ctx, `${pod.name} (${src}) -> ${dst} ${l4Text(l4)}`);
      }
      case 'cil_to_container':
      case 'tail_ipv4_to_endpoint': {
        const pod = rng.int(10) < 9 ? rng.pick(LOCAL_PODS) : rng.pick(REMOTE_PODS);
        const src = this.addr();
        const srcPod = podByIp(src);
        const identity = rng.int(3) ? (srcPod?.identity ?? 2) : rng.pick(IDENTITIES);
        const mark = rng.pick([identityMark(identity), identityMark(identity), 0, 0, 0x1234, rng.u32(), identityMark(rng.u32())]);
        const cb = prog === 'tail_ipv4_to_endpoint' ? [rng.int(3) ? identity : 0] : [];
        if (prog === 'cil_to_container' && rng.int(100) < 6) return mk(arpRequest({ srcMac: pod.lxcMac, sip: n1.routerIp, tip: pod.ip }), ctxBytes({ mark }), `ARP for ${pod.name}`);
        const l4 = this.l4();
        return mk(frame({ srcMac: pod.lxcMac, dstMac: pod.mac, src, dst: pod.ip, l4 }), ctxBytes({ mark, cb }), `${src} -> ${pod.name} ${l4Text(l4)} mark 0x${mark.toString(16)}`);
      }
      case 'cil_from_overlay': {
        const src = rng.int(3) ? rng.pick([...REMOTE_PODS.map((p) => p.ip), n2.ip, n2.routerIp]) : this.addr();
        const dst = rng.int(3) ? rng.pick([...LOCAL_PODS.map((p) => p.ip), n1.routerIp, n1.ip]) : this.addr();
        const l4 = this.l4();
        const key = rng.int(100) < 85 ? this.tunnelKey() : null;
        const inner = frame({ srcMac: rng.pick([db.mac, web2.mac, HOST_MAC]), dstMac: rng.pick([n1.routerMac, n2.routerMac, n1.mac]), src, dst, l4, ...(rng.int(10) ? {} : { ttl: rng.pick([1, 2]) }) });
        return mk(inner, rng.int(4) ? ctxBytes({ mark: rng.int(6) ? 0 : rng.u32() }) : null, `${src} -> ${dst} ${l4Text(l4)}${key ? ` VNI ${key.tunnelId}` : ', no tunnel key'}`, key);
      }
      case 'cil_to_overlay': {
        const src = rng.int(3) ? rng.pick([n1.ip, n1.routerIp, ...LOCAL_PODS.map((p) => p.ip), ...WORLD]) : this.addr();
        const dst = rng.int(3) ? rng.pick([...REMOTE_PODS.map((p) => p.ip), n2.routerIp, '10.0.2.99', n2.ip]) : this.addr();
        const l4 = this.l4();
        const key = rng.int(100) < 10 ? { ...this.tunnelKey(), srcIpv4: 0, dstIpv4: ip4(n2.ip) } : null;
        return mk(frame({ srcMac: HOST_MAC, dstMac: VXLAN_PEER_MAC, src, dst, l4 }), rng.int(4) ? ctxBytes({}) : null, `${src} -> ${dst} ${l4Text(l4)}${key ? ' (key already set)' : ''}`, key);
      }
      case 'cil_to_netdev': {
        const src = rng.pick([...LOCAL_PODS.map((p) => p.ip), ...LOCAL_PODS.map((p) => p.ip), n1.ip, this.addr()]);
        const { dst, l4 } = rng.int(3) ? { dst: rng.pick(WORLD), l4: this.l4() } : this.dstAndL4();
        return mk(frame({ srcMac: n1.mac, dstMac: GW_MAC, src, dst, l4, ttl: 63 }), rng.int(4) ? ctxBytes({}) : null, `out ${src} -> ${dst} ${l4Text(l4)}`);
      }
      case 'cil_from_netdev': {
        const src = rng.int(3) ? rng.pick(WORLD) : this.addr();
        const dst = rng.int(5) ? n1.ip : this.addr();
        const [lo, hi] = CLUSTER.snatPorts;
        const l4 = this.l4(rng.int(2) ? lo + rng.int(hi - lo + 1) : undefined);
        const dstMac = rng.int(8) ? n1.mac : rng.pick(['ff:ff:ff:ff:ff:ff', '52:54:00:00:00:99', n1.routerMac]);
        return mk(frame({ srcMac: GW_MAC, dstMac, src, dst, l4 }), rng.int(4) ? ctxBytes({ ingressIfindex: 2 }) : null, `back ${src} -> ${dst} ${l4Text(l4)}`);
      }
      default:
        throw new Error(`no generator for ${prog}`);
    }
  }

  /** Replies to what came out (reference: the interpreter's outcome, equal to the wasm one). */
  learn(input: FuzzInput, o: Outcome): void {
    if (o.kind !== 'ran' || o.r.fault || (o.r.retval !== 0 && o.r.retval !== 7)) return;
    const out = ipv4Of(o.r.dataOut);
    if (!out || (out.proto !== 6 && out.proto !== 17 && out.proto !== 1)) return;
    const rng = this.rng;
    let l4: L4;
    if (out.proto === 6) l4 = { proto: 'TCP', sport: out.dport, dport: out.sport, flags: out.tcpFlags === 0x02 ? 'SA' : rng.pick(['A', 'A', 'PA', 'FA', 'RA']) };
    else if (out.proto === 17) l4 = { proto: 'UDP', sport: out.dport, dport: out.sport };
    else if (out.icmpType === 8) l4 = { proto: 'ICMP', type: 0, id: out.icmpId };
    else return;
    const redirect = o.r.redirect;
    const add = (prog: string, data: Uint8Array, ctx: Uint8Array | null, tunnelKey: TunnelKey | null = null) => {
      if (!this.target.progs.includes(prog)) return;
      const list = this.replies.get(prog) ?? [];
      list.push({ prog, data, ctx, tunnelKey, ingress: isIngress(prog), origin: `reply ${out.dst} -> ${out.src} ${l4Text(l4)} to the output of ${input.prog} (${input.origin.slice(0, 80)})` });
      if (list.length > 48) list.splice(rng.int(list.length), 1);
      this.replies.set(prog, list);
    };
    const fromPod = (pod: (typeof LOCAL_PODS)[number]) => add('cil_from_container', frame({ srcMac: pod.mac, dstMac: n1.routerMac, src: out.dst, dst: out.src, l4 }), ctxBytes({ ingressIfindex: pod.ifindex }));
    const toPod = (pod: (typeof LOCAL_PODS)[number], identity: number | null) =>
      add('cil_to_container', frame({ srcMac: pod.lxcMac, dstMac: pod.mac, src: out.dst, dst: out.src, l4 }), ctxBytes({ mark: identity === null ? 0 : identityMark(identity) }));
    const vxlan = Number(nodeConfig(CLUSTER, this.target.node).vxlan_ifindex);
    switch (input.prog) {
      case 'cil_from_container':
      case 'tail_ipv4_from_lxc_cont':
      case 'tail_ipv4_to_endpoint': {
        const src = LOCAL_PODS.find((p) => p.ip === out.src);
        const peer = redirect ? localPodByIfindex(redirect.ifindex) : undefined;
        if (peer && redirect?.helper === 'redirect_peer') fromPod(peer);
        else if (src && redirect?.ifindex === vxlan) toPod(src, podByIp(out.dst)?.identity ?? 6);
        else if (src && o.r.retval === 0) toPod(src, rng.int(2) ? 2 : null);
        break;
      }
      case 'cil_to_container': {
        const pod = LOCAL_PODS.find((p) => p.ip === out.dst);
        if (pod && o.r.retval === 0) fromPod(pod);
        break;
      }
      case 'cil_to_netdev':
        if (o.r.retval === 0) add('cil_from_netdev', frame({ srcMac: GW_MAC, dstMac: n1.mac, src: out.dst, dst: out.src, l4 }), rng.int(2) ? ctxBytes({ ingressIfindex: 2 }) : null);
        break;
      case 'cil_from_netdev':
        if (o.r.retval === 7) add('cil_to_netdev', frame({ srcMac: n1.mac, dstMac: GW_MAC, src: out.dst, dst: out.src, l4, ttl: 63 }), null);
        break;
      case 'cil_from_overlay':
        if (o.r.retval === 7) add('cil_to_overlay', frame({ srcMac: HOST_MAC, dstMac: VXLAN_PEER_MAC, src: out.dst, dst: out.src, l4 }), null);
        break;
      case 'cil_to_overlay':
        if (o.r.tunnelKey) {
          add('cil_from_overlay', frame({ srcMac: db.mac, dstMac: n1.routerMac, src: out.dst, dst: out.src, l4 }), null, {
            tunnelId: podByIp(out.dst)?.identity ?? 6, srcIpv4: o.r.tunnelKey.dstIpv4, dstIpv4: ip4(n1.ip), tos: 0, ttl: 64, label: 0, flags: TUNNEL_KEY_FLAG,
          });
        }
        break;
    }
  }
}

const isIngress = (prog: string) => prog === 'cil_from_container' || prog === 'tail_ipv4_from_lxc_cont' || prog === 'cil_from_overlay' || prog === 'cil_from_netdev';
const vipBe = (rng: Rng) => { const b = Uint8Array.from(rng.pick(VIPS).ip.split('.').map(Number)); return new DataView(b.buffer).getUint32(0, true); };
const l4Text = (l4: L4) => (l4.proto === 'ICMP' ? `ICMP type ${l4.type ?? 8} id ${l4.id ?? 0}` : `${l4.proto} ${l4.sport}->${l4.dport}${l4.proto === 'TCP' ? ` [${l4.flags ?? 'S'}]` : ''}`);

function randomBytes(rng: Rng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

/** A real IPv6 frame (UDP, TCP or ICMPv6), which the datapath does not handle. */
function ipv6Frame(rng: Rng): Uint8Array {
  const payload = randomBytes(rng, 8 + rng.int(40));
  const f = new Uint8Array(14 + 40 + payload.length);
  f.set([0x0a, 0x58, 0x0a, 0, 1, 0x0a, 0x02, 0, 0x0a, 0, 1, 1, 0x86, 0xdd]);
  f[14] = 0x60;
  f[18] = payload.length >> 8; f[19] = payload.length & 255;
  f[20] = rng.pick([17, 6, 58, 0, 44]);
  f[21] = rng.pick([64, 1, 255]);
  f.set([0xfd, 0, 0, 0, 0, 0, 0, 1], 22); f[37] = rng.int(256);
  f.set([0xfd, 0, 0, 0, 0, 0, 0, 2], 38); f[53] = rng.int(256);
  f.set(payload, 54);
  return f;
}

// ---- mutations ----

type Mutator = (rng: Rng, f: Uint8Array, input: FuzzInput) => { data?: Uint8Array; ctx?: Uint8Array | null; tunnelKey?: TunnelKey | null; what: string } | null;

const setU16 = (b: Uint8Array, at: number, v: number) => { if (at + 1 < b.length) { b[at] = (v >> 8) & 255; b[at + 1] = v & 255; } };
const isIpv4 = (f: Uint8Array) => f.length >= 34 && f[12] === 0x08 && f[13] === 0x00;
const l4At = (f: Uint8Array) => 14 + Math.max(20, (f[14]! & 15) * 4);

const MUTATORS: [string, number, Mutator][] = [
  ['flip header byte', 6, (rng, f) => { const b = f.slice(); const i = rng.int(Math.min(b.length, 64)); b[i] ^= 1 + rng.int(255); return { data: b, what: `byte ${i} ^= ..` }; }],
  ['set a byte to an edge', 3, (rng, f) => { const b = f.slice(); const i = rng.int(b.length); b[i] = rng.pick([0, 0xff, 0x80, 0x7f, 1]); return { data: b, what: `byte ${i} = 0x${b[i]!.toString(16)}` }; }],
  ['truncate', 4, (rng, f) => { const n = 14 + rng.int(Math.max(1, f.length - 14)); return { data: f.slice(0, n), what: `truncated to ${n}` }; }],
  ['append', 2, (rng, f) => { const n = 1 + rng.int(64); const b = new Uint8Array(f.length + n); b.set(f); if (rng.int(2)) b.set(randomBytes(rng, n), f.length); return { data: b, what: `+${n} bytes` }; }],
  ['IP options', 4, (rng, f) => {
    if (!isIpv4(f) || (f[14]! & 15) !== 5) return null;
    const words = 1 + rng.int(10);
    const opts = new Uint8Array(words * 4);
    for (let i = 0; i < opts.length;) {
      const kind = rng.pick([1, 1, 0, 7, 68, 148, rng.int(256)]);
      if (kind === 0 || kind === 1) { opts[i++] = kind; continue; }
      const len = Math.min(opts.length - i, 2 + rng.int(10));
      opts[i] = kind; if (len > 1) opts[i + 1] = len; if (len > 2) opts[i + 2] = 4 + rng.int(len);
      i += len;
    }
    const b = new Uint8Array(f.length + opts.length);
    b.set(f.subarray(0, 34)); b.set(opts, 34); b.set(f.subarray(34), 34 + opts.length);
    b[14] = 0x40 | (5 + words);
    setU16(b, 16, ((f[16]! << 8) | f[17]!) + opts.length);
    return { data: fixIpCsum(b), what: `${opts.length} bytes of IP options` };
  }],
  ['IPv4 total length', 3, (rng, f) => { if (!isIpv4(f)) return null; const b = f.slice(); const t = rng.int(3) ? b.length - 14 + rng.int(17) - 8 : rng.int(65536); setU16(b, 16, t); return { data: maybeFix(rng, b), what: `tot_len ${t}` }; }],
  ['IHL', 2, (rng, f) => { if (!isIpv4(f)) return null; const b = f.slice(); b[14] = (b[14]! & 0xf0) | rng.int(16); return { data: maybeFix(rng, b), what: `version/IHL 0x${b[14]!.toString(16)}` }; }],
  ['fragment', 2, (rng, f) => { if (!isIpv4(f)) return null; const b = f.slice(); const v = rng.pick([0x4000, 0x2000, 0x0001, 0x2010, 0x8000, rng.int(65536)]); setU16(b, 20, v); return { data: maybeFix(rng, b), what: `frag 0x${v.toString(16)}` }; }],
  ['TTL', 2, (rng, f) => { if (!isIpv4(f)) return null; const b = f.slice(); b[22] = rng.pick([0, 1, 2, 255]); return { data: maybeFix(rng, b), what: `ttl ${b[22]}` }; }],
  ['protocol', 2, (rng, f) => { if (!isIpv4(f)) return null; const b = f.slice(); b[23] = rng.pick([1, 6, 17, 132, 0, 58, 47, rng.int(256)]); return { data: maybeFix(rng, b), what: `proto ${b[23]}` }; }],
  ['TOS', 1, (rng, f) => { if (!isIpv4(f)) return null; const b = f.slice(); b[15] = rng.int(256); return { data: maybeFix(rng, b), what: `tos ${b[15]}` }; }],
  ['address', 5, (rng, f) => {
    if (!isIpv4(f)) return null;
    const b = f.slice();
    const at = rng.int(2) ? 26 : 30;
    const a = rng.int(5) ? rng.pick([...ALL_PODS.map((p) => p.ip), ...NODES, ...VIPS.map((v) => v.ip), ...WORLD, ...ODD]) : dotted(rng.u32());
    b.set(a.split('.').map(Number), at);
    return { data: fixL4(rng, maybeFix(rng, b)), what: `${at === 26 ? 'saddr' : 'daddr'} ${a}` };
  }],
  ['port', 5, (rng, f) => {
    if (!isIpv4(f) || (f[23] !== 6 && f[23] !== 17)) return null;
    const b = f.slice(); const at = l4At(b) + (rng.int(2) ? 2 : 0);
    const p = rng.int(10) < 7 ? rng.pick([...PORTS, ...VIPS.map((v) => v.port)]) : rng.int(65536);
    setU16(b, at, p);
    return { data: fixL4(rng, b), what: `${at === l4At(b) ? 'sport' : 'dport'} ${p}` };
  }],
  ['TCP flags / offset', 3, (rng, f) => {
    if (!isIpv4(f) || f[23] !== 6) return null;
    const b = f.slice(); const at = l4At(b);
    if (rng.int(3)) { if (at + 13 < b.length) b[at + 13] = rng.pick([0x02, 0x12, 0x10, 0x11, 0x04, 0x14, 0x01, 0x00, 0xff, rng.int(256)]); }
    else if (at + 12 < b.length) b[at + 12] = rng.int(16) << 4;
    return { data: fixL4(rng, b), what: `TCP flags/offset ${toHex(b.subarray(at + 12, at + 14))}` };
  }],
  ['UDP length', 1, (rng, f) => { if (!isIpv4(f) || f[23] !== 17) return null; const b = f.slice(); const v = rng.int(3) ? 8 + rng.int(64) : rng.int(65536); setU16(b, l4At(b) + 4, v); return { data: b, what: `UDP len ${v}` }; }],
  ['ICMP type', 2, (rng, f) => { if (!isIpv4(f) || f[23] !== 1) return null; const b = f.slice(); const at = l4At(b); if (at >= b.length) return null; b[at] = rng.pick([0, 8, 3, 5, 11, 13, 14, 255]); return { data: fixL4(rng, b), what: `ICMP type ${b[at]}` }; }],
  ['ethertype', 2, (rng, f) => { const b = f.slice(); const t = rng.pick([0x0806, 0x86dd, 0x8100, 0x88a8, 0x0800, rng.int(65536)]); setU16(b, 12, t); return { data: b, what: `ethertype 0x${t.toString(16)}` }; }],
  ['MAC', 2, (rng, f) => {
    const b = f.slice(); const at = rng.int(2) ? 0 : 6;
    if (b.length < at + 6) return null;
    const mac = rng.pick([n1.mac, n1.routerMac, 'ff:ff:ff:ff:ff:ff', '01:00:5e:00:00:01', '00:00:00:00:00:00', client.mac]);
    b.set(mac.split(':').map((x) => parseInt(x, 16)), at);
    return { data: b, what: `${at ? 'src' : 'dst'} MAC ${mac}` };
  }],
  ['ctx mark', 3, (rng, _f, inp) => {
    const ctx = (inp.ctx ?? new Uint8Array(SKB_CTX_SIZE)).slice();
    const mark = rng.pick([identityMark(rng.pick(IDENTITIES)), rng.u32(), 0, 0x0f00, identityMark(rng.u32())]);
    new DataView(ctx.buffer).setUint32(SKB.mark, mark, true);
    return { ctx, what: `mark 0x${mark.toString(16)}` };
  }],
  ['ctx ingress_ifindex', 2, (rng, _f, inp) => {
    const ctx = (inp.ctx ?? new Uint8Array(SKB_CTX_SIZE)).slice();
    const i = rng.pick([0, 1, 2, 3, ...ALL_PODS.map((p) => p.ifindex), rng.u32()]);
    new DataView(ctx.buffer).setUint32(SKB.ingress_ifindex, i, true);
    return { ctx, what: `ingress_ifindex ${i}` };
  }],
  ['ctx cb', 2, (rng, _f, inp) => {
    const ctx = (inp.ctx ?? new Uint8Array(SKB_CTX_SIZE)).slice();
    const k = rng.int(5);
    const v = rng.pick([rng.u32(), rng.pick(IDENTITIES), 0, 1, 9, vipBe(rng)]);
    new DataView(ctx.buffer).setUint32(SKB.cb + 4 * k, v, true);
    return { ctx, what: `cb[${k}] = 0x${(v >>> 0).toString(16)}` };
  }],
  ['ctx other fields', 1, (rng, f, inp) => {
    const ctx = (inp.ctx ?? new Uint8Array(SKB_CTX_SIZE)).slice();
    const v = new DataView(ctx.buffer);
    const which = rng.int(4);
    if (which === 0) v.setUint32(SKB.priority, rng.u32(), true);
    else if (which === 1) v.setUint32(SKB.wire_len, rng.int(3) ? f.length + rng.int(100) : rng.int(f.length + 1), true);
    else if (which === 2) v.setUint32(SKB.ifindex, rng.pick([0, 1, 2, 3, 11]), true);
    else ctx[rng.int(SKB_CTX_SIZE)] = 1 + rng.int(255); // maybe a field the test run refuses
    return { ctx, what: ['priority', 'wire_len', 'ifindex', 'a random ctx byte'][which]! };
  }],
  ['no ctx', 1, () => ({ ctx: null, what: 'no ctx_in' })],
  ['tunnel key', 3, (rng, _f, inp) => {
    if (inp.prog !== 'cil_from_overlay' && inp.prog !== 'cil_to_overlay') return null;
    const k: TunnelKey = inp.tunnelKey ? { ...inp.tunnelKey } : { tunnelId: 0, srcIpv4: ip4(n2.ip), dstIpv4: ip4(n1.ip), tos: 0, ttl: 64, label: 0, flags: TUNNEL_KEY_FLAG };
    switch (rng.int(5)) {
      case 0: k.tunnelId = rng.int(2) ? rng.u32() : rng.pick(IDENTITIES); break;
      case 1: k.srcIpv4 = rng.int(2) ? rng.u32() : ip4(rng.pick(NODES)); break;
      case 2: k.flags = rng.int(0x10000); break;
      case 3: k.tos = rng.int(256); k.ttl = rng.int(256); k.label = rng.u32() & 0xfffff; break;
      default: return { tunnelKey: null, what: 'no tunnel key' };
    }
    return { tunnelKey: k, what: `tunnel key ${show(k)}` };
  }],
];
const MUTATOR_WEIGHT = MUTATORS.reduce((n, [, w]) => n + w, 0);

function mutate(rng: Rng, input: FuzzInput): FuzzInput {
  let out = { ...input };
  const whats: string[] = [];
  const n = 1 + rng.int(3);
  for (let tries = 0; whats.length < n && tries < 12; tries++) {
    let w = rng.int(MUTATOR_WEIGHT);
    let m = MUTATORS[0]!;
    for (const x of MUTATORS) { if (w < x[1]) { m = x; break; } w -= x[1]; }
    const r = m[2](rng, out.data, out);
    if (!r) continue;
    out = { ...out, ...(r.data ? { data: r.data } : {}), ...('ctx' in r ? { ctx: r.ctx ?? null } : {}), ...('tunnelKey' in r ? { tunnelKey: r.tunnelKey ?? null } : {}) };
    whats.push(r.what);
  }
  return { ...out, origin: `${input.origin} + ${whats.join(', ')}` };
}

function onesSum(b: Uint8Array, from: number, to: number, initial = 0): number {
  let s = initial;
  for (let i = from; i < to; i += 2) s += (b[i]! << 8) | (i + 1 < to ? b[i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** The IPv4 header checksum recomputed (if the header fits in the frame). */
function fixIpCsum(b: Uint8Array): Uint8Array {
  const ihl = (b[14]! & 15) * 4;
  if (ihl < 20 || 14 + ihl > b.length) return b;
  b[24] = 0; b[25] = 0;
  setU16(b, 24, ~onesSum(b, 14, 14 + ihl) & 0xffff);
  return b;
}

/** Most mutated headers get a valid checksum again, so they get past checks to deeper code. */
function maybeFix(rng: Rng, b: Uint8Array): Uint8Array {
  return rng.int(10) < 7 ? fixIpCsum(b) : b;
}

/** The TCP/UDP/ICMP checksum recomputed over the datagram (half the time). */
function fixL4(rng: Rng, b: Uint8Array): Uint8Array {
  if (rng.int(2) || !isIpv4(b)) return b;
  const at = l4At(b), proto = b[23]!;
  const end = Math.min(b.length, 14 + ((b[16]! << 8) | b[17]!));
  const csumAt = proto === 6 ? at + 16 : proto === 17 ? at + 6 : proto === 1 ? at + 2 : -1;
  if (csumAt < 0 || csumAt + 2 > end) return b;
  b[csumAt] = 0; b[csumAt + 1] = 0;
  let initial = 0;
  if (proto !== 1) {
    const pseudo = new Uint8Array(12);
    pseudo.set(b.subarray(26, 34)); pseudo[9] = proto; pseudo[10] = ((end - at) >> 8) & 255; pseudo[11] = (end - at) & 255;
    initial = onesSum(pseudo, 0, 12);
  }
  const sum = ~onesSum(b, at, end, initial) & 0xffff;
  setU16(b, csumAt, proto === 17 && sum === 0 ? 0xffff : sum);
  return b;
}
