// The assembly dialect of the bpf_conformance suite (uBPF style): assembler and the disassembler
// back to it. See asm-syntax.ts (lexing), asm-assemble.ts (encoding), asm-disasm.ts (inverse).

export { assemble, AsmError, type AssembleOptions } from './asm-assemble.js';
export { disassembleDialect, wordFromInsn } from './asm-disasm.js';
