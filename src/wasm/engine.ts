// The wasm engine of one Vm (its FastPath): a linear memory holding the Vm's registers, its
// stack frames and a region table, one instance per program, and the imports through which
// the wasm code reaches the interpreter's own helpers, context accessors and fault reporting.
//
// Regions whose bytes live elsewhere (packet, map values, global data, a raw run's memory)
// are mirrored into the arena: copied in when the run starts or when they appear, written
// back (those on the dirty list the wasm code keeps) before every helper call and at the end
// of the run, and copied in again after a helper as far as it may have changed them
// (HELPER_WRITES). So helpers, the interpreter and the caller always see the same bytes as
// the wasm code.

import type { FastPath, RunOutcome, Vm } from '../vm/interpreter.js';
import { NestedFault } from '../vm/interpreter.js';
import type { DecodedProgram } from '../vm/program.js';
import { FaultSignal, type Fault } from '../vm/fault.js';
import { RegionKind, type Region, type RegPair } from '../vm/memory.js';
import { LIMITS } from '../isa/opcodes.js';
import { HELPER_NAMES, helperName } from '../isa/helper-names.js';
import {
  ARENA_BASE, DIRTY_COUNT, DIRTY_LIST, ENTRY, ENTRY_SHIFT, FAULT_CODE, FRAME_COUNT, LO_BASE, PAGE, REGS_H, REGS_L, SCRATCH_HI,
  STACK_BASE, STACK_SIZE, STATUS, TABLE, TABLE_CAPACITY, frameRegionId,
} from './layout.js';
import { cachedCompile } from './module-cache.js';

type Entry = (depth: number, count: number, budget: number) => number;

/** A legacy packet load past the end: the program ends with r0 = 0 (not a fault). */
class ProgramExit extends Error {}

interface Mirror {
  id: number;
  region: Region;
  bytes: Uint8Array; // the region's backing store when it was mirrored
  linear: number;
  writable: boolean;
}

/**
 * What a helper may change besides the bytes it writes through pointer arguments (those are
 * reported by AddressSpace.onWrite and re-copied one by one). After an ARGS helper nothing
 * else needs a fresh copy; after a PACKET helper the packet too; after a MAPS helper every
 * map value and global data mirror (an update writes values in place); after anything else
 * (callbacks, helpers not listed) every mirror.
 */
const enum Writes { Args = 1, Packet = 2, Maps = 3, All = 0 }
const HELPER_WRITES = new Uint8Array(256); // 0 = All
const classify = (w: Writes, names: string[]) => {
  for (const name of names) {
    const id = HELPER_NAMES.indexOf(name);
    if (id > 0 && id < 256) HELPER_WRITES[id] = w;
  }
};
classify(Writes.Args, ['map_lookup_elem', 'map_lookup_percpu_elem', 'tail_call', 'ktime_get_ns', 'ktime_get_coarse_ns',
  'ktime_get_boot_ns', 'ktime_get_tai_ns', 'jiffies64', 'get_prandom_u32', 'get_smp_processor_id', 'get_numa_node_id',
  'get_current_pid_tgid', 'get_current_uid_gid', 'get_current_task', 'get_current_cgroup_id', 'get_current_comm',
  'get_netns_cookie', 'redirect', 'redirect_peer', 'redirect_neigh', 'clone_redirect', 'fib_lookup', 'csum_diff',
  'perf_event_output', 'ringbuf_output', 'ringbuf_reserve', 'ringbuf_submit', 'ringbuf_discard', 'ringbuf_query',
  'trace_printk', 'skb_load_bytes', 'skb_load_bytes_relative', 'skb_change_type', 'get_hash_recalc', 'set_hash_invalid',
  'set_hash', 'get_cgroup_classid', 'get_route_realm', 'skb_cgroup_id', 'sk_lookup_tcp', 'sk_lookup_udp', 'skc_lookup_tcp',
  'sk_release', 'sk_assign', 'get_socket_cookie', 'get_socket_uid', 'skb_set_tunnel_key', 'skb_get_tunnel_key']);
