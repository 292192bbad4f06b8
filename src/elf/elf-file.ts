// Minimal ELF64 little-endian reader for relocatable BPF objects (e_machine EM_BPF): the
// section headers, the symbol table and the REL relocation tables. Nothing here knows BPF
// semantics; object.ts builds the ObjectSpec from these pieces.

import { ElfError } from './errors.js';
import { ByteReader } from './reader.js';

export const EM_BPF = 247;
export const SHT = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, NOBITS: 8, REL: 9 } as const;
export const SHF_EXECINSTR = 0x4;
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4 } as const;
export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2 } as const;
export const SHN_UNDEF = 0;
const SHN_LORESERVE = 0xff00;
const SHN_XINDEX = 0xffff;

const EHDR_SIZE = 64;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;
const REL_SIZE = 16;
/** Zero-filled sections are allocated; no BPF map value comes near this. */
const MAX_NOBITS_SIZE = 1 << 28;

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  /** File contents; zero-filled for SHT_NOBITS (.bss). */
  data: Uint8Array;
}

export interface ElfSymbol {
  index: number;
  name: string;
  value: number;
  size: number;
  type: number;
  bind: number;
  /** Section index (st_shndx); SHN_UNDEF for externs, >= 0xff00 for ABS/COMMON. */
  shndx: number;
}

export interface ElfReloc {
  /** Byte offset inside the section being relocated. */
  offset: number;
  type: number;
  symbol: number;
}

export interface ElfFile {
  path: string;
  sections: ElfSection[];
  symbols: ElfSymbol[];
  /** Relocations keyed by the index of the section they apply to. */
  relocs: Map<number, ElfReloc[]>;
}

export function isExecutable(s: ElfSection): boolean {
  return (s.flags & SHF_EXECINSTR) !== 0 && s.type === SHT.PROGBITS;
}

export function sectionOfSymbol(elf: ElfFile, sym: ElfSymbol): ElfSection | undefined {
  if (sym.shndx === SHN_UNDEF || sym.shndx >= SHN_LORESERVE) return undefined;
  return elf.sections[sym.shndx];
}

export function parseElf(bytes: Uint8Array, path: string): ElfFile {
  const r = new ByteReader(bytes, path, 'ELF header');
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError(path, 'not an ELF file (bad magic; expected 7f 45 4c 46)');
  }
  if (bytes.length < EHDR_SIZE) throw new ElfError(path, `ELF header truncated (${bytes.length} of ${EHDR_SIZE} bytes)`);
  if (r.u8(4) !== 2) throw new ElfError(path, `unsupported ELF class ${r.u8(4)} (only ELF64 is supported)`);
  if (r.u8(5) !== 1) throw new ElfError(path, 'big-endian ELF is not supported (compile with -target bpf or bpfel)');
  const machine = r.u16(18, 'e_machine');
  if (machine !== EM_BPF) throw new ElfError(path, `wrong machine ${machine} (e_machine must be EM_BPF = ${EM_BPF})`);

  const shoff = r.u64(40, 'e_shoff');
  const shentsize = r.u16(58, 'e_shentsize');
  let shnum = r.u16(60, 'e_shnum');
  let shstrndx = r.u16(62, 'e_shstrndx');
  if (shoff === 0) throw new ElfError(path, 'ELF file has no section header table');
  if (shentsize !== SHDR_SIZE) throw new ElfError(path, `unexpected section header size ${shentsize} (want ${SHDR_SIZE})`);
  const shr = new ByteReader(bytes, path, 'section header table');
  // Large section counts live in section 0 (ELF extended numbering).
  if (shnum === 0) shnum = shr.u64(shoff + 32, 'section 0 sh_size');
  if (shstrndx === SHN_XINDEX) shstrndx = shr.u32(shoff + 40, 'section 0 sh_link');
  shr.need(shoff, shnum * SHDR_SIZE, `${shnum} section headers`);

  const headers = Array.from({ length: shnum }, (_, index) => readSectionHeader(shr, shoff + index * SHDR_SIZE, index));
  if (shstrndx >= shnum) throw new ElfError(path, `section name table index ${shstrndx} out of range (${shnum} sections)`);
  const shstr = new ByteReader(sectionData(bytes, path, headers[shstrndx]!, `section #${shstrndx} (names)`), path, 'section name table');
  const sections: ElfSection[] = headers.map((h) => {
    const name = shstr.cstr(h.nameOff, `name of section #${h.index}`);
    return { ...h, name, data: sectionData(bytes, path, h, `section '${name}'`) };
  });

  const symtab = sections.find((s) => s.type === SHT.SYMTAB);
  const symbols = symtab ? readSymbols(sections, symtab, path) : [];
  const relocs = new Map<number, ElfReloc[]>();
  for (const s of sections) {
    if (s.type === SHT.RELA) throw new ElfError(path, `section '${s.name}': RELA relocations are not supported for BPF objects`);
    if (s.type !== SHT.REL) continue;
    if (s.info >= sections.length) throw new ElfError(path, `section '${s.name}': target section index ${s.info} out of range`);
    relocs.set(s.info, [...(relocs.get(s.info) ?? []), ...readRelocs(s, path, symbols.length)]);
  }
  return { path, sections, symbols, relocs };
}

