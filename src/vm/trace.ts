// Instruction tracing (`--trace`): each instruction executed with the registers it changed,
// helper calls with arguments and results (map names and keys for map helpers), and the C
// source line whenever it changes. Loops collapse: a pc already shown MAX_SHOWN times is
// counted instead of printed, and the count is reported when new code runs.

import type { Vm } from './interpreter.js';
import type { DecodedProgram } from './program.js';
import { disassemble } from '../isa/disasm.js';
import { helperName } from '../isa/helper-names.js';
import { RegionKind, LO_BASE } from './memory.js';
import { pairToBigInt } from './alu64.js';

const MAX_SHOWN = 3;
const MAP_HELPERS = new Set([1, 2, 3, 195]); // lookup, update, delete, lookup_percpu

export interface TraceOptions {
  /** Where lines go (default: collected in `lines`). */
  sink?: (line: string) => void;
  /** Print every instruction, never collapse loops. */
  full?: boolean;
}

export class Tracer {
  readonly lines: string[] = [];
  private readonly sink: (line: string) => void;
  private readonly prevL = new Int32Array(11);
  private readonly prevH = new Int32Array(11);
  private pending: { prog: DecodedProgram; pc: number } | null = null;
  private lastSource = '';
  private shown = new Map<string, number>();
  private suppressed = 0;
  private suppressedPcs = new Set<number>();
  private callArgs: { lo: number; hi: number }[] = [];

  constructor(private readonly vm: Vm, private readonly opts: TraceOptions = {}) {
    this.sink = opts.sink ?? ((l) => this.lines.push(l));
  }

  /** Start tracing the VM (and snapshot the registers as they are now). */
  attach(): this {
    this.prevL.set(this.vm.L);
    this.prevH.set(this.vm.H);
    this.vm.step = (vm, prog, pc) => this.onStep(vm, prog, pc);
    this.vm.onHelperCall = (vm, id) => this.onHelper(vm, id);
    return this;
  }

  detach(): void {
    this.flushPending();
    this.flushSuppressed();
    this.vm.step = null;
    this.vm.onHelperCall = null;
  }

  private onStep(vm: Vm, prog: DecodedProgram, pc: number): void {
    this.flushPending();
    this.pending = { prog, pc };
    const insn = prog.insns[pc];
    if (insn && (insn.opcode === 0x85 || insn.opcode === 0x8d) && insn.src !== 1) {
      this.callArgs = [1, 2, 3, 4, 5].map((r) => ({ lo: vm.L[r]!, hi: vm.H[r]! }));
    }
  }

  /** Emit the line of the previous instruction, now that its effect on registers is known. */
  private flushPending(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    const vm = this.vm;
    const changes: string[] = [];
    for (let r = 0; r <= 10; r++) {
      if (vm.L[r] !== this.prevL[r] || vm.H[r] !== this.prevH[r]) changes.push(`r${r}=${this.value(vm.L[r]!, vm.H[r]!)}`);
    }
    this.prevL.set(vm.L);
    this.prevH.set(vm.H);
    const key = `${p.prog.name}:${p.pc}`;
    const n = (this.shown.get(key) ?? 0) + 1;
    this.shown.set(key, n);
    if (!this.opts.full && n > MAX_SHOWN) {
      this.suppressed++;
      this.suppressedPcs.add(p.pc);
      return;
    }
    this.flushSuppressed();
    const src = p.prog.lineAt(p.pc);
    if (src) {
      const where = `${relativePath(src.file)}:${src.line}`;
      if (where !== this.lastSource) {
        this.sink(`; ${where}: ${src.text.trim()}`);
        this.lastSource = where;
      }
    }
    const insn = p.prog.insns[p.pc];
    const text = insn ? disassemble(insn, p.pc, p.prog.insns[p.pc + 1]) : '?';
    this.sink(`${String(p.pc).padStart(5)}: ${text.padEnd(40)}${changes.length ? ' ' + changes.join(' ') : ''}`);
  }

  private flushSuppressed(): void {
    if (this.suppressed === 0) return;
    const pcs = [...this.suppressedPcs].sort((a, b) => a - b);
    this.sink(`  ... ${this.suppressed} more steps of pcs ${pcs[0]}..${pcs[pcs.length - 1]} (repeats collapsed)`);
    this.suppressed = 0;
    this.suppressedPcs.clear();
  }

  private onHelper(vm: Vm, id: number): void {
    const p = this.pending;
    const key = p ? `${p.prog.name}:${p.pc}` : '';
    if (!this.opts.full && (this.shown.get(key) ?? 0) >= MAX_SHOWN) return;
    const args = this.callArgs.map((a, i) => `r${i + 1}=${this.value(a.lo, a.hi)}`);
    let extra = '';
    if (MAP_HELPERS.has(id)) {
      const m = vm.mem.regionOf(this.callArgs[0]!.lo, this.callArgs[0]!.hi);
      const map = m?.kind === RegionKind.MapHandle ? (m.target as { name: string; keySize: number }) : undefined;
      if (map) {
        try {
          const key = vm.mem.bytesAt(this.callArgs[1]!.lo, this.callArgs[1]!.hi, map.keySize, false, 'key');
          extra = ` map=${map.name} key=${Buffer.from(key).toString('hex')}`;
        } catch {
          extra = ` map=${map.name}`;
        }
      }
    }
    this.flushPending();
    this.sink(`        call ${helperName(id)}(${args.join(', ')})${extra} = ${this.value(vm.L[0]!, vm.H[0]!)}`);
  }

  /** A register value: region+offset for pointers, decimal (and hex) for scalars. */
  private value(lo: number, hi: number): string {
    const r = this.vm.mem.regionOf(lo, hi);
    if (r) {
      if (r.kind === RegionKind.MapHandle) return `map:${(r.target as { name: string }).name}`;
      const off = lo - LO_BASE;
      // Stack pointers read as frame-pointer offsets, packet pointers from the packet's start.
      const rel = r.kind === RegionKind.Stack ? off - r.end : r.kind === RegionKind.Packet ? off - r.start : off;
      const name = r.kind === RegionKind.Stack ? r.name.replace('stack', 'fp') : r.name;
      return `${name}${rel >= 0 ? '+' : ''}${rel}`;
    }
    const v = pairToBigInt(lo, hi, true);
    return v >= -9 && v <= 9 ? String(v) : `${v} (0x${pairToBigInt(lo, hi).toString(16)})`;
  }
}

/** Source paths as the user would type them: relative to the working directory when inside it. */
export function relativePath(file: string): string {
  const cwd = process.cwd() + '/';
  return file.startsWith(cwd) ? file.slice(cwd.length) : file;
}
