// dpsim as a library ("ebpf-vm-ts"): the same typed API the CLI uses.
export * from './vm/index.js';
export { WasmEngine, compileToWasm, runWasmRaw, type CompileResult, type CompileStats } from './wasm/index.js';
export { loadObjectSpec, parseObjectSpec, findProgram, findMap, ElfError, Btf } from './elf/index.js';
export type { ObjectSpec, ProgramSpec, MapSpec, Reloc, FuncSpan, LineInfo } from './elf/index.js';
export * as maps from './maps/index.js';
export { assemble, disassembleDialect } from './isa/asm.js';
export { disassemble, disassembleAll } from './isa/disasm.js';
export { decodeBytes, encodeInsns, type Insn } from './isa/insn.js';
export { OPCODES, LIMITS } from './isa/opcodes.js';
export { HELPER_NAMES, helperName } from './isa/helper-names.js';
export { PacketBuffer } from './packet/buffer.js';
