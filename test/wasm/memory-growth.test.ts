// The wasm engine's linear memory grows when mirrored regions outgrow its arena: at the start
// of a run (1 MiB of .bss) and in the middle of one (24 map values of 64 KiB looked up one
// after another). Registers and stack frames are views on that memory and must follow it.
// Both engines must agree on every run and on the maps afterwards.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FixtureCompiler, haveClang } from '../support/clang.js';
import { loadObjectSpec } from '../../src/elf/index.js';
import { LoadedObject, testRun } from '../../src/vm/index.js';
import { udpFrame } from '../../src/packet/build.js';
import type { WasmEngine } from '../../src/wasm/engine.js';

const compiler = new FixtureCompiler(join(import.meta.dirname, '..', 'fixtures', 'wasm'), 'wasm');
if (!haveClang) console.log('test/wasm/memory-growth: skipping: clang-19 is not installed');

describe.skipIf(!haveClang)('wasm engine: linear memory growth', () => {
  it('24 x 64 KiB map values and 1 MiB of .bss: same results and maps on both engines, run after run', async () => {
    const spec = await loadObjectSpec(compiler.compile('big_values'));
    const objs = { interp: LoadedObject.load(spec, { engine: 'interp' }), wasm: LoadedObject.load(spec, { engine: 'wasm' }) };
    const dataIn = udpFrame({});
    const engine = objs.wasm.vm.fastPath as WasmEngine;
    for (let run = 0; run < 3; run++) {
      const before = engine.grows;
      const a = testRun(objs.interp, objs.interp.program('big_values'), { dataIn });
      const b = testRun(objs.wasm, objs.wasm.program('big_values'), { dataIn });
      expect(b.engine).toBe('wasm');
      expect(a.fault).toBeNull();
      expect(b.fault).toBeNull();
      expect(b.retval).toBe(a.retval);
      expect(b.insnCount).toBe(a.insnCount);
      // the first run grows for the .bss and again between lookups; later runs reuse the memory
      if (run === 0) expect(engine.grows - before).toBeGreaterThanOrEqual(2);
    }
    const dump = (o: LoadedObject, name: string) => {
      const m = o.map(name) as unknown as { valueAt(i: number): Uint8Array };
      return Array.from({ length: name === 'bigmap' ? 24 : 1 }, (_, i) => Buffer.from(m.valueAt(i)).toString('base64'));
    };
    expect(dump(objs.wasm, 'bigmap')).toEqual(dump(objs.interp, 'bigmap'));
    expect(dump(objs.wasm, '.bss')).toEqual(dump(objs.interp, '.bss'));
    // the writes landed: value k's byte k*97 went up by k+1 per run, three runs
    const v5 = (objs.wasm.map('bigmap') as unknown as { valueAt(i: number): Uint8Array }).valueAt(5);
    expect(v5[5 * 97]).toBe(3 * 6);
  });
});

describe.skipIf(!haveClang)('wasm engine: the mirror check (DPSIM_WASM_CHECK_MIRRORS)', () => {
  it('a helper that changes a map value behind the engine\'s back faults, naming the helper', async () => {
    const spec = await loadObjectSpec(compiler.compile('big_values'));
    process.env.DPSIM_WASM_CHECK_MIRRORS = '1';
    let obj: LoadedObject;
    try {
      obj = LoadedObject.load(spec, { engine: 'wasm' });
    } finally {
      delete process.env.DPSIM_WASM_CHECK_MIRRORS;
    }
    const dataIn = udpFrame({});
    expect(testRun(obj, obj.program('big_values'), { dataIn }).fault).toBeNull(); // honest helpers pass
    // planted: map_lookup_elem (classed as writing only through its arguments) also bumps value 0
    const lookup = obj.vm.helpers[1]!;
    const value0 = (obj.map('bigmap') as unknown as { valueAt(i: number): Uint8Array }).valueAt(0);
    obj.vm.helpers[1] = (vm) => { const r = lookup(vm); value0[1] = (value0[1]! + 1) & 0xff; return r; };
    const r = testRun(obj, obj.program('big_values'), { dataIn });
    expect(r.fault?.kind).toBe('internal');
    expect(r.fault?.message).toMatch(/bpf_map_lookup_elem changed value of bigmap without the engine re-reading it/);
  });
});
