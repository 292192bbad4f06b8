// Legacy map definitions in the `maps` section: one `struct bpf_map_def` per symbol,
//   { u32 type, key_size, value_size, max_entries, map_flags }
// Longer definitions (iproute2's struct bpf_elf_map) add id at byte 20 and pinning at byte 24.
// Key/value layouts come from BPF_ANNOTATE_KV_PAIR's `____btf_map_<name>` struct when present.

import type { Btf } from './btf.js';
import type { ElfFile, ElfSection } from './elf-file.js';
import { STT } from './elf-file.js';
import { ElfError } from './errors.js';
import type { MapSite } from './map-site.js';
import { mapTypeName } from './map-types.js';
import { ByteReader } from './reader.js';
import type { MapSpec } from './spec.js';

const MIN_DEF_SIZE = 20;
const PINNING_AT = 24;

export function parseLegacyMaps(elf: ElfFile, section: ElfSection, btf: Btf | undefined): MapSite[] {
  const syms = elf.symbols
    .filter((s) => s.shndx === section.index && (s.type === STT.OBJECT || s.type === STT.NOTYPE) && s.name)
    .sort((a, b) => a.value - b.value);
  if (syms.length === 0) return [];
  // Like libbpf: symbols without a size share the section evenly.
  const evenSize = Math.floor(section.size / syms.length);
  const r = new ByteReader(section.data, elf.path, `section '${section.name}'`);
  return syms.map((sym) => {
    const size = sym.size || evenSize;
    if (size < MIN_DEF_SIZE) {
      throw new ElfError(elf.path, `section '${section.name}': map '${sym.name}' definition is ${size} bytes, need at least ${MIN_DEF_SIZE}`);
    }
    r.need(sym.value, size, `map '${sym.name}' definition`);
    const at = sym.value;
    const type = r.u32(at);
    const map: MapSpec = {
      name: sym.name,
      type,
      typeName: mapTypeName(type) ?? 'unknown',
      keySize: r.u32(at + 4),
      valueSize: r.u32(at + 8),
      maxEntries: r.u32(at + 12),
      flags: r.u32(at + 16),
      pinning: size >= PINNING_AT + 4 ? r.u32(at + PINNING_AT) : 0,
      source: 'legacy',
    };
    if (btf) addAnnotatedLayouts(btf, map);
    return { map, sectionIndex: section.index, offset: sym.value, size };
  });
}

function addAnnotatedLayouts(btf: Btf, map: MapSpec): void {
  const pair = btf.find(`____btf_map_${map.name}`, 'struct');
  if (!pair || pair.kind !== 'struct') return;
  const key = pair.members.find((m) => m.name === 'key');
  const value = pair.members.find((m) => m.name === 'value');
  if (key && btf.sizeof(key.type) === map.keySize) {
    map.btfKeyTypeId = key.type;
    map.keyLayout = btf.layoutOf(key.type);
  }
  if (value && btf.sizeof(value.type) === map.valueSize) {
    map.btfValueTypeId = value.type;
    map.valueLayout = btf.layoutOf(value.type);
  }
}