classify(Writes.Packet, ['l3_csum_replace', 'l4_csum_replace', 'skb_store_bytes', 'skb_pull_data', 'skb_change_head',
  'skb_change_tail', 'skb_adjust_room', 'skb_change_proto', 'xdp_adjust_head', 'xdp_adjust_tail', 'xdp_adjust_meta']);
classify(Writes.Maps, ['map_update_elem', 'map_delete_elem']);

// Count stays far below 2^31: between two budget checks at most one pass over a program runs.
const MAX_BUDGET = 0x40000000;
const ATOMIC_KINDS = new Set([RegionKind.Stack, RegionKind.MapValue, RegionKind.Global, RegionKind.Memory, RegionKind.Record]);

export class WasmEngine implements FastPath {
  /** Made on first use: a loaded object whose programs never run on wasm costs no memory. */
  private memory: WebAssembly.Memory | null = null;
  private u8!: Uint8Array;
  /** memory.buffer, cached: the getter is slow and the buffer changes only when memory grows. */
  private buf!: ArrayBuffer;
  private i32!: Int32Array;
  private readonly entries = new Map<DecodedProgram, Entry | null>();
  /** Why a program runs on the interpreter instead (by program). */
  readonly fallbackReasons = new Map<DecodedProgram, string>();
  private mirrors: Mirror[] = [];
  private mirrorById: (Mirror | undefined)[] = [];
  /** Region ids below this have table entries for the current run. */
  private synced = 0;
  private arenaTop = ARENA_BASE;
  /** How many times the linear memory grew (for tests and diagnostics). */
  grows = 0;
  private readonly tmp: RegPair = { lo: 0, hi: 0 };

  constructor(private readonly vm: Vm) {
    vm.mem.onWrite = (r) => { this.argWrites[this.argWriteCount++] = r; };
    for (let d = 0; d < FRAME_COUNT; d++) {
      if (vm.stackFrames[d]!.id !== frameRegionId(d)) throw new Error('wasm engine: stack frames must be regions 1..MAX_CALL_DEPTH');
    }
  }

  /** The linear memory, and the Vm's registers and stack frames moved onto it (once). */
  private ensureMemory(): WebAssembly.Memory {
    if (this.memory === null) {
      this.memory = new WebAssembly.Memory({ initial: Math.ceil((ARENA_BASE + 4 * PAGE) / PAGE) });
      this.attachViews(true);
    }
    return this.memory;
  }

  /** (Re)point the Vm's registers and stack frames at the linear memory (after a grow too). */
  private attachViews(initial = false): void {
    const buf = this.memory!.buffer;
    this.buf = buf;
    this.u8 = new Uint8Array(buf);
    this.i32 = new Int32Array(buf);
    const L = new Int32Array(buf, REGS_L, 11), H = new Int32Array(buf, REGS_H, 11);
    // The first time, carry the Vm's own arrays over; after a grow the old views are detached
    // (their bytes are already in the grown memory, at the same offsets).
    if (initial) { L.set(this.vm.L); H.set(this.vm.H); }
    this.vm.L = L; this.vm.H = H;
    this.vm.stackFrames.forEach((f, d) => {
      const bytes = new Uint8Array(buf, STACK_BASE + d * STACK_SIZE, STACK_SIZE);
      if (initial) bytes.set(f.bytes);
      f.rebind(bytes, 0, STACK_SIZE, true);
    });
  }

  private entryFor(prog: DecodedProgram): Entry | null {
    let entry = this.entries.get(prog);
    if (entry === undefined) {
      const { result } = cachedCompile(prog);
      if (result.ok) {
        const inst = new WebAssembly.Instance(result.module, { env: this.imports(prog) });
        entry = inst.exports.entry as Entry;
      } else {
        entry = null;
        this.fallbackReasons.set(prog, result.reason);
      }
      this.entries.set(prog, entry);
    }
    return entry;
  }

