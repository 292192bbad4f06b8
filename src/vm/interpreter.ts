// The interpreter: one switch over predecoded opcodes, registers as Int32 halves, memory
// through DataViews with every access checked against its region. Uncommon paths (context
// fields, faults, atomics, calls) leave the loop for methods below; nothing on the common
// path allocates or uses BigInt.

import { AddressSpace, Region, RegionKind, RegPair, LO_BASE, addrHex, REGION_KIND_NAMES } from './memory.js';
import { Fault, FaultKind, FaultSignal } from './fault.js';
import { DecodedProgram } from './program.js';
import { disassemble } from '../isa/disasm.js';
import { helperName } from '../isa/helper-names.js';
import { LIMITS, ATOMIC } from '../isa/opcodes.js';
import type { EngineName } from './engine-name.js';
import { udiv64, umod64, sdiv64, smod64, lsh64, rsh64, arsh64, bswap16, bswap32 } from './alu64.js';

/** A helper reads r1..r5 from vm.L/vm.H; a returned number becomes r0 (sign-extended to 64). */
export type HelperFn = (vm: Vm) => number | void;

/** Runs a program faster than the interpreter, or returns null to leave it to the interpreter. */
export interface FastPath {
  run(vm: Vm, prog: DecodedProgram): RunOutcome | null;
}

/** Called before each instruction when tracing (opt-in; `null` costs one branch per step). */
export type StepHook = (vm: Vm, prog: DecodedProgram, pc: number) => void;

export interface RunOutcome {
  r0lo: number;
  r0hi: number;
  fault: Fault | null;
  insnCount: number;
}

const TWO32 = 4294967296;
const EMPTY_VIEW: DataView = new DataView(new ArrayBuffer(0));

export class Vm {
  /** Registers r0..r10 as low and high 32-bit halves. */
  L = new Int32Array(11);
  H = new Int32Array(11);
  readonly mem: AddressSpace;
  readonly stackFrames: Region[] = [];
  helpers: (HelperFn | undefined)[] = [];
  budget: number = LIMITS.DEFAULT_INSN_BUDGET;
  step: StepHook | null = null;
  /** A faster engine for runs without a step hook (src/wasm); null = always the interpreter. */
  fastPath: FastPath | null = null;
  /** Called after every helper call when tracing: id, the five arguments, r0 after. */
  onHelperCall: ((vm: Vm, id: number, pc: number) => void) | null = null;
  /** Set by bpf_tail_call; taken by the run loop right after the helper returns. */
  pendingTailCall: DecodedProgram | null = null;
  tailCallCount = 0;
  insnCount = 0;
  /** The engine that ran the last run() ('wasm' only when a fast path is attached and took it). */
  lastEngine: EngineName = 'interp';
  /** The program and pc being executed (for helpers that report or call back). */
  currentProgram: DecodedProgram | null = null;
  currentPc = 0;
  /** Call depth of the frame running now (helpers' callbacks go one deeper). */
  depth = 0;
  private readonly tmp: RegPair = { lo: 0, hi: 0 };
  // Per-frame saved state of BPF-to-BPF calls: return pc, program, r6..r9.
  private readonly retPc = new Int32Array(LIMITS.MAX_CALL_DEPTH + 1);
  private readonly retProg: (DecodedProgram | null)[] = new Array(LIMITS.MAX_CALL_DEPTH + 1).fill(null);
  private readonly savedL = new Int32Array((LIMITS.MAX_CALL_DEPTH + 1) * 4);
  private readonly savedH = new Int32Array((LIMITS.MAX_CALL_DEPTH + 1) * 4);

  constructor(mem: AddressSpace = new AddressSpace()) {
    this.mem = mem;
    for (let i = 0; i < LIMITS.MAX_CALL_DEPTH; i++) {
      this.stackFrames.push(mem.addPersistent(`stack[frame ${i}]`, RegionKind.Stack, new Uint8Array(LIMITS.STACK_SIZE), true));
    }
  }

  /** Set a register from a safe integer (negative values sign-extend to 64 bits). */
  setReg(r: number, n: number): void {
    this.L[r] = n | 0;
    this.H[r] = Math.floor(n / TWO32) | 0;
  }

  setRegPtr(r: number, region: Region, offset: number): void {
    this.L[r] = region.addrLo(offset);
    this.H[r] = region.addrHi;
  }

  /** Register as an unsigned number (exact below 2^53). */
  regU(r: number): number {
    return (this.H[r]! >>> 0) * TWO32 + (this.L[r]! >>> 0);
  }

  /** Register as a signed number (exact within ±2^53). */
  regS(r: number): number {
    return this.H[r]! * TWO32 + (this.L[r]! >>> 0);
  }

  /**
   * Run `prog` from `entry` with the registers as the caller set them (r1..r5); r10 is set
   * here. Returns r0 or the fault. Re-entrant: helpers may run a callback through `callback`.
   */
  run(prog: DecodedProgram, entry = 0): RunOutcome {
    this.mem.resetTransient();
    this.tailCallCount = 0;
    this.insnCount = 0;
    this.pendingTailCall = null;
    this.depth = 0;
    if (this.fastPath !== null && this.step === null && entry === 0) {
      const out = this.fastPath.run(this, prog); // zeroes the stack frames itself
      if (out !== null) { this.lastEngine = 'wasm'; return out; }
    }
    for (const f of this.stackFrames) f.bytes.fill(0);
    this.lastEngine = 'interp';
    const fault = this.exec(prog, entry, 0);
    return { r0lo: this.L[0]!, r0hi: this.H[0]!, fault, insnCount: this.insnCount };
  }

  /**
   * Call a BPF function (a helper's callback, e.g. bpf_for_each_map_elem) in a new frame with
   * r1..r5 already set; returns r0's low word or throws the fault up to the outer run loop.
   */
  callback(prog: DecodedProgram, entry: number): number {
    if (this.depth + 1 >= LIMITS.MAX_CALL_DEPTH) throw new FaultSignal('call-depth', `callback nesting over ${LIMITS.MAX_CALL_DEPTH} frames`);
    const saved = this.saveCallee();
    const outerDepth = this.depth;
    const outerProg = this.currentProgram;
    const outerPc = this.currentPc;
    const fault = this.exec(prog, entry, outerDepth + 1);
    this.depth = outerDepth;
    this.currentProgram = outerProg;
    this.currentPc = outerPc;
    this.restoreCallee(saved);
    if (fault) throw new NestedFault(fault);
    return this.L[0]!;
  }

