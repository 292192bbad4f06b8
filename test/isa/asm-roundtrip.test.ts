import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble, disassembleDialect, wordFromInsn } from '../../src/isa/asm.js';
import { parseDataFile } from '../../src/conformance/datafile.js';
import { SUITE_DIR, suiteFiles } from '../conformance/suite-path.js';

const files = suiteFiles();

describe('assembler over every bpf_conformance test', () => {
  it('finds the whole suite', () => {
    expect(files.length).toBe(313);
  });

  it.each(files)('%s: assemble → disassembleDialect → assemble is the identity', (file) => {
    const data = parseDataFile(readFileSync(path.join(SUITE_DIR, file), 'utf8'), file);
    const insns = assemble(data.asm!, { lineOffset: data.asmLine! - 1 });
    expect(insns.length).toBeGreaterThan(0);
    const text = disassembleDialect(insns);
    expect(text).not.toContain('.insn'); // every suite instruction is spelled in the dialect
    expect(assemble(text)).toEqual(insns);
    if (data.raw) expect(insns.map(wordFromInsn)).toEqual(data.raw);
  });
});