  run(vm: Vm, prog: DecodedProgram): RunOutcome | null {
    const entry = this.entryFor(prog); // (the memory exists once a program is instantiated)
    if (entry === null) return null;
    // vm.run has reset transient regions and counters; startRun zeroes the stack frames.
    let fault: Fault | null = null;
    vm.depth = 0;
    vm.currentProgram = prog;
    vm.currentPc = 0;
    try {
      this.startRun(); // inside the try: an engine error becomes an 'internal' fault, never a throw
      vm.insnCount = entry(0, 0, Math.min(vm.budget, MAX_BUDGET));
    } catch (e) {
      fault = this.toFault(e, prog);
    } finally {
      try { this.writeBack(); } catch (e) { fault ??= this.toFault(e, prog); }
    }
    return { r0lo: vm.L[0]!, r0hi: vm.H[0]!, fault, insnCount: vm.insnCount };
  }

  private toFault(e: unknown, prog: DecodedProgram): Fault | null {
    const vm = this.vm;
    if (e instanceof ProgramExit) { vm.L[0] = 0; vm.H[0] = 0; return null; }
    if (e instanceof NestedFault) return e.fault;
    return vm.makeFault(e, vm.currentProgram ?? prog, vm.currentPc);
  }

  // ---- regions ----

  /**
   * Table entries at the start of a run. Entries of persistent regions without memory (map and
   * function handles, ctx) stay from earlier runs; regions with memory are mirrored afresh (the
   * caller may have changed global data or re-bound the packet between runs).
   */
  private startRun(): void {
    const regions = this.vm.mem.regions;
    const persistent = this.vm.mem.persistentCount;
    this.u8.fill(0, STACK_BASE, STACK_BASE + FRAME_COUNT * STACK_SIZE);
    this.i32[DIRTY_COUNT >> 2] = 0;
    for (const m of this.mirrors) this.mirrorById[m.id] = undefined;
    this.mirrors.length = 0;
    this.arenaTop = ARENA_BASE;
    if (persistent !== this.persistentSynced) {
      // new persistent regions (first run, or regions added since): every entry afresh
      this.synced = 0;
      this.syncNew();
      this.persistentSynced = persistent;
      this.persistentMemory = [];
      for (let id = 0; id < persistent; id++) {
        const kind = regions[id]!.kind;
        if (kind !== RegionKind.Stack && !NO_MEMORY_KINDS.has(kind)) this.persistentMemory.push(id); // (ctx: its accessor may come and go)
      }
      return;
    }
    // the packet, ctx, global data and raw memory may have changed between runs; the stack
    // frames (direct) and handles (empty) have not
    for (const id of this.persistentMemory) this.sync(id, regions[id]!);
    this.synced = persistent;
    this.syncNew();
  }

  private persistentSynced = -1;
  private persistentMemory: number[] = [];

  /** Table entries for regions added since the last sync (a lookup's value, a ringbuf record). */
  private syncNew(): void {
    const regions = this.vm.mem.regions;
    const n = Math.min(regions.length, TABLE_CAPACITY);
    for (let id = this.synced; id < n; id++) this.sync(id, regions[id]!);
    this.synced = n;
  }

  /** Regions helpers wrote through pointer arguments during the current helper call. */
  private readonly argWrites: Region[] = [];
  private argWriteCount = 0;

  /** Bring the mirrors up to date with what a helper may have changed (see HELPER_WRITES). */
  private afterHelper(writes: Writes): void {
    if (writes === Writes.All) { this.refresh(); return; }
    for (let k = 0; k < this.argWriteCount; k++) {
      const r = this.argWrites[k]!;
      const m = this.mirrorById[r.id];
      if (m !== undefined && m.region === r) this.recopy(m);
    }
    if (writes !== Writes.Args) {
      for (const m of this.mirrors) {
        const k = m.region.kind;
        if (writes === Writes.Packet ? k === RegionKind.Packet : k === RegionKind.MapValue || k === RegionKind.Global) this.recopy(m);
      }
    }
    this.syncNew();
  }

  /**
   * DPSIM_WASM_CHECK_MIRRORS=1 (the datapath fuzz tests set it): after every helper, every
   * mirror must equal its region (bytes and bounds). A helper that changes memory its
   * HELPER_WRITES class does not cover then faults 'internal', naming it.
   */
  private readonly checkMirrors = process.env.DPSIM_WASM_CHECK_MIRRORS === '1';

