// Shared plumbing for the helper tests: load a fixture once, write config map values, run a
// program on a packet with the VM's BPF_PROG_TEST_RUN.
import { expect } from 'vitest';
import type { LoadedObject, LoadedProgram } from '../../src/vm/loaded-object.js';
import { testRun, type TestRunInput, type TestRunResult } from '../../src/vm/test-run.js';

export const EPERM = 1, ENOENT = 2, E2BIG = 7, EACCES = 13, EFAULT = 14, EEXIST = 17, EINVAL = 22, EPROTO = 71;
export const ENOTSUPP = 524;
export const TC_ACT_OK = 0, TC_ACT_SHOT = 2, TC_ACT_REDIRECT = 7;

export const key0 = (): Uint8Array => new Uint8Array(4);
export const keyU32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);

/** Write a map value from the control plane; the update must succeed. */
export function setValue(obj: LoadedObject, map: string, key: Uint8Array, value: Uint8Array): void {
  expect(obj.map(map).userUpdate(key, value as never), `update of ${map}`).toBe(0);
}

export function getValue(obj: LoadedObject, map: string, key: Uint8Array): Uint8Array | undefined {
  return obj.map(map).userLookup(key) as Uint8Array | undefined;
}

/** Run a program; a fault fails the test with its text. */
export function run(obj: LoadedObject, prog: string | LoadedProgram, input: TestRunInput): TestRunResult {
  const p = typeof prog === 'string' ? obj.program(prog) : prog;
  const res = testRun(obj, p, input);
  if (res.fault) throw new Error(`${p.name} faulted: ${res.fault.kind}: ${res.fault.message}`);
  return res;
}

/** The program's return value as a signed 32-bit number (helpers return negative errnos). */
export const ret = (res: TestRunResult): number => res.retval | 0;

/** A little builder for C structs laid out in a map value. */
export class Struct {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u8(off: number, v: number): this { this.view.setUint8(off, v); return this; }
  u16(off: number, v: number): this { this.view.setUint16(off, v, true); return this; }
  u32(off: number, v: number): this { this.view.setUint32(off, v >>> 0, true); return this; }
  s32(off: number, v: number): this { this.view.setInt32(off, v, true); return this; }
  u64(off: number, v: bigint): this { this.view.setBigUint64(off, BigInt.asUintN(64, v), true); return this; }
  bytesAt(off: number, b: ArrayLike<number>): this { this.bytes.set(b, off); return this; }
}

export const s32At = (b: Uint8Array, off: number): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getInt32(off, true);
export const u32At = (b: Uint8Array, off: number): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(off, true);
export const u64At = (b: Uint8Array, off: number): bigint => new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(off, true);
