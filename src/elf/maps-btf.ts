// BTF-defined maps: each VAR of the `.maps` DATASEC is a struct whose members encode the map
// attributes in their *types*, as bpf_helpers.h's macros do:
//   __uint(name, N)    int (*name)[N]        → the number is the array length
//   __type(name, T)    typeof(T) *name       → the key/value type
//   __array(name, T)   typeof(T) *name[]     → inner map definition / prog array slots
//   __ulong(name, N)   enum { x = N } name   → 64-bit numbers (map_extra)

import type { Btf } from './btf.js';
import type { BtfType, BtfTypeOf } from './btf-types.js';
import type { ElfSection } from './elf-file.js';
import type { MapSite } from './map-site.js';
import { BPF_MAP_TYPE, isMapInMap, mapTypeName } from './map-types.js';
import type { MapSpec } from './spec.js';

export function parseBtfMaps(btf: Btf, section: ElfSection): MapSite[] {
  const datasec = btf.find(section.name, 'datasec');
  if (!datasec || datasec.kind !== 'datasec') btf.fail(`no DATASEC for section '${section.name}' (BTF-defined maps need BTF)`);
  return datasec.vars.map((v) => {
    const variable = btf.expect(v.type, 'var', `DATASEC '${section.name}'`);
    const def = btf.resolved(variable.type);
    if (def.kind !== 'struct') btf.fail(`map '${variable.name}' in '${section.name}': definition is ${def.kind}, expected a struct`);
    const { map, valuesOffset } = parseMapDef(btf, def, variable.name);
    return { map, sectionIndex: section.index, offset: v.offset, size: v.size, valuesOffset };
  });
}

function parseMapDef(btf: Btf, def: BtfTypeOf<'struct'>, name: string): { map: MapSpec; valuesOffset?: number } {
  const ctx = `map '${name}'`;
  const map: MapSpec = {
    name, type: 0, typeName: 'unspec', keySize: 0, valueSize: 0, maxEntries: 0, flags: 0, pinning: 0, source: 'btf',
  };
  let valuesOffset: number | undefined;
  let valuesElem: BtfType | undefined;
  for (const m of def.members) {
    const field = `${ctx} field '${m.name}'`;
    switch (m.name) {
      case 'type': map.type = uintField(btf, m.type, field); break;
      case 'max_entries': map.maxEntries = uintField(btf, m.type, field); break;
      case 'map_flags': map.flags = uintField(btf, m.type, field); break;
      case 'pinning': map.pinning = uintField(btf, m.type, field); break;
      case 'key_size': map.keySize = checkSize(btf, map.keySize, uintField(btf, m.type, field), field); break;
      case 'value_size': map.valueSize = checkSize(btf, map.valueSize, uintField(btf, m.type, field), field); break;
      case 'key': {
        const id = pointee(btf, m.type, field);
        map.keySize = checkSize(btf, map.keySize, btf.sizeof(id), field);
        map.btfKeyTypeId = id;
        break;
      }
      case 'value': {
        const id = pointee(btf, m.type, field);
        map.valueSize = checkSize(btf, map.valueSize, btf.sizeof(id), field);
        map.btfValueTypeId = id;
        break;
      }
      case 'values': {
        const arr = btf.resolved(m.type);
        if (arr.kind !== 'array') btf.fail(`${field}: expected an array of pointers (__array), got ${arr.kind}`);
        valuesElem = btf.resolved(pointee(btf, arr.elemType, field));
        valuesOffset = m.bitOffset / 8;
        break;
      }
      default: break; // numa_node, map_extra and future fields do not change the simulation
    }
  }
  map.typeName = mapTypeName(map.type) ?? 'unknown';
  if (valuesElem) {
    // libbpf: `values` makes the value a 4-byte map fd / prog fd slot.
    if (map.valueSize !== 0 && map.valueSize !== 4) btf.fail(`${ctx}: value_size must be 4 when 'values' is given`);
    map.valueSize = 4;
    if (isMapInMap(map.type)) {
      if (valuesElem.kind !== 'struct') btf.fail(`${ctx}: inner map definition is ${valuesElem.kind}, expected a struct`);
      map.innerMap = parseMapDef(btf, valuesElem, `${name}.inner`).map;
    } else if (map.type !== BPF_MAP_TYPE.prog_array) {
      btf.fail(`${ctx}: 'values' is only valid for prog_array and map-in-map types, not ${map.typeName}`);
    }
  }
  if (map.btfKeyTypeId !== undefined) map.keyLayout = btf.layoutOf(map.btfKeyTypeId);
  if (map.btfValueTypeId !== undefined) map.valueLayout = btf.layoutOf(map.btfValueTypeId);
  return { map, valuesOffset };
}

/** `int (*name)[N]` → N (or an enum constant for __ulong). */
function uintField(btf: Btf, typeId: number, field: string): number {
  const t = btf.resolved(typeId);
  if (t.kind === 'ptr') {
    const arr = btf.resolved(t.type);
    if (arr.kind === 'array') return arr.count;
  }
  if ((t.kind === 'enum' || t.kind === 'enum64') && t.values.length === 1) return Number(t.values[0]!.value);
  btf.fail(`${field}: expected __uint() encoding (pointer to array), got ${t.kind}`);
}

function pointee(btf: Btf, typeId: number, field: string): number {
  const t = btf.resolved(typeId);
  if (t.kind !== 'ptr') btf.fail(`${field}: expected a pointer (__type/__array), got ${t.kind}`);
  return t.type;
}

function checkSize(btf: Btf, existing: number, size: number, field: string): number {
  if (existing !== 0 && existing !== size) btf.fail(`${field}: size ${size} conflicts with the size ${existing} given earlier`);
  return size;
}