  private verifyMirrors(helperId: number): void {
    for (const m of this.mirrors) {
      const r = m.region;
      const e = entryIndex(m.id);
      const i32 = this.i32, u8 = this.u8;
      let stale = r.bytes !== m.bytes || i32[e + ENTRY.lo / 4] !== r.lo || i32[e + ENTRY.hi / 4] !== r.hi ||
        i32[e + ENTRY.wlo / 4] !== r.wlo || i32[e + ENTRY.whi / 4] !== r.whi;
      for (let i = 0; !stale && i < r.bytes.length; i++) stale = u8[m.linear + i] !== r.bytes[i];
      if (stale) {
        throw new FaultSignal('internal', `wasm engine: ${helperName(helperId)} changed ${r.name} without the engine re-reading it (its HELPER_WRITES class is wrong)`);
      }
    }
  }

  private recopy(m: Mirror): void {
    const r = m.region;
    if (r.bytes !== m.bytes) this.mirror(m.id, r);
    else {
      copyBytes(this.u8, m.linear, r.bytes, 0, r.bytes.length);
      this.writeBounds(m.id, r, m.linear);
    }
  }

  /** Fresh copies of every mirrored region, and table entries for regions that appeared. */
  private refresh(): void {
    for (const m of this.mirrors) this.recopy(m); // (a rebound region, e.g. a grown packet, is mirrored afresh)
    this.syncNew();
  }

  private sync(id: number, r: Region): void {
    if (!hasMemory(r)) { this.writeEmpty(id); return; }
    if (r.bytes.buffer === this.buf) this.writeBounds(id, r, r.bytes.byteOffset);
    else this.mirror(id, r);
  }

  private mirror(id: number, r: Region): void {
    const len = r.bytes.length;
    const linear = this.arenaTop;
    if (linear + len > this.u8.length) {
      this.memory!.grow(Math.ceil((linear + len - this.u8.length) / PAGE) + 1);
      this.grows++;
      this.attachViews();
    }
    this.arenaTop = (linear + len + 7) & ~7;
    copyBytes(this.u8, linear, r.bytes, 0, len);
    const m: Mirror = { id, region: r, bytes: r.bytes, linear, writable: r.wlo !== r.whi };
    const old = this.mirrorById[id];
    if (old) this.mirrors[this.mirrors.indexOf(old)] = m; else this.mirrors.push(m);
    this.mirrorById[id] = m;
    this.writeBounds(id, r, linear);
  }

  private writeBounds(id: number, r: Region, linear: number): void {
    const e = entryIndex(id);
    const i32 = this.i32;
    i32[e + ENTRY.lo / 4] = r.lo;
    i32[e + ENTRY.hi / 4] = r.hi;
    i32[e + ENTRY.wlo / 4] = r.wlo;
    i32[e + ENTRY.whi / 4] = r.whi;
    i32[e + ENTRY.bias / 4] = (linear - LO_BASE) | 0;
    i32[e + ENTRY.dirty / 4] = 0;
    i32[e + ENTRY.atomic / 4] = ATOMIC_KINDS.has(r.kind) ? 1 : 0;
  }

  private writeEmpty(id: number): void {
    const e = entryIndex(id);
    this.i32.fill(0, e, e + 8);
    this.i32[e + ENTRY.lo / 4] = LO_BASE; this.i32[e + ENTRY.hi / 4] = LO_BASE;
    this.i32[e + ENTRY.wlo / 4] = LO_BASE; this.i32[e + ENTRY.whi / 4] = LO_BASE;
  }

  /** Copy what the program wrote into mirrored regions back to their own bytes. */
  private writeBack(): void {
    const i32 = this.i32;
    const n = i32[DIRTY_COUNT >> 2]!;
    for (let k = 0; k < n; k++) {
      const id = i32[(DIRTY_LIST >> 2) + k]!;
      const d = entryIndex(id) + ENTRY.dirty / 4;
      if (i32[d] === 0) continue; // re-synced since it was marked
      i32[d] = 0;
      const m = this.mirrorById[id];
      if (m === undefined || !m.writable || m.region.bytes !== m.bytes) continue; // direct (stack) or rebound
      copyBytes(m.bytes, 0, this.u8, m.linear, m.bytes.length);
    }
    i32[DIRTY_COUNT >> 2] = 0;
  }

