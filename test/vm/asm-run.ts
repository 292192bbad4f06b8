// Assemble dialect text and run it with runRaw: the value of r0 or the fault.
import { assemble } from '../../src/isa/asm.js';
import { runRaw, type RawRunOptions, type RawRunResult } from '../../src/vm/raw.js';

export function runAsm(text: string, mem: Uint8Array = new Uint8Array(64), opts: RawRunOptions = {}): RawRunResult {
  return runRaw(assemble(text), mem, opts);
}

/** r0 of a run that must succeed (unsigned 64-bit). */
export function r0Of(text: string, mem?: Uint8Array, opts?: RawRunOptions): bigint {
  const res = runAsm(text, mem, opts);
  if (!res.ok) throw new Error(`program faulted: ${res.fault.kind} at pc ${res.fault.pc}: ${res.fault.message}\n${text}`);
  return res.r0;
}

/** The fault of a run that must fail. */
export function faultOf(text: string, mem?: Uint8Array, opts?: RawRunOptions): { kind: string; pc: number; message: string } {
  const res = runAsm(text, mem, opts);
  if (res.ok) throw new Error(`expected a fault, got r0=0x${res.r0.toString(16)}\n${text}`);
  return res.fault;
}
