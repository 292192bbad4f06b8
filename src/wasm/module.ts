// Module assembly: types, the three JS imports and the memory, the run/addr/bswap32
// functions, the count and memEnd globals, exports. Index spaces are fixed in layout.ts.

import { ByteWriter, MODULE_HEADER, SECTION, section } from './wasm-encoder.js';
import { T } from './wasm-ops.js';
import type { Emitter } from './emitter.js';

const { i32, i64 } = T;

interface FuncBody {
  locals: [number, number][]; // (count, type) runs
  body: Emitter; // ends with `end`
}

const TYPES: [number[], number[]][] = [
  [[i32, i32], []], // 0 fault(kind, pc)
  [[i32, i32, i32, i32, i32], [i32]], // 1 slowAccess(hi, a, size, write, pc) -> linear
  [[i32, i32, i32, i64, i64, i64, i64, i64], [i64]], // 2 helper(id, pc, count, r1..r5) -> r0
  [[i64, i64, i32, i32], [i64]], // 3 run(r1, r2, memLen, budget) -> r0
  [[i64, i32, i32, i32, i32], [i32]], // 4 addr(ptr, off, size, write, pc) -> linear
  [[i32], [i32]], // 5 bswap32
];

export function assembleModule(run: FuncBody, addr: FuncBody, bswap32: FuncBody): Uint8Array<ArrayBuffer> {
  const out = new ByteWriter().bytes(MODULE_HEADER);

  const types = new ByteWriter().u32(TYPES.length);
  for (const [params, results] of TYPES) types.byte(T.func).u32(params.length).bytes(params).u32(results.length).bytes(results);
  section(out, SECTION.type, types);

  const imports = new ByteWriter().u32(4);
  imports.name('env').name('fault').byte(0x00).u32(0);
  imports.name('env').name('slowAccess').byte(0x00).u32(1);
  imports.name('env').name('helper').byte(0x00).u32(2);
  imports.name('env').name('memory').byte(0x02).byte(0x00).u32(1); // memory, limits: min 1 page
  section(out, SECTION.import, imports);

  section(out, SECTION.function, new ByteWriter().u32(3).u32(3).u32(4).u32(5));

  const globals = new ByteWriter().u32(2);
  for (let g = 0; g < 2; g++) globals.byte(i32).byte(0x01).byte(0x41).s32(0).byte(0x0b); // mut i32 = 0
  section(out, SECTION.global, globals);

  const exports = new ByteWriter().u32(2);
  exports.name('run').byte(0x00).u32(3);
  exports.name('count').byte(0x03).u32(0);
  section(out, SECTION.export, exports);

  const code = new ByteWriter().u32(3);
  for (const f of [run, addr, bswap32]) {
    const body = new ByteWriter().u32(f.locals.length);
    for (const [n, t] of f.locals) body.u32(n).byte(t);
    body.bytes(f.body.w.toBytes());
    code.sized(body);
  }
  section(out, SECTION.code, code);
  return new Uint8Array(out.toBytes());
}