  /**
   * Run `prog` on the interpreter at call depth `depth` (a tail call made from the fast path
   * into a program it could not translate), continuing the instruction count. r0 is left in
   * the registers; a fault is thrown up to the outer run as NestedFault.
   */
  execAt(prog: DecodedProgram, depth: number): void {
    const fault = this.exec(prog, 0, depth);
    if (fault) throw new NestedFault(fault);
  }

  private saveCallee(): Int32Array {
    const s = new Int32Array(10);
    for (let r = 6; r <= 10; r++) { s[(r - 6) * 2] = this.L[r]!; s[(r - 6) * 2 + 1] = this.H[r]!; }
    return s;
  }
  private restoreCallee(s: Int32Array): void {
    for (let r = 6; r <= 10; r++) { this.L[r] = s[(r - 6) * 2]!; this.H[r] = s[(r - 6) * 2 + 1]!; }
  }

  private setFrame(depth: number): void {
    const f = this.stackFrames[depth]!;
    this.L[10] = f.addrLo(LIMITS.STACK_SIZE);
    this.H[10] = f.addrHi;
  }

  /** The run loop. Returns null when the frame at `baseDepth` exits, or the fault. */
  private exec(prog: DecodedProgram, entry: number, baseDepth: number): Fault | null {
    const L = this.L, H = this.H, tmp = this.tmp;
    const regions = this.mem.regions;
    let CODE = prog.code, IMM = prog.imm, IMMHI = prog.immHi;
    let N = prog.length;
    let pc = entry;
    let depth = baseDepth;
    // Instructions are counted per straight-line run: `bs` is where the current run started,
    // and every change of control flow adds the run's length (no per-instruction counter).
    let count = this.insnCount;
    let bs = entry;
    const budget = this.budget;
    const step = this.step;
    // One-entry caches of the last region read and written (invalidated by helper calls,
    // which may move the packet); rHi is an address's high word, rLo/rEnd biased bounds.
    let rHi = 0, rLo = 0, rEnd = 0, rView = EMPTY_VIEW;
    let wHi = 0, wLo = 0, wEnd = 0, wView = EMPTY_VIEW;
    this.depth = depth;
    this.setFrame(depth);
    try {
      for (;;) {
        if (step !== null) { this.insnCount = count + (pc - bs); this.currentPc = pc; this.currentProgram = prog; step(this, prog, pc); }
        const w = CODE[pc]!; // opcode | dst << 8 | src << 12 | off << 16
        const op = w & 0xff;
        switch (op) {
          // ---- ALU64, immediate operand ----
          case 0x07: { const d = (w >> 8) & 15; const a = L[d]!; const r = (a + IMM[pc]!) | 0; H[d] = (H[d]! + IMMHI[pc]! + ((r >>> 0) < (a >>> 0) ? 1 : 0)) | 0; L[d] = r; pc++; break; }
          case 0x17: { const d = ((w >> 8) & 15); const a = L[d]! >>> 0, b = IMM[pc]! >>> 0; H[d] = (H[d]! - IMMHI[pc]! - (a < b ? 1 : 0)) | 0; L[d] = (a - b) | 0; pc++; break; }
          case 0x27: {
            // 64x64→64 multiply inline (16-bit limbs for the low halves, imul for the cross terms)
            const d = (w >> 8) & 15;
            const al = L[d]!, bl = IMM[pc]!, bh = IMMHI[pc]!;
            // every intermediate stays below 2^32 (no float division or modulo)
            const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
            const t = a0 * b0, m1 = a1 * b0 + (t >>> 16), m2 = a0 * b1 + (m1 & 0xffff);
            H[d] = (a1 * b1 + (m1 >>> 16) + (m2 >>> 16) + Math.imul(al, bh) + Math.imul(H[d]!, bl)) | 0;
            L[d] = Math.imul(al, bl);
            pc++; break;
          }
          case 0x37: { const d = ((w >> 8) & 15); ((w >> 16) ? sdiv64 : udiv64)(L[d]!, H[d]!, IMM[pc]!, IMMHI[pc]!, tmp); L[d] = tmp.lo; H[d] = tmp.hi; pc++; break; }
          case 0x47: { const d = ((w >> 8) & 15); L[d] = L[d]! | IMM[pc]!; H[d] = H[d]! | IMMHI[pc]!; pc++; break; }
          case 0x57: { const d = ((w >> 8) & 15); L[d] = L[d]! & IMM[pc]!; H[d] = H[d]! & IMMHI[pc]!; pc++; break; }
          case 0x67: {
            const d = (w >> 8) & 15, n = IMM[pc]! & 63, l = L[d]!;
            if (n >= 32) { H[d] = l << (n - 32); L[d] = 0; } else if (n !== 0) { H[d] = (H[d]! << n) | (l >>> (32 - n)); L[d] = l << n; }
            pc++; break;
          }
          case 0x77: {
            const d = (w >> 8) & 15, n = IMM[pc]! & 63, h = H[d]!;
            if (n >= 32) { L[d] = h >>> (n - 32); H[d] = 0; } else if (n !== 0) { L[d] = (L[d]! >>> n) | (h << (32 - n)); H[d] = h >>> n; }
            pc++; break;
          }
          case 0x87: { const d = ((w >> 8) & 15); const l = L[d]!; L[d] = -l | 0; H[d] = (~H[d]! + (l === 0 ? 1 : 0)) | 0; pc++; break; }
          case 0x97: { const d = ((w >> 8) & 15); ((w >> 16) ? smod64 : umod64)(L[d]!, H[d]!, IMM[pc]!, IMMHI[pc]!, tmp); L[d] = tmp.lo; H[d] = tmp.hi; pc++; break; }
          case 0xa7: { const d = ((w >> 8) & 15); L[d] = L[d]! ^ IMM[pc]!; H[d] = H[d]! ^ IMMHI[pc]!; pc++; break; }
          case 0xb7: { const d = ((w >> 8) & 15); L[d] = IMM[pc]!; H[d] = IMMHI[pc]!; pc++; break; }
          case 0xc7: { const d = ((w >> 8) & 15); arsh64(L[d]!, H[d]!, IMM[pc]!, tmp); L[d] = tmp.lo; H[d] = tmp.hi; pc++; break; }
          // ---- ALU64, register operand ----
          case 0x0f: { const d = (w >> 8) & 15, s = (w >> 12) & 15; const a = L[d]!; const r = (a + L[s]!) | 0; H[d] = (H[d]! + H[s]! + ((r >>> 0) < (a >>> 0) ? 1 : 0)) | 0; L[d] = r; pc++; break; }
          case 0x1f: { const d = ((w >> 8) & 15), r = ((w >> 12) & 15); const a = L[d]! >>> 0, b = L[r]! >>> 0; H[d] = (H[d]! - H[r]! - (a < b ? 1 : 0)) | 0; L[d] = (a - b) | 0; pc++; break; }
          case 0x2f: {
            // 64x64→64 multiply inline (16-bit limbs for the low halves, imul for the cross terms)
            const d = (w >> 8) & 15;
            const al = L[d]!, bl = L[(w >> 12) & 15]!, bh = H[(w >> 12) & 15]!;
            // every intermediate stays below 2^32 (no float division or modulo)
            const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
            const t = a0 * b0, m1 = a1 * b0 + (t >>> 16), m2 = a0 * b1 + (m1 & 0xffff);
            H[d] = (a1 * b1 + (m1 >>> 16) + (m2 >>> 16) + Math.imul(al, bh) + Math.imul(H[d]!, bl)) | 0;
            L[d] = Math.imul(al, bl);
            pc++; break;
          }
          case 0x3f: { const d = ((w >> 8) & 15), r = ((w >> 12) & 15); ((w >> 16) ? sdiv64 : udiv64)(L[d]!, H[d]!, L[r]!, H[r]!, tmp); L[d] = tmp.lo; H[d] = tmp.hi; pc++; break; }
          case 0x4f: { const d = ((w >> 8) & 15), r = ((w >> 12) & 15); L[d] = L[d]! | L[r]!; H[d] = H[d]! | H[r]!; pc++; break; }
          case 0x5f: { const d = ((w >> 8) & 15), r = ((w >> 12) & 15); L[d] = L[d]! & L[r]!; H[d] = H[d]! & H[r]!; pc++; break; }
          case 0x6f: { const d = ((w >> 8) & 15); lsh64(L[d]!, H[d]!, L[((w >> 12) & 15)]!, tmp); L[d] = tmp.lo; H[d] = tmp.hi; pc++; break; }
          case 0x7f: { const d = ((w >> 8) & 15); rsh64(L[d]!, H[d]!, L[((w >> 12) & 15)]!, tmp); L[d] = tmp.lo; H[d] = tmp.hi; pc++; break; }
          case 0x9f: { const d = ((w >> 8) & 15), r = ((w >> 12) & 15); ((w >> 16) ? smod64 : umod64)(L[d]!, H[d]!, L[r]!, H[r]!, tmp); L[d] = tmp.lo; H[d] = tmp.hi; pc++; break; }
          case 0xaf: { const d = ((w >> 8) & 15), r = ((w >> 12) & 15); L[d] = L[d]! ^ L[r]!; H[d] = H[d]! ^ H[r]!; pc++; break; }
          case 0xbf: {
            const d = ((w >> 8) & 15), r = ((w >> 12) & 15), o = (w >> 16);
            if (o === 0) { L[d] = L[r]!; H[d] = H[r]!; }
            else { const v = o === 8 ? (L[r]! << 24) >> 24 : o === 16 ? (L[r]! << 16) >> 16 : L[r]!; L[d] = v; H[d] = v >> 31; }
            pc++; break;
          }
          case 0xcf: { const d = ((w >> 8) & 15); arsh64(L[d]!, H[d]!, L[((w >> 12) & 15)]!, tmp); L[d] = tmp.lo; H[d] = tmp.hi; pc++; break; }
          // ---- ALU (32-bit, result zero-extended), immediate operand ----
          case 0x04: { const d = ((w >> 8) & 15); L[d] = (L[d]! + IMM[pc]!) | 0; H[d] = 0; pc++; break; }
          case 0x14: { const d = ((w >> 8) & 15); L[d] = (L[d]! - IMM[pc]!) | 0; H[d] = 0; pc++; break; }
          case 0x24: { const d = ((w >> 8) & 15); L[d] = Math.imul(L[d]!, IMM[pc]!); H[d] = 0; pc++; break; }
          case 0x34: { const d = ((w >> 8) & 15); L[d] = div32(L[d]!, IMM[pc]!, (w >> 16)); H[d] = 0; pc++; break; }
          case 0x44: { const d = ((w >> 8) & 15); L[d] = L[d]! | IMM[pc]!; H[d] = 0; pc++; break; }
          case 0x54: { const d = ((w >> 8) & 15); L[d] = L[d]! & IMM[pc]!; H[d] = 0; pc++; break; }
          case 0x64: { const d = ((w >> 8) & 15); L[d] = L[d]! << IMM[pc]!; H[d] = 0; pc++; break; }
          case 0x74: { const d = ((w >> 8) & 15); L[d] = L[d]! >>> IMM[pc]!; H[d] = 0; pc++; break; }
          case 0x84: { const d = ((w >> 8) & 15); L[d] = -L[d]! | 0; H[d] = 0; pc++; break; }
          case 0x94: { const d = ((w >> 8) & 15); L[d] = mod32(L[d]!, IMM[pc]!, (w >> 16)); H[d] = 0; pc++; break; }
          case 0xa4: { const d = ((w >> 8) & 15); L[d] = L[d]! ^ IMM[pc]!; H[d] = 0; pc++; break; }
          case 0xb4: { const d = ((w >> 8) & 15); L[d] = IMM[pc]!; H[d] = 0; pc++; break; }
          case 0xc4: { const d = ((w >> 8) & 15); L[d] = L[d]! >> IMM[pc]!; H[d] = 0; pc++; break; }
          // ---- ALU (32-bit), register operand ----
          case 0x0c: { const d = ((w >> 8) & 15); L[d] = (L[d]! + L[((w >> 12) & 15)]!) | 0; H[d] = 0; pc++; break; }
          case 0x1c: { const d = ((w >> 8) & 15); L[d] = (L[d]! - L[((w >> 12) & 15)]!) | 0; H[d] = 0; pc++; break; }
          case 0x2c: { const d = ((w >> 8) & 15); L[d] = Math.imul(L[d]!, L[((w >> 12) & 15)]!); H[d] = 0; pc++; break; }
          case 0x3c: { const d = ((w >> 8) & 15); L[d] = div32(L[d]!, L[((w >> 12) & 15)]!, (w >> 16)); H[d] = 0; pc++; break; }
          case 0x4c: { const d = ((w >> 8) & 15); L[d] = L[d]! | L[((w >> 12) & 15)]!; H[d] = 0; pc++; break; }
          case 0x5c: { const d = ((w >> 8) & 15); L[d] = L[d]! & L[((w >> 12) & 15)]!; H[d] = 0; pc++; break; }
          case 0x6c: { const d = ((w >> 8) & 15); L[d] = L[d]! << L[((w >> 12) & 15)]!; H[d] = 0; pc++; break; }
          case 0x7c: { const d = ((w >> 8) & 15); L[d] = L[d]! >>> L[((w >> 12) & 15)]!; H[d] = 0; pc++; break; }
          case 0x9c: { const d = ((w >> 8) & 15); L[d] = mod32(L[d]!, L[((w >> 12) & 15)]!, (w >> 16)); H[d] = 0; pc++; break; }
          case 0xac: { const d = ((w >> 8) & 15); L[d] = L[d]! ^ L[((w >> 12) & 15)]!; H[d] = 0; pc++; break; }
          case 0xbc: {
            const d = ((w >> 8) & 15), v = L[((w >> 12) & 15)]!, o = (w >> 16);
            L[d] = o === 8 ? (v << 24) >> 24 : o === 16 ? (v << 16) >> 16 : v; H[d] = 0; pc++; break;
          }
          case 0xcc: { const d = ((w >> 8) & 15); L[d] = L[d]! >> L[((w >> 12) & 15)]!; H[d] = 0; pc++; break; }
          // ---- byte order ----
          case 0xd4: { // le16/32/64: on a little-endian machine, truncation only
            const d = ((w >> 8) & 15), width = IMM[pc]!;
            if (width === 16) { L[d] = L[d]! & 0xffff; H[d] = 0; } else if (width === 32) { H[d] = 0; }
            pc++; break;
          }
          case 0xdc: case 0xd7: { // be16/32/64 (swap on little-endian), bswap16/32/64
            const d = ((w >> 8) & 15), width = IMM[pc]!;
            if (width === 16) { L[d] = bswap16(L[d]!); H[d] = 0; }
            else if (width === 32) { L[d] = bswap32(L[d]!); H[d] = 0; }
            else { const l = L[d]!; L[d] = bswap32(H[d]!); H[d] = bswap32(l); }
            pc++; break;
          }
          // ---- jumps (64-bit compares) ----
          case 0x05: count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += (w >> 16) + 1; bs = pc; break;
          case 0x06: count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += IMM[pc]! + 1; bs = pc; break; // gotol
          case 0x15: { const d = ((w >> 8) & 15); if (L[d] === IMM[pc] && H[d] === IMMHI[pc]) { count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += (w >> 16) + 1; bs = pc; } else pc++; break; }
          case 0x1d: { const d = ((w >> 8) & 15), r = ((w >> 12) & 15); if (L[d] === L[r] && H[d] === H[r]) { count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += (w >> 16) + 1; bs = pc; } else pc++; break; }
          case 0x55: { const d = ((w >> 8) & 15); if (L[d] !== IMM[pc] || H[d] !== IMMHI[pc]) { count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += (w >> 16) + 1; bs = pc; } else pc++; break; }
          case 0x5d: { const d = ((w >> 8) & 15), r = ((w >> 12) & 15); if (L[d] !== L[r] || H[d] !== H[r]) { count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += (w >> 16) + 1; bs = pc; } else pc++; break; }
          case 0x45: { const d = ((w >> 8) & 15); if ((L[d]! & IMM[pc]!) !== 0 || (H[d]! & IMMHI[pc]!) !== 0) { count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += (w >> 16) + 1; bs = pc; } else pc++; break; }
          case 0x4d: { const d = ((w >> 8) & 15), r = ((w >> 12) & 15); if ((L[d]! & L[r]!) !== 0 || (H[d]! & H[r]!) !== 0) { count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += (w >> 16) + 1; bs = pc; } else pc++; break; }
          case 0x25: case 0x2d: case 0x35: case 0x3d: case 0xa5: case 0xad: case 0xb5: case 0xbd:
          case 0x65: case 0x6d: case 0x75: case 0x7d: case 0xc5: case 0xcd: case 0xd5: case 0xdd: {
            const d = ((w >> 8) & 15);
            let bl: number, bh: number;
            if (op & 0x08) { const r = ((w >> 12) & 15); bl = L[r]!; bh = H[r]!; } else { bl = IMM[pc]!; bh = IMMHI[pc]!; }
            // Compare high words (signed or unsigned), then low words unsigned.
            const signed = op >= 0x60 && op < 0x80 || op >= 0xc0;
            const ah = H[d]!;
            const c = ah !== bh
              ? (signed ? (ah < bh ? -1 : 1) : ((ah >>> 0) < (bh >>> 0) ? -1 : 1))
              : ((L[d]! >>> 0) === (bl >>> 0) ? 0 : (L[d]! >>> 0) < (bl >>> 0) ? -1 : 1);
            if (cmpTaken(op & 0xf0, c)) { count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += (w >> 16) + 1; bs = pc; } else pc++;
            break;
          }
          // ---- jumps (32-bit compares) ----
          case 0x16: if (L[((w >> 8) & 15)] === IMM[pc]) { count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += (w >> 16) + 1; bs = pc; } else pc++; break;
          case 0x1e: if (L[((w >> 8) & 15)] === L[((w >> 12) & 15)]) { count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += (w >> 16) + 1; bs = pc; } else pc++; break;
          case 0x56: if (L[((w >> 8) & 15)] !== IMM[pc]) { count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += (w >> 16) + 1; bs = pc; } else pc++; break;
          case 0x5e: if (L[((w >> 8) & 15)] !== L[((w >> 12) & 15)]) { count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += (w >> 16) + 1; bs = pc; } else pc++; break;
          case 0x46: if ((L[((w >> 8) & 15)]! & IMM[pc]!) !== 0) { count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += (w >> 16) + 1; bs = pc; } else pc++; break;
          case 0x4e: if ((L[((w >> 8) & 15)]! & L[((w >> 12) & 15)]!) !== 0) { count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += (w >> 16) + 1; bs = pc; } else pc++; break;
          case 0x26: case 0x2e: case 0x36: case 0x3e: case 0xa6: case 0xae: case 0xb6: case 0xbe:
          case 0x66: case 0x6e: case 0x76: case 0x7e: case 0xc6: case 0xce: case 0xd6: case 0xde: {
            const b = op & 0x08 ? L[((w >> 12) & 15)]! : IMM[pc]!;
            const a = L[((w >> 8) & 15)]!;
            const signed = op >= 0x60 && op < 0x80 || op >= 0xc0;
            const c = signed ? (a === b ? 0 : a < b ? -1 : 1) : ((a >>> 0) === (b >>> 0) ? 0 : (a >>> 0) < (b >>> 0) ? -1 : 1);
            if (cmpTaken(op & 0xf0, c)) { count += pc - bs + 1; if (count > budget) this.overBudget(count); pc += (w >> 16) + 1; bs = pc; } else pc++;
            break;
          }
          // ---- loads: a one-entry region cache (rHi/rLo/rEnd/rView) skips the region table ----
          case 0x61: { // ldxw
            const s = (w >> 12) & 15, d = (w >> 8) & 15;
            const a = (L[s]! + (w >> 16)) | 0;
            if (H[s] !== rHi || a < rLo || a + 4 > rEnd) {
              const r = this.readable(L[s]!, H[s]!, w >> 16, 4);
              if (r === null) { this.slowLoad(L[s]!, H[s]!, w >> 16, 4, tmp); L[d] = tmp.lo; H[d] = tmp.hi; pc++; break; }
              rHi = H[s]!; rLo = r.lo; rEnd = r.hi; rView = r.view;
            }
            const v = rView, o = a - LO_BASE;
            L[d] = v.getInt32(o, true); H[d] = 0;
            pc++; break;
          }
          case 0x69: { // ldxh
            const s = (w >> 12) & 15, d = (w >> 8) & 15;
            const a = (L[s]! + (w >> 16)) | 0;
            if (H[s] !== rHi || a < rLo || a + 2 > rEnd) {
              const r = this.readable(L[s]!, H[s]!, w >> 16, 2);
              if (r === null) { this.slowLoad(L[s]!, H[s]!, w >> 16, 2, tmp); L[d] = tmp.lo; H[d] = tmp.hi; pc++; break; }
              rHi = H[s]!; rLo = r.lo; rEnd = r.hi; rView = r.view;
            }
            const v = rView, o = a - LO_BASE;
            L[d] = v.getUint16(o, true); H[d] = 0;
            pc++; break;
          }
          case 0x71: { // ldxb
            const s = (w >> 12) & 15, d = (w >> 8) & 15;
            const a = (L[s]! + (w >> 16)) | 0;
            if (H[s] !== rHi || a < rLo || a + 1 > rEnd) {
              const r = this.readable(L[s]!, H[s]!, w >> 16, 1);
              if (r === null) { this.slowLoad(L[s]!, H[s]!, w >> 16, 1, tmp); L[d] = tmp.lo; H[d] = tmp.hi; pc++; break; }
              rHi = H[s]!; rLo = r.lo; rEnd = r.hi; rView = r.view;
            }
            const v = rView, o = a - LO_BASE;
            L[d] = v.getUint8(o); H[d] = 0;
            pc++; break;
          }
          case 0x79: { // ldxdw
            const s = (w >> 12) & 15, d = (w >> 8) & 15;
            const a = (L[s]! + (w >> 16)) | 0;
            if (H[s] !== rHi || a < rLo || a + 8 > rEnd) {
              const r = this.readable(L[s]!, H[s]!, w >> 16, 8);
              if (r === null) { this.slowLoad(L[s]!, H[s]!, w >> 16, 8, tmp); L[d] = tmp.lo; H[d] = tmp.hi; pc++; break; }
              rHi = H[s]!; rLo = r.lo; rEnd = r.hi; rView = r.view;
            }
            const v = rView, o = a - LO_BASE;
            L[d] = v.getInt32(o, true); H[d] = v.getInt32(o + 4, true);
            pc++; break;
          }
          case 0x81: { // ldxsw
            const s = (w >> 12) & 15, d = (w >> 8) & 15;
            const a = (L[s]! + (w >> 16)) | 0;
            if (H[s] !== rHi || a < rLo || a + 4 > rEnd) {
              const r = this.readable(L[s]!, H[s]!, w >> 16, 4);
              if (r === null) { this.slowLoad(L[s]!, H[s]!, w >> 16, 4, tmp); L[d] = tmp.lo; H[d] = tmp.hi; H[d] = tmp.lo >> 31; pc++; break; }
              rHi = H[s]!; rLo = r.lo; rEnd = r.hi; rView = r.view;
            }
            const v = rView, o = a - LO_BASE;
            const x = v.getInt32(o, true); L[d] = x; H[d] = x >> 31;
            pc++; break;
          }
          case 0x89: { // ldxsh
            const s = (w >> 12) & 15, d = (w >> 8) & 15;
            const a = (L[s]! + (w >> 16)) | 0;
            if (H[s] !== rHi || a < rLo || a + 2 > rEnd) {
              const r = this.readable(L[s]!, H[s]!, w >> 16, 2);
              if (r === null) { this.slowLoad(L[s]!, H[s]!, w >> 16, 2, tmp); L[d] = tmp.lo; H[d] = tmp.hi; H[d] = (tmp.lo << 16) >> 31; L[d] = (tmp.lo << 16) >> 16; pc++; break; }
              rHi = H[s]!; rLo = r.lo; rEnd = r.hi; rView = r.view;
            }
            const v = rView, o = a - LO_BASE;
            const x = v.getInt16(o, true); L[d] = x; H[d] = x >> 31;
            pc++; break;
          }
          case 0x91: { // ldxsb
            const s = (w >> 12) & 15, d = (w >> 8) & 15;
            const a = (L[s]! + (w >> 16)) | 0;
            if (H[s] !== rHi || a < rLo || a + 1 > rEnd) {
              const r = this.readable(L[s]!, H[s]!, w >> 16, 1);
              if (r === null) { this.slowLoad(L[s]!, H[s]!, w >> 16, 1, tmp); L[d] = tmp.lo; H[d] = tmp.hi; H[d] = (tmp.lo << 24) >> 31; L[d] = (tmp.lo << 24) >> 24; pc++; break; }
              rHi = H[s]!; rLo = r.lo; rEnd = r.hi; rView = r.view;
            }
            const v = rView, o = a - LO_BASE;
            const x = v.getInt8(o); L[d] = x; H[d] = x >> 31;
            pc++; break;
          }
          // ---- stores (register and immediate), with their own one-entry cache ----
          case 0x63: { // stxw
            const d = (w >> 8) & 15; const s = (w >> 12) & 15; const vl = L[s]!, vh = H[s]!;
            const a = (L[d]! + (w >> 16)) | 0;
            if (H[d] !== wHi || a < wLo || a + 4 > wEnd) {
              const r = this.writable(L[d]!, H[d]!, w >> 16, 4);
              if (r === null) { this.slowStore(L[d]!, H[d]!, w >> 16, 4, vl, vh); pc++; break; }
              wHi = H[d]!; wLo = r.wlo; wEnd = r.whi; wView = r.view;
            }
            const v = wView, o = a - LO_BASE;
            v.setInt32(o, vl, true);
            pc++; break;
          }
          case 0x6b: { // stxh
            const d = (w >> 8) & 15; const s = (w >> 12) & 15; const vl = L[s]!, vh = H[s]!;
            const a = (L[d]! + (w >> 16)) | 0;
            if (H[d] !== wHi || a < wLo || a + 2 > wEnd) {
              const r = this.writable(L[d]!, H[d]!, w >> 16, 2);
              if (r === null) { this.slowStore(L[d]!, H[d]!, w >> 16, 2, vl, vh); pc++; break; }
              wHi = H[d]!; wLo = r.wlo; wEnd = r.whi; wView = r.view;
            }
            const v = wView, o = a - LO_BASE;
            v.setInt16(o, vl, true);
            pc++; break;
          }
          case 0x73: { // stxb
            const d = (w >> 8) & 15; const s = (w >> 12) & 15; const vl = L[s]!, vh = H[s]!;
            const a = (L[d]! + (w >> 16)) | 0;
            if (H[d] !== wHi || a < wLo || a + 1 > wEnd) {
              const r = this.writable(L[d]!, H[d]!, w >> 16, 1);
              if (r === null) { this.slowStore(L[d]!, H[d]!, w >> 16, 1, vl, vh); pc++; break; }
              wHi = H[d]!; wLo = r.wlo; wEnd = r.whi; wView = r.view;
            }
            const v = wView, o = a - LO_BASE;
            v.setInt8(o, vl);
            pc++; break;
          }
          case 0x7b: { // stxdw
            const d = (w >> 8) & 15; const s = (w >> 12) & 15; const vl = L[s]!, vh = H[s]!;
            const a = (L[d]! + (w >> 16)) | 0;
            if (H[d] !== wHi || a < wLo || a + 8 > wEnd) {
              const r = this.writable(L[d]!, H[d]!, w >> 16, 8);
              if (r === null) { this.slowStore(L[d]!, H[d]!, w >> 16, 8, vl, vh); pc++; break; }
              wHi = H[d]!; wLo = r.wlo; wEnd = r.whi; wView = r.view;
            }
            const v = wView, o = a - LO_BASE;
            v.setInt32(o, vl, true); v.setInt32(o + 4, vh, true);
            pc++; break;
          }
          case 0x62: { // stw
            const d = (w >> 8) & 15; const vl = IMM[pc]!, vh = IMMHI[pc]!;
            const a = (L[d]! + (w >> 16)) | 0;
            if (H[d] !== wHi || a < wLo || a + 4 > wEnd) {
              const r = this.writable(L[d]!, H[d]!, w >> 16, 4);
              if (r === null) { this.slowStore(L[d]!, H[d]!, w >> 16, 4, vl, vh); pc++; break; }
              wHi = H[d]!; wLo = r.wlo; wEnd = r.whi; wView = r.view;
            }
            const v = wView, o = a - LO_BASE;
            v.setInt32(o, vl, true);
            pc++; break;
          }
          case 0x6a: { // sth
            const d = (w >> 8) & 15; const vl = IMM[pc]!, vh = IMMHI[pc]!;
            const a = (L[d]! + (w >> 16)) | 0;
            if (H[d] !== wHi || a < wLo || a + 2 > wEnd) {
              const r = this.writable(L[d]!, H[d]!, w >> 16, 2);
              if (r === null) { this.slowStore(L[d]!, H[d]!, w >> 16, 2, vl, vh); pc++; break; }
              wHi = H[d]!; wLo = r.wlo; wEnd = r.whi; wView = r.view;
            }
            const v = wView, o = a - LO_BASE;
            v.setInt16(o, vl, true);
            pc++; break;
          }
          case 0x72: { // stb
            const d = (w >> 8) & 15; const vl = IMM[pc]!, vh = IMMHI[pc]!;
            const a = (L[d]! + (w >> 16)) | 0;
            if (H[d] !== wHi || a < wLo || a + 1 > wEnd) {
              const r = this.writable(L[d]!, H[d]!, w >> 16, 1);
              if (r === null) { this.slowStore(L[d]!, H[d]!, w >> 16, 1, vl, vh); pc++; break; }
              wHi = H[d]!; wLo = r.wlo; wEnd = r.whi; wView = r.view;
            }
            const v = wView, o = a - LO_BASE;
            v.setInt8(o, vl);
            pc++; break;
          }
          case 0x7a: { // stdw
            const d = (w >> 8) & 15; const vl = IMM[pc]!, vh = IMMHI[pc]!;
            const a = (L[d]! + (w >> 16)) | 0;
            if (H[d] !== wHi || a < wLo || a + 8 > wEnd) {
              const r = this.writable(L[d]!, H[d]!, w >> 16, 8);
              if (r === null) { this.slowStore(L[d]!, H[d]!, w >> 16, 8, vl, vh); pc++; break; }
              wHi = H[d]!; wLo = r.wlo; wEnd = r.whi; wView = r.view;
            }
            const v = wView, o = a - LO_BASE;
            v.setInt32(o, vl, true); v.setInt32(o + 4, vh, true);
            pc++; break;
          }
          // ---- atomics ----
          case 0xc3: case 0xdb:
            this.atomic(op === 0xdb ? 8 : 4, ((w >> 8) & 15), ((w >> 12) & 15), (w >> 16), IMM[pc]!);
            pc++; break;
          // ---- lddw ----
          case 0x18: { const d = ((w >> 8) & 15); L[d] = IMM[pc]!; H[d] = IMMHI[pc]!; pc += 2; break; }
          // ---- calls and exit ----
          case 0x85: {
            const src = ((w >> 12) & 15);
            if (src === 1) { // BPF-to-BPF call: new frame, r6..r9 saved
              if (depth + 1 >= LIMITS.MAX_CALL_DEPTH) {
                throw new FaultSignal('call-depth', `call depth over ${LIMITS.MAX_CALL_DEPTH} frames (kernel MAX_CALL_FRAMES)`);
              }
              const k = depth * 4;
              for (let r = 0; r < 4; r++) { this.savedL[k + r] = L[6 + r]!; this.savedH[k + r] = H[6 + r]!; }
              this.retPc[depth] = pc + 1;
              this.retProg[depth] = prog;
              depth++;
              this.depth = depth;
              this.setFrame(depth);
              count += pc - bs + 1;
              if (count > budget) this.overBudget(count);
              pc += IMM[pc]! + 1;
              bs = pc;
              break;
            }
            count += pc - bs + 1;
            bs = pc + 1;
            this.insnCount = count;
            this.currentPc = pc;
            this.currentProgram = prog;
            this.callHelper(IMM[pc]!, pc);
            count = this.insnCount; // a callback run by the helper counts too
            rHi = 0; rLo = 0; rEnd = 0; wHi = 0; wLo = 0; wEnd = 0; rView = EMPTY_VIEW; wView = EMPTY_VIEW; // empty ranges: nothing hits
            if (this.pendingTailCall !== null) {
              prog = this.pendingTailCall;
              this.pendingTailCall = null;
              CODE = prog.code; IMM = prog.imm; IMMHI = prog.immHi; N = prog.length;
              pc = 0;
              bs = 0;
              this.setFrame(depth); // the tail-called program reuses (and resets) this frame
              break;
            }
            pc++; break;
          }
          case 0x8d: { // callx: call the helper whose id is in the register
            count += pc - bs + 1;
            bs = pc + 1;
            this.insnCount = count;
            this.currentPc = pc;
            this.currentProgram = prog;
            this.callHelper(L[((w >> 8) & 15)]!, pc);
            count = this.insnCount;
            rHi = 0; rLo = 0; rEnd = 0; wHi = 0; wLo = 0; wEnd = 0; rView = EMPTY_VIEW; wView = EMPTY_VIEW; // empty ranges: nothing hits
            pc++; break;
          }
          case 0x95: {
            count += pc - bs + 1;
            if (depth === baseDepth) { this.insnCount = count; return null; }
            depth--;
            this.depth = depth;
            const k = depth * 4;
            for (let r = 0; r < 4; r++) { L[6 + r] = this.savedL[k + r]!; H[6 + r] = this.savedH[k + r]!; }
            pc = this.retPc[depth]!;
            bs = pc;
            const back = this.retProg[depth]!;
            if (back !== prog) {
              prog = back;
              CODE = prog.code; IMM = prog.imm; IMMHI = prog.immHi; N = prog.length;
            }
            this.setFrame(depth);
            break;
          }
          // ---- legacy packet loads ----
          case 0x20: case 0x28: case 0x30: case 0x40: case 0x48: case 0x50: {
            count += pc - bs + 1;
            bs = pc + 1;
            this.insnCount = count;
            if (!this.legacyLoad(op, L[((w >> 12) & 15)]!, IMM[pc]!)) { L[0] = 0; H[0] = 0; return null; }
            pc++; break;
          }
          default:
            if (pc >= N) throw new FaultSignal('fell-off-end', `execution ran past the last instruction (${N - 1})`);
            throw new FaultSignal('invalid-opcode', `invalid opcode 0x${op.toString(16).padStart(2, '0')}`);
        }
      }
    } catch (e) {
      // up to and including the faulting instruction; a budget fault has already counted it
      if (e instanceof FaultSignal && e.kind === 'budget-exceeded') count = this.insnCount;
      else if (pc >= bs) count += pc - bs + 1;
      this.insnCount = count;
      if (e instanceof NestedFault) return e.fault;
      return this.makeFault(e, prog, pc);
    }
  }

