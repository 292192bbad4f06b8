// Which engine runs a program: the interpreter (every step observable, used for --trace) or
// the WebAssembly fast path (src/wasm). DPSIM_ENGINE sets the default for a whole process.

export type EngineName = 'interp' | 'wasm';
export const ENGINE_NAMES: readonly EngineName[] = ['interp', 'wasm'];

export function defaultEngine(): EngineName {
  const v = process.env.DPSIM_ENGINE;
  return v === 'interp' || v === 'wasm' ? v : 'wasm';
}
