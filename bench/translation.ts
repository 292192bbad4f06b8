// Translation time of the wasm engine: a ~4,200-slot single-function program (the target is
// under 10 ms for 4,000 instructions) and every program of the datapath objects. The first
// translation in a process also pays for V8 compiling the translator itself; the median of
// repeated translations is what a long-running process pays per new program.

import { predecode } from '../src/vm/program.js';
import { compileToWasm } from '../src/wasm/index.js';
import { loadObjectSpec } from '../src/elf/index.js';
import { LoadedObject } from '../src/vm/index.js';
import { Rng } from '../test/vm/ref.js';
import { randomProgram } from '../test/wasm/random-program.js';
import { datapathObjectPath, type DpObject } from './datapath.js';

export interface TranslationRow {
  program: string;
  slots: number;
  firstMs: number;
  medianMs: number;
  minMs: number;
  compileMs: number;
  bytes: number;
  functions: number;
  dispatchFunctions: number;
}

function measure(name: string, prog: ReturnType<typeof predecode>, firstMs: number | null, times = 25): TranslationRow {
  const first = compileToWasm(prog);
  if (!first.ok) throw new Error(`${name}: not translated: ${first.reason}`);
  const ms: number[] = [];
  let last = first;
  for (let i = 0; i < times; i++) {
    const c = compileToWasm(prog);
    if (c.ok) { ms.push(c.stats.translateMs); last = c; }
  }
  ms.sort((a, b) => a - b);
  const s = last.ok ? last.stats : first.stats;
  return {
    program: name, slots: prog.length, firstMs: firstMs ?? first.stats.translateMs, medianMs: ms[ms.length >> 1]!, minMs: ms[0]!,
    compileMs: s.compileMs, bytes: s.bytes, functions: s.functions, dispatchFunctions: s.dispatchFunctions,
  };
}

export async function translationSection(): Promise<TranslationRow[]> {
  const rows: TranslationRow[] = [];
  const big = predecode(randomProgram(new Rng(4000), 64, 3980, 1));
  rows.push(measure('random (one function)', big, null));
  for (const object of ['bpf_lxc', 'bpf_overlay', 'bpf_host'] as DpObject[]) {
    const obj = LoadedObject.load(await loadObjectSpec(datapathObjectPath(object)), { engine: 'interp' });
    for (const p of obj.programs.values()) rows.push(measure(`${object}:${p.name}`, p.decoded, null));
  }
  return rows;
}

export function translationLines(rows: TranslationRow[]): string[] {
  const out = ['', 'wasm translation (eBPF → wasm bytes; then new WebAssembly.Module), ms:'];
  const w = [40, 6, 8, 8, 8, 8, 9, 10];
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join('  ');
  out.push(line(['program', 'slots', 'first', 'median', 'min', 'compile', 'bytes', 'functions']));
  for (const r of rows) {
    out.push(line([r.program, String(r.slots), r.firstMs.toFixed(2), r.medianMs.toFixed(2), r.minMs.toFixed(2), r.compileMs.toFixed(2),
      String(r.bytes), `${r.functions}${r.dispatchFunctions ? ` (${r.dispatchFunctions} dispatch)` : ''}`]));
  }
  out.push('  first = the first translation in this process (includes V8 compiling the translator); target: < 10 ms for 4,000 instructions.');
  return out;
}
