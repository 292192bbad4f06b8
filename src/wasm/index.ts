// The wasm fast path: eBPF → WebAssembly translation, the engine a Vm runs it with, and the raw
// (conformance) runner.
export { compileToWasm, translateToBytes, type CompileResult, type CompileStats } from './compile.js';
export { runWasmRaw, type WasmRawRunOptions, type WasmRawRunResult } from './run-raw.js';
export { cachedCompile, clearModuleCache, programHash, moduleCacheSize } from './module-cache.js';
export { WasmEngine } from './engine.js';
