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