  // ---- imports ----

  private imports(prog: DecodedProgram): WebAssembly.ModuleImports {
    const vm = this.vm;
    const at = (pc: number, count: number) => { vm.currentProgram = prog; vm.currentPc = pc; vm.insnCount = count; };
    return {
      memory: this.ensureMemory(),
      fault: (code: number, pc: number, count: number) => {
        at(pc, count);
        if (code === FAULT_CODE.budget) vm.overBudget(count);
        if (code === FAULT_CODE.callDepth) throw new FaultSignal('call-depth', `call depth over ${LIMITS.MAX_CALL_DEPTH} frames (kernel MAX_CALL_FRAMES)`);
        if (code === FAULT_CODE.fellOffEnd) throw new FaultSignal('fell-off-end', `execution ran past the last instruction (${prog.length - 1})`);
        throw new FaultSignal('internal', `wasm engine: unknown fault code ${code}`);
      },
      helper: (id: number, pc: number, count: number, depth: number) => {
        at(pc, count);
        vm.depth = depth;
        this.writeBack();
        this.argWriteCount = 0;
        vm.callHelper(id, pc);
        this.afterHelper(id >= 0 && id < 256 ? HELPER_WRITES[id]! as Writes : Writes.All);
        if (this.checkMirrors) this.verifyMirrors(id);
        let status = 0;
        const target = vm.pendingTailCall;
        if (target !== null) {
          vm.pendingTailCall = null;
          status = 1;
          this.tailCall(target, depth);
        }
        this.i32[STATUS >> 2] = status;
        return vm.insnCount;
      },
      load: (hi: number, lo: number, off: number, size: number, pc: number, count: number) => {
        at(pc, count);
        vm.slowLoad(lo, hi, off, size, this.tmp);
        this.i32[SCRATCH_HI >> 2] = this.tmp.hi;
        return this.tmp.lo;
      },
      store: (hi: number, lo: number, off: number, size: number, vlo: number, vhi: number, pc: number, count: number) => {
        at(pc, count);
        vm.slowStore(lo, hi, off, size, vlo, vhi);
      },
      atomic: (hi: number, lo: number, off: number, size: number, pc: number, count: number) => {
        at(pc, count);
        vm.atomicTarget(lo, hi, off, size);
        throw new FaultSignal('internal', `wasm engine: atomic at pc ${pc} refused by the region table but allowed by the interpreter`);
      },
      legacy: (op: number, srcLo: number, imm: number, pc: number, count: number) => {
        at(pc, count);
        if (!vm.legacyLoad(op, srcLo, imm)) throw new ProgramExit();
      },
    };
  }

  /**
   * bpf_tail_call succeeded: run the target at the same depth (it reuses the frame); its r0
   * becomes the caller's result. The count continues across the chain.
   */
  private tailCall(target: DecodedProgram, depth: number): void {
    const vm = this.vm;
    const entry = this.entryFor(target);
    if (entry !== null) {
      vm.insnCount = entry(depth, vm.insnCount, Math.min(vm.budget, MAX_BUDGET));
      return;
    }
    this.writeBack();
    vm.execAt(target, depth);
    this.refresh();
  }
}

/** Regions that are never bytes: every access to them takes the slow path (a fault). */
const NO_MEMORY_KINDS = new Set([RegionKind.Null, RegionKind.MapHandle, RegionKind.Function]);

/** Whether accesses to a region read or write plain bytes (else: slow path, always). */
function hasMemory(r: Region): boolean {
  return r.ctx === null && !NO_MEMORY_KINDS.has(r.kind);
}

/** Index (in 32-bit words) of a region's table entry. */
const entryIndex = (id: number): number => (TABLE + (id << ENTRY_SHIFT)) >> 2;

/** Copy bytes between arrays: a plain loop for the small copies that dominate (map values), else set(). */
function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, from: number, len: number): void {
  if (len <= 64) {
    for (let i = 0; i < len; i++) dst[at + i] = src[from + i]!;
  } else dst.set(src.subarray(from, from + len), at);
}