  overBudget(count: number): never {
    this.insnCount = count;
    throw new FaultSignal('budget-exceeded', `executed ${count} instructions, over the budget of ${this.budget}`);
  }

  /** Load through a context accessor, or fault with the region and bounds. */
  /** A plain region where `size` bytes at (lo, hi) + off may be read, or null (ctx or fault). */
  private readable(lo: number, hi: number, off: number, size: number): Region | null {
    const r = this.mem.regionOf(lo, hi);
    const a = (lo + off) | 0;
    return r !== undefined && r.ctx === null && a >= r.lo && a + size <= r.hi ? r : null;
  }

  private writable(lo: number, hi: number, off: number, size: number): Region | null {
    const r = this.mem.regionOf(lo, hi);
    const a = (lo + off) | 0;
    return r !== undefined && r.ctx === null && a >= r.wlo && a + size <= r.whi ? r : null;
  }

  slowLoad(lo: number, hi: number, off: number, size: number, out: RegPair): void {
    const a = (lo + off) | 0;
    const r = this.mem.regionOf(lo, hi);
    if (r !== undefined && r.ctx !== null) {
      r.ctx.load(a - LO_BASE, size, out);
      return;
    }
    this.memFault(r, lo, hi, off, size, 'read');
  }

  slowStore(lo: number, hi: number, off: number, size: number, vl: number, vh: number): void {
    const a = (lo + off) | 0;
    const r = this.mem.regionOf(lo, hi);
    if (r !== undefined && r.ctx !== null) {
      r.ctx.store(a - LO_BASE, size, vl, vh);
      return;
    }
    this.memFault(r, lo, hi, off, size, 'write');
  }

