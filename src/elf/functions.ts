// Split executable sections into functions by their FUNC symbols. Global functions outside
// `.text` are programs; everything else (all of `.text`, static functions inside a program
// section) is a subprogram that is only ever appended to the programs that call it.

import { decodeBytes, type Insn, INSN_SIZE } from '../isa/insn.js';
import type { ElfFile, ElfSection } from './elf-file.js';
import { isExecutable, STB, STT } from './elf-file.js';
import { ElfError } from './errors.js';

export interface FuncUnit {
  name: string;
  section: ElfSection;
  /** First instruction slot within the section. */
  start: number;
  /** Length in slots. */
  length: number;
  isProgram: boolean;
}

export interface CodeSection {
  section: ElfSection;
  insns: Insn[];
  /** Sorted by start. */
  funcs: FuncUnit[];
}

export function collectCode(elf: ElfFile): CodeSection[] {
  return elf.sections.filter(isExecutable).filter((s) => s.size > 0).map((section) => {
    const where = `section '${section.name}'`;
    if (section.size % INSN_SIZE !== 0) {
      throw new ElfError(elf.path, `${where}: size ${section.size} is not a multiple of ${INSN_SIZE}`);
    }
    const insns = decodeBytes(section.data);
    const isProgSection = section.name !== '.text';
    const funcs: FuncUnit[] = elf.symbols
      .filter((s) => s.shndx === section.index && s.type === STT.FUNC)
      .map((s) => {
        if (s.value % INSN_SIZE !== 0 || s.size % INSN_SIZE !== 0 || s.value + s.size > section.size || s.size === 0) {
          throw new ElfError(elf.path, `${where}: function '${s.name}' at offset ${s.value} with size ${s.size} does not fit the section (${section.size} bytes) or is misaligned`);
        }
        return {
          name: s.name, section, start: s.value / INSN_SIZE, length: s.size / INSN_SIZE,
          isProgram: isProgSection && s.bind !== STB.LOCAL,
        };
      })
      .sort((a, b) => a.start - b.start);
    // Hand-written assembly may carry no FUNC symbols: the section itself is one function.
    if (funcs.length === 0) {
      funcs.push({ name: section.name, section, start: 0, length: insns.length, isProgram: isProgSection });
    }
    return { section, insns, funcs };
  });
}

export function funcContaining(code: CodeSection, slot: number): FuncUnit | undefined {
  return code.funcs.find((f) => slot >= f.start && slot < f.start + f.length);
}