type SectionHeader = Omit<ElfSection, 'name' | 'data'> & { nameOff: number };

function readSectionHeader(r: ByteReader, at: number, index: number): SectionHeader {
  return {
    index,
    nameOff: r.u32(at, 'sh_name'),
    type: r.u32(at + 4, 'sh_type'),
    flags: r.u64(at + 8, 'sh_flags'),
    offset: r.u64(at + 24, 'sh_offset'),
    size: r.u64(at + 32, 'sh_size'),
    link: r.u32(at + 40, 'sh_link'),
    info: r.u32(at + 44, 'sh_info'),
  };
}

function sectionData(bytes: Uint8Array, path: string, h: SectionHeader, label: string): Uint8Array {
  if (h.type === SHT.NOBITS) {
    if (h.size > MAX_NOBITS_SIZE) throw new ElfError(path, `${label}: size ${h.size} is implausibly large for a BPF object`);
    return new Uint8Array(h.size);
  }
  if (h.type === SHT.NULL) return new Uint8Array(0);
  if (h.offset + h.size > bytes.length) {
    throw new ElfError(path, `${label}: contents at offset ${h.offset} (+${h.size} bytes) are past the end of the file (${bytes.length} bytes); truncated?`);
  }
  return bytes.subarray(h.offset, h.offset + h.size);
}

function readSymbols(sections: ElfSection[], symtab: ElfSection, path: string): ElfSymbol[] {
  const strtab = sections[symtab.link];
  if (!strtab || strtab.type !== SHT.STRTAB) throw new ElfError(path, `section '${symtab.name}': string table index ${symtab.link} is not a STRTAB`);
  const names = new ByteReader(strtab.data, path, `symbol string table '${strtab.name}'`);
  const r = new ByteReader(symtab.data, path, `section '${symtab.name}'`);
  const count = Math.floor(symtab.size / SYM_SIZE);
  const out: ElfSymbol[] = [];
  for (let index = 0; index < count; index++) {
    const at = index * SYM_SIZE;
    const info = r.u8(at + 4, `symbol #${index}`);
    const sym: ElfSymbol = {
      index,
      name: names.cstr(r.u32(at, `symbol #${index} name`), `name of symbol #${index}`),
      type: info & 0xf,
      bind: info >> 4,
      shndx: r.u16(at + 6, `symbol #${index} section`),
      value: r.u64(at + 8, `symbol #${index} value`),
      size: r.u64(at + 16, `symbol #${index} size`),
    };
    // Section symbols have no name of their own: use the section's, as readelf does.
    if (sym.type === STT.SECTION && !sym.name) sym.name = sections[sym.shndx]?.name ?? '';
    if (sym.shndx !== SHN_UNDEF && sym.shndx < SHN_LORESERVE && sym.shndx >= sections.length) {
      throw new ElfError(path, `symbol '${sym.name}' (#${index}) refers to section index ${sym.shndx}, out of range`);
    }
    out.push(sym);
  }
  return out;
}

function readRelocs(s: ElfSection, path: string, symbolCount: number): ElfReloc[] {
  const r = new ByteReader(s.data, path, `section '${s.name}'`);
  const out: ElfReloc[] = [];
  for (let at = 0; at + REL_SIZE <= s.size; at += REL_SIZE) {
    const offset = r.u64(at, 'r_offset');
    const type = r.u32(at + 8, 'r_info type');
    const symbol = r.u32(at + 12, 'r_info symbol');
    if (symbol >= symbolCount) {
      throw new ElfError(path, `section '${s.name}': relocation at offset ${offset} refers to unknown symbol #${symbol} (symbol table has ${symbolCount})`);
    }
    out.push({ offset, type, symbol });
  }
  return out;
}