  private memFault(r: Region | undefined, lo: number, hi: number, off: number, size: number, what: 'read' | 'write'): never {
    const a = (lo + off) | 0;
    const address = addrHex(a, hi);
    if (r === undefined) {
      const v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      throw new FaultSignal('invalid-address', `${what} of ${size} bytes through a scalar (0x${v.toString(16)} ${off >= 0 ? '+' : '-'} ${Math.abs(off)}), not a pointer`, { address, size });
    }
    const region = { name: r.name, start: r.start, end: r.end, offset: a - LO_BASE };
    if (r.kind === RegionKind.MapHandle || r.kind === RegionKind.Function || r.kind === RegionKind.Null) {
      throw new FaultSignal('invalid-address', `${what} through a ${REGION_KIND_NAMES[r.kind]} pointer (${r.name}), which cannot be dereferenced`, { address, size, region });
    }
    if (what === 'write' && r.wlo === r.whi && a >= r.lo && a + size <= r.hi) {
      throw new FaultSignal('read-only', `write of ${size} bytes to read-only ${r.name}`, { address, size, region });
    }
    throw new FaultSignal('out-of-bounds', `${what} of ${size} bytes at offset ${a - LO_BASE} of ${r.name}, outside [${r.start}, ${r.end})`, { address, size, region });
  }

