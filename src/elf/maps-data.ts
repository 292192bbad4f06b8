// Global data sections become single-entry array maps, as libbpf does: key 4 bytes, value =
// the whole section, initial contents from the file (zeros for .bss). `dataLayout` lists the
// section's variables from its BTF DATASEC so tools can set e.g. `.rodata` constants by name.

import type { Btf } from './btf.js';
import { BTF_VAR_LINKAGE } from './btf-types.js';
import type { ElfSection } from './elf-file.js';
import type { MapSite } from './map-site.js';
import { BPF_F, BPF_MAP_TYPE } from './map-types.js';
import type { DataVar, MapSpec } from './spec.js';

const BPF_OBJ_NAME_LEN = 16;

export function isDataSection(name: string): boolean {
  return /^\.(rodata|data|bss)(\..*)?$/.test(name);
}

export function isReadonlySection(name: string): boolean {
  return name === '.rodata' || name.startsWith('.rodata.');
}

/** libbpf's object name: the file's basename up to its first '.', at most 15 characters. */
export function libbpfObjectName(path: string): string {
  const base = path.split('/').pop() ?? path;
  return base.slice(0, BPF_OBJ_NAME_LEN - 1).split('.')[0]!;
}

/**
 * libbpf's internal_map_name(): the section name keeps (at least) 7 characters and the object
 * name prefix gets what is left of the 15; a name with a second dot (".rodata.str1.1") gets no
 * prefix. Characters the kernel rejects become '_'.
 */
export function libbpfDataMapName(objectName: string, sectionName: string): string {
  const maxLen = BPF_OBJ_NAME_LEN - 1;
  const sfxLen = Math.min(Math.max(7, sectionName.length), maxLen);
  const pfxLen = sectionName.indexOf('.', 1) !== -1 ? 0 : Math.min(maxLen - sfxLen, objectName.length);
  const name = (objectName.slice(0, pfxLen) + sectionName.slice(0, sfxLen)).slice(0, maxLen);
  return name.replace(/[^A-Za-z0-9_.]/g, '_');
}

export function parseDataMap(section: ElfSection, btf: Btf | undefined, objectPath: string): MapSite {
  const readonly = isReadonlySection(section.name);
  const datasec = btf?.find(section.name, 'datasec');
  const dataLayout: DataVar[] = [];
  let hasGlobal = false;
  if (btf && datasec?.kind === 'datasec') {
    for (const v of datasec.vars) {
      const variable = btf.typeById(v.type);
      if (variable.kind !== 'var') continue;
      if (variable.linkage === BTF_VAR_LINKAGE.GLOBAL_ALLOCATED) hasGlobal = true;
      dataLayout.push({ name: variable.name, offset: v.offset, size: v.size, layout: btf.layoutOf(variable.type) });
    }
    dataLayout.sort((a, b) => a.offset - b.offset);
  }
  const map: MapSpec = {
    name: section.name,
    libbpfName: libbpfDataMapName(libbpfObjectName(objectPath), section.name),
    type: BPF_MAP_TYPE.array,
    typeName: 'array',
    keySize: 4,
    valueSize: section.size,
    maxEntries: 1,
    // libbpf: .rodata is read-only to programs; sections with global variables are mmapable.
    flags: (readonly ? BPF_F.RDONLY_PROG : 0) | (hasGlobal ? BPF_F.MMAPABLE : 0),
    pinning: 0,
    source: 'data',
    keyLayout: { kind: 'int', size: 4, signed: false },
    initialData: section.data.slice(),
    readonly,
    dataLayout,
  };
  if (datasec?.kind === 'datasec') {
    map.btfValueTypeId = datasec.id;
    map.valueLayout = { kind: 'struct', size: section.size, name: section.name, fields: dataLayout.map(({ name, offset, layout }) => ({ name, offset, layout })) };
  }
  return { map, sectionIndex: section.index, offset: 0, size: section.size };
}
