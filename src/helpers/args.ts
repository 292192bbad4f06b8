// Reading helper arguments (r1..r5) and the ids of helpers by name.

import { HELPER_NAMES } from '../isa/helper-names.js';
import type { Vm, HelperFn } from '../vm/interpreter.js';

export type HelperTable = (HelperFn | undefined)[];

const IDS = new Map(HELPER_NAMES.map((n, i) => [n, i]));

/** The id of a helper by its name without the bpf_ prefix ("map_lookup_elem" → 1). */
export function helperId(name: string): number {
  const id = IDS.get(name);
  if (id === undefined) throw new Error(`unknown helper name ${name}`);
  return id;
}

export function define(table: HelperTable, name: string, fn: HelperFn): void {
  table[helperId(name)] = fn;
}

export const u32 = (vm: Vm, r: number): number => vm.L[r]! >>> 0;
export const s32 = (vm: Vm, r: number): number => vm.L[r]! | 0;

/** `len` bytes at the pointer in register r (checked against its region). */
export function memArg(vm: Vm, r: number, len: number, write: boolean, what: string): Uint8Array {
  return vm.mem.bytesAt(vm.L[r]!, vm.H[r]!, len, write, `arg${r} (${what})`);
}

/** A size argument: the verifier bounds these, so a negative or huge value is refused. */
export function sizeArg(vm: Vm, r: number, what: string, max = 1 << 20): number {
  const n = vm.regS(r);
  if (n < 0 || n > max) throw new (class extends Error {})(`arg${r} (${what}) = ${n}`);
  return n;
}

export const EPERM = 1;
export const ENOENT = 2;
export const E2BIG = 7;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const ERANGE = 34;
export const EOPNOTSUPP = 95;
export const ENOTSUPP = 524;

export const TC_ACT = { UNSPEC: -1, OK: 0, RECLASSIFY: 1, SHOT: 2, PIPE: 3, STOLEN: 4, QUEUED: 5, REPEAT: 6, REDIRECT: 7 } as const;