  /** The region an atomic at (lo, hi) + off may change, or the fault. */
  atomicTarget(lo: number, hi: number, off: number, size: number): Region {
    const a = (lo + off) | 0;
    const r = this.mem.regionOf(lo, hi);
    if (r === undefined || a < r.wlo || a + size > r.whi) this.memFault(r, lo, hi, off, size, 'write');
    if (r.kind === RegionKind.Ctx || r.kind === RegionKind.Packet) {
      throw new FaultSignal('invalid-address', `atomic operation on ${r.name} (the kernel allows atomics only on stack, map values and global data)`);
    }
    return r;
  }

  private atomic(size: 4 | 8, d: number, s: number, off: number, imm: number): void {
    const L = this.L, H = this.H;
    const a = (L[d]! + off) | 0;
    const r = this.atomicTarget(L[d]!, H[d]!, off, size);
    const v = r.view, o = a - LO_BASE;
    const oldL = v.getInt32(o, true), oldH = size === 8 ? v.getInt32(o + 4, true) : 0;
    const sl = L[s]!, sh = size === 8 ? H[s]! : 0;
    let nl: number, nh: number;
    switch (imm & ~ATOMIC.FETCH) {
      case ATOMIC.ADD: { const t = (oldL >>> 0) + (sl >>> 0); nl = t | 0; nh = (oldH + sh + (t >= TWO32 ? 1 : 0)) | 0; break; }
      case ATOMIC.OR: nl = oldL | sl; nh = oldH | sh; break;
      case ATOMIC.AND: nl = oldL & sl; nh = oldH & sh; break;
      case ATOMIC.XOR: nl = oldL ^ sl; nh = oldH ^ sh; break;
      default:
        if (imm === ATOMIC.XCHG) { nl = sl; nh = sh; break; }
        // cmpxchg: compare with r0 (its low 32 bits for the 32-bit form), r0 = old value
        if (imm === ATOMIC.CMPXCHG) {
          const eq = size === 8 ? oldL === L[0] && oldH === H[0] : oldL === L[0];
          nl = eq ? sl : oldL; nh = eq ? sh : oldH;
          L[0] = oldL; H[0] = oldH;
          break;
        }
        throw new FaultSignal('invalid-opcode', `invalid atomic operation 0x${(imm >>> 0).toString(16)}`);
    }
    v.setInt32(o, nl, true);
    if (size === 8) v.setInt32(o + 4, nh, true);
    if ((imm & ATOMIC.FETCH) && imm !== ATOMIC.CMPXCHG) { L[s] = oldL; H[s] = oldH; }
  }

