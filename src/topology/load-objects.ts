// The datapath objects of a node as both backends load them: the ELF object from
// bpf/build, .rodata set from the plan's node configuration (offsets from BTF), the
// control plane's map contents imported.

import { join } from 'node:path';
import { loadObjectSpec, type ObjectSpec } from '../elf/index.js';
import { encodeValue, importMaps, type JsonValue } from '../maps/index.js';
import { LoadedObject } from '../vm/loaded-object.js';
import type { ObjectPlan } from '../agent/plan-types.js';

export type GlobalPatch = { section: string; offset: number; bytes: Uint8Array };

/** .rodata variables by name → byte patches at their BTF offsets. */
export function rodataPatches(spec: ObjectSpec, values: Record<string, JsonValue>): GlobalPatch[] {
  const rodata = spec.maps.find((m) => m.source === 'data' && m.name === '.rodata');
  const names = Object.keys(values);
  if (names.length === 0) return [];
  if (!rodata?.dataLayout) throw new Error(`${spec.path}: no .rodata with BTF variables to set ${names.join(', ')}`);
  return names.map((name) => {
    const v = rodata.dataLayout!.find((d) => d.name === name);
    if (!v) throw new Error(`${spec.path}: .rodata has no variable ${name}`);
    return { section: '.rodata', offset: v.offset, bytes: encodeValue(v.layout, values[name]!) };
  });
}

export class SpecCache {
  private readonly specs = new Map<string, Promise<ObjectSpec>>();

  constructor(private readonly objectDir: string, provided: Record<string, ObjectSpec> = {}) {
    for (const [file, spec] of Object.entries(provided)) this.specs.set(file, Promise.resolve(spec));
  }

  get(file: string): Promise<ObjectSpec> {
    let s = this.specs.get(file);
    if (!s) this.specs.set(file, (s = loadObjectSpec(join(this.objectDir, file))));
    return s;
  }
}

export interface LoadKnobs {
  seed: number;
  budget?: number;
}

export function loadObject(spec: ObjectSpec, plan: ObjectPlan, knobs: LoadKnobs): LoadedObject {
  const obj = LoadedObject.load(spec, {
    globals: rodataPatches(spec, plan.rodata),
    seed: knobs.seed,
    nCpus: 1,
    ...(knobs.budget !== undefined ? { budget: knobs.budget } : {}),
  });
  importMaps([...obj.maps.values()], plan.maps);
  return obj;
}
