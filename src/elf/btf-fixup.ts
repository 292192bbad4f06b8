// In an object file clang leaves DATASEC sizes and variable offsets at 0 for sections whose
// layout only the linker knows (.data, .rodata, .bss, ...). libbpf fills them in from the ELF
// section size and the symbol table before using the BTF; so do we.

import type { Btf } from './btf.js';
import type { ElfFile } from './elf-file.js';
import { STT } from './elf-file.js';
import { ElfError } from './errors.js';

export function fixupDatasecs(btf: Btf, elf: ElfFile): void {
  for (const t of btf.types) {
    if (t.kind !== 'datasec') continue;
    const section = elf.sections.find((s) => s.name === t.name);
    if (!section) continue; // .kconfig/.ksyms externs have no ELF section
    t.size = section.size;
    for (const v of t.vars) {
      const variable = btf.typeById(v.type);
      if (variable.kind !== 'var') continue;
      const sym = elf.symbols.find(
        (s) => s.shndx === section.index && s.name === variable.name && (s.type === STT.OBJECT || s.type === STT.NOTYPE),
      );
      if (!sym) {
        throw new ElfError(elf.path, `.BTF: DATASEC '${t.name}': no symbol for variable '${variable.name}' in section '${section.name}'`);
      }
      v.offset = sym.value;
      if (v.size === 0) v.size = sym.size;
    }
  }
}
