// Initial slots of prog arrays and map-in-maps, `.values = { [2] = &prog }`: clang leaves the
// slots zero and emits R_BPF_64_ABS64 relocations in `.rel.maps` naming the program or map.

import type { ElfFile, ElfSection } from './elf-file.js';
import { STT } from './elf-file.js';
import { ElfError } from './errors.js';
import type { MapSite } from './map-site.js';
import { siteAt } from './map-site.js';
import { ByteReader } from './reader.js';
import { R_BPF } from './relocations.js';

const SLOT_SIZE = 8;

export function applyInitialValues(elf: ElfFile, section: ElfSection, sites: readonly MapSite[]): void {
  const data = new ByteReader(section.data, elf.path, `section '${section.name}'`);
  for (const rel of elf.relocs.get(section.index) ?? []) {
    const sym = elf.symbols[rel.symbol]!;
    const where = `relocation in section '${section.name}' at offset ${rel.offset} (symbol '${sym.name}')`;
    function fail(why: string): never {
      throw new ElfError(elf.path, `${where}: ${why}`);
    }
    if (rel.type !== R_BPF.ABS64) fail(`unsupported relocation type ${rel.type} (want R_BPF_64_ABS64)`);
    const site = siteAt(sites, section.index, rel.offset);
    if (!site) fail('no map is defined at that offset');
    if (site.valuesOffset === undefined) fail(`map '${site.map.name}' has no 'values' member to initialise`);
    const slotOffset = rel.offset - site.offset - site.valuesOffset;
    if (slotOffset < 0 || slotOffset % SLOT_SIZE !== 0) fail(`offset is not a slot of map '${site.map.name}' values`);
    const index = slotOffset / SLOT_SIZE;
    const values = (site.map.initialValues ??= []);
    if (sym.type === STT.FUNC) {
      values.push({ index, progName: sym.name });
    } else {
      // REL: the addend sits in the slot itself (non-zero when naming a static map's section symbol).
      const inner = siteAt(sites, sym.shndx, sym.value + data.u64(rel.offset, 'initial value slot'));
      if (!inner || sym.shndx !== section.index) fail('initial value must name a program or a map in the same section');
      values.push({ index, mapName: inner.map.name });
    }
    values.sort((a, b) => a.index - b.index);
  }
}