  callHelper(id: number, pc: number): void {
    const fn = id >= 0 ? this.helpers[id] : undefined;
    if (fn === undefined) throw new FaultSignal('unknown-helper', `call to ${helperName(id)} (id ${id}), which dpsim does not implement`);
    const ret = fn(this);
    if (typeof ret === 'number') this.setReg(0, ret);
    if (this.onHelperCall !== null) this.onHelperCall(this, id, pc);
  }

  /** Legacy BPF_ABS/BPF_IND loads, provided by the context (skb); false = packet too short. */
  legacyPacketLoad: ((offset: number, size: number) => number | undefined) | null = null;
  /** `index` is the low word of the src register (used by BPF_IND only). Sets r0 on success. */
  legacyLoad(op: number, index: number, imm: number): boolean {
    if (this.legacyPacketLoad === null) throw new FaultSignal('invalid-program', 'BPF_ABS/BPF_IND packet loads need a socket buffer context');
    const size = (op & 0x18) === 0 ? 4 : (op & 0x18) === 0x08 ? 2 : 1;
    const offset = (op & 0xe0) === 0x40 ? (index + imm) | 0 : imm;
    const v = this.legacyPacketLoad(offset, size);
    if (v === undefined) return false;
    this.L[0] = v | 0;
    this.H[0] = 0;
    return true;
  }

