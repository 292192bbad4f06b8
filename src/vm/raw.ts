// Run bare bytecode the way the bpf_conformance suite and uBPF's tests do: r1 = a memory
// buffer, r2 = its length, r10 = top of a 512-byte stack, helpers given by id.

import { Insn } from '../isa/insn.js';
import { Vm } from './interpreter.js';
import { predecode, ProgramError } from './program.js';
import { RegionKind } from './memory.js';
import { pairToBigInt, bigIntToPair } from './alu64.js';
import type { EngineName } from './engine-name.js';
import { WasmEngine } from '../wasm/engine.js';

export interface RawRunOptions {
  budget?: number;
  /** Helpers by id: arguments r1..r5 as unsigned 64-bit; 'unwind' stops the program with r0 = 0. */
  helpers?: Map<number, (args: bigint[]) => bigint | 'unwind'>;
  allowCallx?: boolean;
  /** 'interp' (default here: the reference) or 'wasm' (the fast path, the interpreter where it cannot translate). */
  engine?: EngineName;
}

export type RawRunResult = (
  | { ok: true; r0: bigint; insnCount: number }
  | { ok: false; fault: { kind: string; pc: number; message: string } }
) & { engine?: EngineName; fallbackReason?: string };

class Unwind extends Error {}

export function runRaw(insns: Insn[], mem: Uint8Array, opts: RawRunOptions = {}): RawRunResult {
  let prog;
  try {
    prog = predecode(insns, { name: 'raw', allowCallx: opts.allowCallx ?? true });
  } catch (e) {
    if (e instanceof ProgramError) return { ok: false, fault: { kind: 'invalid-program', pc: e.pc, message: e.message } };
    throw e;
  }
  const vm = new Vm();
  if (opts.budget !== undefined) vm.budget = opts.budget;
  const memRegion = vm.mem.addPersistent('memory', RegionKind.Memory, mem, true);
  const fast = opts.engine === 'wasm' ? new WasmEngine(vm) : null;
  vm.fastPath = fast;
  let unwound = false;
  for (const [id, fn] of opts.helpers ?? []) {
    vm.helpers[id] = (v) => {
      const args = [1, 2, 3, 4, 5].map((r) => pairToBigInt(v.L[r]!, v.H[r]!));
      const ret = fn(args);
      if (ret === 'unwind') {
        unwound = true;
        throw new Unwind();
      }
      const out = { lo: 0, hi: 0 };
      bigIntToPair(ret, out);
      v.L[0] = out.lo;
      v.H[0] = out.hi;
    };
  }
  vm.setRegPtr(1, memRegion, 0);
  vm.setReg(2, mem.length);
  const res = vm.run(prog);
  // which engine ran is reported when one was asked for
  const engine = opts.engine === undefined ? {} : { engine: vm.lastEngine, ...(fast?.fallbackReasons.has(prog) ? { fallbackReason: fast.fallbackReasons.get(prog)! } : {}) };
  if (unwound) return { ok: true, r0: 0n, insnCount: res.insnCount, ...engine };
  if (res.fault) return { ok: false, fault: { kind: res.fault.kind, pc: res.fault.pc, message: res.fault.message }, ...engine };
  return { ok: true, r0: pairToBigInt(res.r0lo, res.r0hi), insnCount: res.insnCount, ...engine };
}
