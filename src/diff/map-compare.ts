// Map contents after the last input: every entry of every map, matched by key.

import { hex } from './hexdump.js';
import { describeKey, describeValue } from './map-describe.js';
import type { NormalisationLog } from './normalisation-log.js';
import { FD_ARRAY_SLOTS } from './normalisations.js';
import type { Divergence, MapNormaliser, MapSnapshot } from './types.js';

type Value = MapSnapshot['entries'][number]['value'];

const ABSENT = '(no entry)';

export function compareMaps(
  emulatorMaps: readonly MapSnapshot[],
  kernelMaps: readonly MapSnapshot[],
  normalisers: readonly MapNormaliser[],
  log: NormalisationLog,
): Divergence[] {
  const out: Divergence[] = [];
  const kernelByName = new Map(kernelMaps.map((m) => [m.name, m]));
  for (const emu of emulatorMaps) {
    const ker = kernelByName.get(emu.name);
    kernelByName.delete(emu.name);
    if (ker === undefined) {
      out.push({ input: 'final', field: `map ${emu.name}`, emulator: `${emu.entries.length} entries`, kernel: '(no such map)' });
      continue;
    }
    out.push(...compareMap(...normalised(emu, ker, normalisers, log), log));
  }
  for (const ker of kernelByName.values()) {
    out.push({ input: 'final', field: `map ${ker.name}`, emulator: '(no such map)', kernel: `${ker.entries.length} entries` });
  }
  return out;
}

function normalised(emu: MapSnapshot, ker: MapSnapshot, normalisers: readonly MapNormaliser[], log: NormalisationLog): [MapSnapshot, MapSnapshot] {
  for (const n of normalisers) {
    if (!n.applies(emu)) continue;
    log.note(n);
    emu = n.normalise(emu);
    ker = n.normalise(ker);
  }
  return [emu, ker];
}

function compareMap(emu: MapSnapshot, ker: MapSnapshot, log: NormalisationLog): Divergence[] {
  const out: Divergence[] = [];
  const kernelByKey = new Map(ker.entries.map((e) => [hex(e.key), e.value]));
  const field = (key: Uint8Array) => `map ${emu.name}[key=${describeKey(emu, key)}]`;
  for (const { key, value } of emu.entries) {
    const id = hex(key);
    const kernelValue = kernelByKey.get(id);
    kernelByKey.delete(id);
    if (value === null || kernelValue === null) log.note(FD_ARRAY_SLOTS);
    if (kernelValue === undefined) {
      out.push({ input: 'final', field: field(key), emulator: describe(emu, value), kernel: ABSENT });
    } else {
      out.push(...compareValues(emu, field(key), value, kernelValue));
    }
  }
  for (const [id, value] of kernelByKey) {
    const key = Buffer.from(id, 'hex');
    out.push({ input: 'final', field: field(new Uint8Array(key)), emulator: ABSENT, kernel: describe(emu, value) });
  }
  return out;
}

function compareValues(map: MapSnapshot, field: string, emu: Value, ker: Value): Divergence[] {
  if (emu === null || ker === null) {
    return emu === ker ? [] : [{ input: 'final', field, emulator: describe(map, emu), kernel: describe(map, ker) }];
  }
  if (emu instanceof Uint8Array || ker instanceof Uint8Array) {
    const same = emu instanceof Uint8Array && ker instanceof Uint8Array && hex(emu) === hex(ker);
    return same ? [] : [{ input: 'final', field, emulator: describe(map, emu), kernel: describe(map, ker) }];
  }
  if (emu.length !== ker.length) {
    return [{ input: 'final', field: `${field}.cpus`, emulator: `${emu.length} CPUs`, kernel: `${ker.length} CPUs` }];
  }
  const out: Divergence[] = [];
  emu.forEach((v, cpu) => {
    if (hex(v) !== hex(ker[cpu]!)) {
      out.push({ input: 'final', field: `${field} cpu${cpu}`, emulator: describeValue(map, v), kernel: describeValue(map, ker[cpu]!) });
    }
  });
  return out;
}

function describe(map: MapSnapshot, value: Value): string {
  if (value === null) return '(occupied slot)';
  if (value instanceof Uint8Array) return describeValue(map, value);
  return value.map((v, cpu) => `cpu${cpu}: ${describeValue(map, v)}`).join(', ');
}
