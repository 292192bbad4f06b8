// The parsed object, independent of any loaded/running instance (cilium/ebpf's
// CollectionSpec/ProgramSpec/MapSpec): what the VM and the kernel loader both start from.

import type { Insn } from '../isa/insn.js';
import type { Layout } from '../maps/layout.js';
import type { Btf } from './btf.js';
import type { LineInfo } from './btf-ext.js';
import type { MapTypeName } from './map-types.js';
import type { ProgTypeName } from './prog-types.js';

export type { LineInfo } from './btf-ext.js';

/** An lddw that the loader must point at a map (kind 'map') or into a map's value ('map_value'). */
export interface Reloc {
  /** Index of the lddw's first slot in ProgramSpec.insns. */
  insn: number;
  kind: 'map' | 'map_value';
  /** MapSpec.name: the map's symbol for 'map', the data section (".rodata", ...) for 'map_value'. */
  mapName: string;
  /** Byte offset into the map value ('map_value'); 0 for 'map'. */
  offset: number;
  /** The ELF symbol the relocation named (a section symbol for static data). */
  symbol: string;
}

/** A function inside ProgramSpec.insns: the entry point first, then appended subprograms. */
export interface FuncSpan {
  name: string;
  start: number;
  length: number;
  /** The BTF FUNC type from .BTF.ext func_info, when present. */
  btfTypeId?: number;
}

export interface ProgramSpec {
  /** The function symbol's name. */
  name: string;
  /** The ELF section (SEC("...")) it came from. */
  section: string;
  type: ProgTypeName;
  attachType?: string;
  /** Instruction slots (an lddw takes two), subprograms appended and calls fixed up. */
  insns: Insn[];
  relocs: Reloc[];
  funcs: FuncSpan[];
  /** Source line info, program-relative, sorted by insn. */
  lineInfo: LineInfo[];
  /** The line info covering `pc` (the last entry with insn <= pc). */
  lineAt(pc: number): LineInfo | undefined;
  license: string;
}

/** One variable of a global-data section (.rodata, .data, .bss, ...). */
export interface DataVar {
  name: string;
  offset: number;
  size: number;
  layout: Layout;
}

/** A slot of a prog array or map-in-map filled at load time (`.values = { [i] = &x }`). */
export interface MapInitialValue {
  index: number;
  progName?: string;
  mapName?: string;
}

export interface MapSpec {
  /** The map symbol; for global data the ELF section name (".rodata", ".bss", ...). */
  name: string;
  /** libbpf's kernel-visible name for global-data maps, e.g. "myobj.rodata". */
  libbpfName?: string;
  /** enum bpf_map_type number (see BPF_MAP_TYPE). */
  type: number;
  typeName: MapTypeName | 'unknown';
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  /** 0 = none, 1 = LIBBPF_PIN_BY_NAME (legacy iproute2 maps carry their own numbering). */
  pinning: number;
  /** Where the definition came from. */
  source: 'btf' | 'legacy' | 'data';
  keyLayout?: Layout;
  valueLayout?: Layout;
  btfKeyTypeId?: number;
  btfValueTypeId?: number;
  innerMap?: MapSpec;
  initialData?: Uint8Array;
  readonly?: boolean;
  dataLayout?: DataVar[];
  initialValues?: MapInitialValue[];
}

export interface ObjectSpec {
  path: string;
  /** File basename without the ".o" extension. */
  name: string;
  license: string;
  programs: ProgramSpec[];
  maps: MapSpec[];
  btf?: Btf;
  /** Line info per ELF section, with section-relative instruction indexes. */
  lineInfo: Map<string, LineInfo[]>;
}
