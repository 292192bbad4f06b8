// The whole bpf_conformance suite on the wasm engine. Programs the translator leaves to the
// interpreter (BPF-to-BPF calls) are listed as fallbacks, not failures.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUITE_DIR, suiteFiles } from '../conformance/suite-path.js';
import { runDataFileOnWasm, type WasmTestResult } from './conformance-adapter.js';

describe('bpf_conformance on the wasm engine', () => {
  it('passes every test it translates; the rest fall back', () => {
    const results: WasmTestResult[] = suiteFiles().map((f) => runDataFileOnWasm(path.join(SUITE_DIR, f)));
    const by = (s: string) => results.filter((r) => r.status === s);
    const fallbacks = by('fallback').map((r) => `${r.name}: ${r.detail}`);
    console.log(`wasm conformance: ${by('pass').length} pass, ${by('fail').length} fail, ${by('skip').length} skip, ` +
      `${fallbacks.length} fallback of ${results.length}\n  fallbacks:\n    ${fallbacks.join('\n    ')}`);
    const failures = by('fail').map((r) => `${r.name}: ${r.detail}`);
    expect(failures, failures.join('\n')).toEqual([]);
    expect(results).toHaveLength(313);
    for (const f of by('fallback')) expect(f.detail).toMatch(/BPF-to-BPF call/);
  });
});
