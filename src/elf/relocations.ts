// Classify the relocations of one code section: an lddw naming a map or global data, or a
// call / function-address lddw naming (possibly another section's) code. Anything else in a
// code section is an error naming the relocation.

import { PSEUDO } from '../isa/opcodes.js';
import type { ElfFile, ElfReloc } from './elf-file.js';
import { isExecutable, sectionOfSymbol } from './elf-file.js';
import { ElfError } from './errors.js';
import type { CodeSection } from './functions.js';
import type { MapSite } from './map-site.js';
import { siteAt } from './map-site.js';
import { isDataSection } from './maps-data.js';

export const R_BPF = { NONE: 0, R64_64: 1, ABS64: 2, ABS32: 3, NODYLD32: 4, R64_32: 10 } as const;

const OP_LDDW = 0x18;
const OP_CALL = 0x85;
const INSN_SIZE = 8;

export type CodeReloc =
  | { kind: 'map' | 'map_value'; mapName: string; offset: number; symbol: string }
  /** A call or function-address lddw into code: `slot` is in section `sectionIndex`. */
  | { kind: 'func'; sectionIndex: number; slot: number; symbol: string };

export function classifyRelocs(elf: ElfFile, code: CodeSection, maps: readonly MapSite[]): Map<number, CodeReloc> {
  const out = new Map<number, CodeReloc>();
  for (const rel of elf.relocs.get(code.section.index) ?? []) {
    const slot = rel.offset / INSN_SIZE;
    out.set(slot, classify(elf, code, maps, rel, slot));
  }
  return out;
}

function classify(elf: ElfFile, code: CodeSection, maps: readonly MapSite[], rel: ElfReloc, slot: number): CodeReloc {
  const sym = elf.symbols[rel.symbol]!;
  const where = `relocation in section '${code.section.name}' at offset ${rel.offset} (symbol '${sym.name}', type ${rel.type})`;
  function fail(why: string): never {
    throw new ElfError(elf.path, `${where}: ${why}`);
  }
  const insn = Number.isInteger(slot) ? code.insns[slot] : undefined;
  if (!insn) fail(`offset is not an instruction of the section (${code.insns.length} instructions)`);
  if (rel.type !== R_BPF.R64_64 && rel.type !== R_BPF.R64_32) fail('unsupported relocation type in a code section');
  const target = sectionOfSymbol(elf, sym);
  if (!target) fail(sym.shndx === 0 ? 'undefined (extern) symbol: kfuncs, .kconfig and .ksyms externs are not supported' : 'symbol has no section');

  if (insn.opcode === OP_CALL) {
    if (insn.src !== PSEUDO.CALL) fail(`call with src=${insn.src} cannot be relocated (only BPF-to-BPF calls, src=1)`);
    if (!isExecutable(target)) fail(`call target is in non-code section '${target.name}'`);
    // libbpf: global targets carry imm = -1, static ones (section symbol) the pc-relative slot.
    return { kind: 'func', sectionIndex: target.index, slot: sym.value / INSN_SIZE + insn.imm + 1, symbol: sym.name };
  }
  if (insn.opcode !== OP_LDDW) fail(`instruction opcode 0x${insn.opcode.toString(16)} is neither lddw nor call`);
  if (rel.type !== R_BPF.R64_64) fail('lddw needs an R_BPF_64_64 relocation');
  const offset = sym.value + insn.imm;
  if (isExecutable(target)) {
    if (offset % INSN_SIZE !== 0) fail(`function address offset ${offset} is not instruction-aligned`);
    return { kind: 'func', sectionIndex: target.index, slot: offset / INSN_SIZE, symbol: sym.name };
  }
  const site = siteAt(maps, target.index, offset);
  if (!site) {
    fail(isDataSection(target.name)
      ? `offset ${offset} is outside data section '${target.name}'`
      : `section '${target.name}' holds no map at offset ${offset}`);
  }
  if (site.map.source === 'data') return { kind: 'map_value', mapName: site.map.name, offset, symbol: sym.name };
  if (offset !== site.offset) fail(`points ${offset - site.offset} bytes into map '${site.map.name}'`);
  return { kind: 'map', mapName: site.map.name, offset: 0, symbol: sym.name };
}