  makeFault(e: unknown, prog: DecodedProgram, pc: number): Fault {
    const insn = prog.insns[pc];
    const base = {
      pc,
      program: prog.name,
      insn: insn ? disassemble(insn, pc, prog.insns[pc + 1]) : undefined,
      source: prog.lineAt(pc),
    };
    if (e instanceof FaultSignal) return { kind: e.kind, message: e.message, ...base, ...e.extra };
    const kind: FaultKind = 'internal';
    return { kind, message: `internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`, ...base };
  }
}

/** A callback's fault, passed through the helper that ran it to the outermost run loop. */
export class NestedFault extends Error {
  constructor(readonly fault: Fault) {
    super(fault.message);
  }
}

function cmpTaken(code: number, c: number): boolean {
  switch (code) {
    case 0x20: case 0x60: return c > 0; // jgt, jsgt
    case 0x30: case 0x70: return c >= 0; // jge, jsge
    case 0xa0: case 0xc0: return c < 0; // jlt, jslt
    default: return c <= 0; // jle, jsle
  }
}

/** 32-bit division: unsigned, or signed (off=1); x / 0 = 0, INT_MIN / -1 = INT_MIN. */
function div32(a: number, b: number, signed: number): number {
  if (b === 0) return 0;
  if (signed) return (a / b) | 0;
  return ((a >>> 0) / (b >>> 0)) >>> 0 | 0;
}

/** 32-bit modulo: x % 0 = x; signed takes the dividend's sign; INT_MIN % -1 = 0. */
function mod32(a: number, b: number, signed: number): number {
  if (b === 0) return a;
  if (signed) return (a % b) | 0;
  return ((a >>> 0) % (b >>> 0)) | 0;
}
