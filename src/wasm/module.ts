// Module assembly: types, the imports (the Vm's slow paths and helpers, and the memory), one
// function per BPF function plus `entry` and `bswap32`, the count and budget globals, and the
// `entry` export. Index spaces are fixed in layout.ts.

import { ByteWriter, MODULE_HEADER, SECTION, section } from './wasm-encoder.js';
import { T } from './wasm-ops.js';
import type { Emitter } from './emitter.js';
import { FN } from './layout.js';

const { i32, i64 } = T;

export interface FuncBody {
  locals: [number, number][]; // (count, type) runs
  body: Emitter; // ends with `end`
}

export const TYPE = { fault: 0, helper: 1, load: 2, store: 3, atomic: 4, legacy: 5, bswap32: 6, entry: 7, bpf: 8 } as const;

const TYPES: [number[], number[]][] = [
  [[i32, i32, i32], []], // fault(code, pc, count)
  [[i32, i32, i32, i32], [i32]], // helper(id, pc, count, depth) -> count
  [[i32, i32, i32, i32, i32, i32], [i32]], // load(hi, lo, off, size, pc, count) -> low word
  [[i32, i32, i32, i32, i32, i32, i32, i32], []], // store(hi, lo, off, size, vlo, vhi, pc, count)
  [[i32, i32, i32, i32, i32, i32], []], // atomic(hi, lo, off, size, pc, count): faults
  [[i32, i32, i32, i32, i32], []], // legacy(op, srcLo, imm, pc, count)
  [[i32], [i32]], // bswap32
  [[i32, i32, i32], [i32]], // entry(depth, count, budget) -> count
  [[i64, i64, i64, i64, i64, i32], [i64]], // a BPF function (r1..r5, depth) -> r0
];

const IMPORTS: [string, number][] = [
  ['fault', TYPE.fault], ['helper', TYPE.helper], ['load', TYPE.load], ['store', TYPE.store],
  ['atomic', TYPE.atomic], ['legacy', TYPE.legacy],
];

export function assembleModule(bswap32: FuncBody, entry: FuncBody, bpf: FuncBody[]): Uint8Array<ArrayBuffer> {
  const out = new ByteWriter().bytes(MODULE_HEADER);

  const types = new ByteWriter().u32(TYPES.length);
  for (const [params, results] of TYPES) types.byte(T.func).u32(params.length).bytes(params).u32(results.length).bytes(results);
  section(out, SECTION.type, types);

  const imports = new ByteWriter().u32(IMPORTS.length + 1);
  for (const [name, type] of IMPORTS) imports.name('env').name(name).byte(0x00).u32(type);
  imports.name('env').name('memory').byte(0x02).byte(0x00).u32(1); // memory, limits: min 1 page
  section(out, SECTION.import, imports);

  const fns = new ByteWriter().u32(2 + bpf.length).u32(TYPE.bswap32).u32(TYPE.entry);
  for (let k = 0; k < bpf.length; k++) fns.u32(TYPE.bpf);
  section(out, SECTION.function, fns);

  const globals = new ByteWriter().u32(2);
  for (let g = 0; g < 2; g++) globals.byte(i32).byte(0x01).byte(0x41).s32(0).byte(0x0b); // mut i32 = 0
  section(out, SECTION.global, globals);

  const exports = new ByteWriter().u32(1);
  exports.name('entry').byte(0x00).u32(FN.entry);
  section(out, SECTION.export, exports);

  const code = new ByteWriter().u32(2 + bpf.length);
  for (const f of [bswap32, entry, ...bpf]) {
    const body = new ByteWriter().u32(f.locals.length);
    for (const [n, t] of f.locals) body.u32(n).byte(t);
    body.bytes(f.body.w.toBytes());
    code.sized(body);
  }
  section(out, SECTION.code, code);
  return new Uint8Array(out.toBytes());
}
