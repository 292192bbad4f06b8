// Public entry points of the ELF loader: parse a clang-built BPF object into an ObjectSpec.

import { readFile } from 'node:fs/promises';
import { ElfError } from './errors.js';
import { parseObjectSpec } from './object.js';
import type { ObjectSpec } from './spec.js';

export async function loadObjectSpec(path: string): Promise<ObjectSpec> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ElfError(path, `cannot read file: ${(e as Error).message}`);
  }
  return parseObjectSpec(bytes, path);
}

export { parseObjectSpec, objectName } from './object.js';
export { findProgram, findMap } from './find.js';
export { ElfError } from './errors.js';
export { Btf } from './btf.js';
export type { BtfType, BtfMember, BtfKindName } from './btf-types.js';
export { BPF_MAP_TYPE, mapTypeName, isMapInMap, BPF_F, type MapTypeName } from './map-types.js';
export { BPF_PROG_TYPE, progTypeForSection, type ProgTypeName } from './prog-types.js';
export { libbpfDataMapName, libbpfObjectName } from './maps-data.js';
export { lineInfoAt } from './line-info.js';
export type { ObjectSpec, ProgramSpec, MapSpec, Reloc, FuncSpan, DataVar, MapInitialValue, LineInfo } from './spec.js';
