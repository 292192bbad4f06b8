// The datapath objects every node loads, which program runs at which hook, and what each
// object can take: its maps and .rodata variables, read from its ELF (BTF) in the build
// directory, so an object gets exactly the maps it has.

import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseObjectSpec, type ObjectSpec } from '../elf/index.js';
import type { JsonValue, MapsJson } from '../maps/index.js';
import { AgentError } from './errors.js';
import { mapsOf } from './map-bytes.js';
import { rodataVariables } from './node-config.js';
import type { AttachmentPlan, ObjectPlan } from './plan-types.js';
import { repoPath } from '../repo-root.js';

/** The repository's bpf/build (where `make -C bpf` puts the objects, as the kernel backend reads them). */
export const DEFAULT_DATAPATH_DIR = repoPath('bpf', 'build');

/** Object → [device kind, program, direction]; `lxc` means every pod's lxc on the node. */
export const DATAPATH_PROGRAMS = {
  'bpf_lxc.o': [['lxc', 'cil_from_container', 'ingress'], ['lxc', 'cil_to_container', 'egress']],
  'bpf_overlay.o': [['vxlan0', 'cil_from_overlay', 'ingress'], ['vxlan0', 'cil_to_overlay', 'egress']],
  'bpf_host.o': [['eth0', 'cil_from_netdev', 'ingress'], ['eth0', 'cil_to_netdev', 'egress']],
} as const satisfies Record<string, readonly (readonly ['lxc' | 'vxlan0' | 'eth0', string, 'ingress' | 'egress'])[]>;
export type DatapathObjectFile = keyof typeof DATAPATH_PROGRAMS;
export const DATAPATH_OBJECTS = Object.keys(DATAPATH_PROGRAMS) as DatapathObjectFile[];

const cache = new Map<string, { stamp: string; spec: ObjectSpec }>();

function readSpec(path: string): ObjectSpec {
  let stamp: string;
  try {
    const st = statSync(path);
    stamp = `${st.mtimeMs}/${st.size}`;
  } catch {
    throw new Error(`cannot read ${path}: build the datapath first (make -C bpf)`);
  }
  const hit = cache.get(path);
  if (hit?.stamp === stamp) return hit.spec;
  const spec = parseObjectSpec(readFileSync(path), path);
  for (const [, program] of DATAPATH_PROGRAMS[path.split('/').pop() as DatapathObjectFile] ?? []) {
    if (!spec.programs.some((p) => p.name === program)) throw new Error(`${path}: no program ${program}`);
  }
  cache.set(path, { stamp, spec });
  return spec;
}

/** The ELF specs of the datapath objects in `dir` (parsed once per file version). */
export function datapathSpecs(dir = DEFAULT_DATAPATH_DIR): Map<DatapathObjectFile, ObjectSpec> {
  const abs = resolve(dir);
  return new Map(DATAPATH_OBJECTS.map((file) => [file, readSpec(join(abs, file))]));
}

/** Each object with the configuration and map contents it can take; entries beyond a map's capacity are refused. */
export function objectPlans(node: string, specs: Map<DatapathObjectFile, ObjectSpec>, config: Record<string, JsonValue>, maps: MapsJson): ObjectPlan[] {
  return DATAPATH_OBJECTS.map((file) => {
    const spec = specs.get(file)!;
    const vars = new Set(rodataVariables(spec));
    const own = mapsOf(spec, maps);
    for (const [name, entries] of Object.entries(own)) {
      const max = spec.maps.find((m) => m.name === name)!.maxEntries;
      if (entries.length > max) throw new AgentError([], `node ${node}: ${name} would need ${entries.length} entries, the map holds ${max}`);
    }
    return { file, rodata: Object.fromEntries(Object.entries(config).filter(([k]) => vars.has(k))), maps: own };
  });
}

/** Per object, per device (every pod's lxc for bpf_lxc.o), its programs' hooks. */
export function attachments(lxcDevices: string[]): AttachmentPlan[] {
  return DATAPATH_OBJECTS.flatMap((object) => {
    const programs = DATAPATH_PROGRAMS[object];
    const kind = programs[0][0];
    return (kind === 'lxc' ? lxcDevices : [kind]).flatMap((device) =>
      programs.map(([, program, direction]) => ({ object, program, device, direction })));
  });
}
