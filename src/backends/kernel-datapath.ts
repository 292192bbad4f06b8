// The datapath on each node: one instance of each plan object (bpf_lxc.o, bpf_overlay.o,
// bpf_host.o) loaded by the node's dpsim-loader with the plan's .rodata, maps filled from the
// plan's map JSON, cilium_events read, programs attached with tcx links per `attachments`.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodePlan, ObjectPlan } from '../agent/plan-types.js';
import { loadObjectSpec, type MapSpec, type ObjectSpec } from '../elf/index.js';
import { createMap, encodeValue, importMaps, packPercpu, type AnyBpfMap, type MapsJson } from '../maps/index.js';
import { toMapDef } from '../vm/index.js';
import { run } from '../../harness/netns/exec.js';
import type { FillSection, NodeLoader, RodataPatch } from '../../harness/netns/index.js';
import { REPO_ROOT } from '../repo-root.js';

const REPO = REPO_ROOT;
export const OBJECT_DIR = join(REPO, 'bpf/build');

export const objectPath = (file: string): string => join(OBJECT_DIR, file);

/** The loader instance of an object: its file name without ".o" (a pin folder name). */
export const instanceOf = (file: string): string => file.replace(/\.o$/, '').replace(/[^A-Za-z0-9_-]/g, '_');

export const EVENTS_MAP = 'cilium_events';

/** Builds bpf/build with `make -C bpf` when an object the plan names is missing. */
export async function ensureObjects(files: string[]): Promise<void> {
  if (files.every((f) => existsSync(objectPath(f)))) return;
  await run(['make', '-s', '-C', join(REPO, 'bpf')], { timeoutMs: 300_000 });
  const missing = files.filter((f) => !existsSync(objectPath(f)));
  if (missing.length) throw new Error(`make -C bpf did not build ${missing.join(', ')}`);
}

export async function loadSpecs(files: string[]): Promise<Map<string, ObjectSpec>> {
  const unique = [...new Set(files)];
  return new Map(await Promise.all(unique.map(async (f) => [f, await loadObjectSpec(objectPath(f))] as const)));
}

/** Each .rodata variable encoded at its BTF offset (the VM takes the same patches as globals). */
export function rodataPatches(spec: ObjectSpec, values: ObjectPlan['rodata']): RodataPatch[] {
  const rodata = spec.maps.find((m) => m.source === 'data' && m.name === '.rodata');
  if (!rodata?.dataLayout) throw new Error(`${spec.path}: no .rodata with BTF variables`);
  return Object.entries(values).map(([name, value]) => {
    const v = rodata.dataLayout!.find((d) => d.name === name);
    if (!v) throw new Error(`${spec.path}: .rodata has no variable ${name}`);
    return { section: '.rodata', offset: v.offset, bytes: encodeValue(v.layout, value) };
  });
}

function mapSpec(spec: ObjectSpec, name: string): MapSpec {
  const m = spec.maps.find((x) => x.name === name);
  if (!m) throw new Error(`${spec.path}: no map ${name}`);
  return m;
}

/**
 * Map JSON → the loader's fill sections, encoded by the same codec the VM imports with
 * (scratch maps). Per-CPU values go in the kernel's layout for NCPUS possible CPUs; prog
 * arrays by program name.
 */
export function fillSections(spec: ObjectSpec, maps: MapsJson, nCpus: number): FillSection[] {
  const sections: FillSection[] = [];
  const scratch: Record<string, AnyBpfMap> = {};
  const plain: MapsJson = {};
  for (const [name, entries] of Object.entries(maps)) {
    const m = mapSpec(spec, name);
    if (m.typeName === 'prog_array') {
      sections.push({ map: name, progs: entries.map((e) => ({ index: Number(e.key), prog: String(e.value) })) });
    } else {
      scratch[name] = createMap(toMapDef(m), { nCpus });
      plain[name] = entries;
    }
  }
  importMaps(scratch, plain);
  for (const [name, m] of Object.entries(scratch)) {
    const valueSize = mapSpec(spec, name).valueSize;
    const entries = [...m.entries()].map(([key, value]) => {
      if (value instanceof Uint8Array) return { key, value };
      if (Array.isArray(value) && value.every((v) => v instanceof Uint8Array)) return { key, value: packPercpu(value, valueSize) };
      throw new Error(`map ${name}: entries of this kind cannot be written from JSON`);
    });
    sections.push({ map: name, entries });
  }
  return sections;
}

/** Loads, fills and attaches one node's objects; starts reading their events. */
export async function loadNode(loader: NodeLoader, node: NodePlan, specs: Map<string, ObjectSpec>): Promise<void> {
  for (const obj of node.objects) {
    const spec = specs.get(obj.file)!;
    const inst = instanceOf(obj.file);
    await loader.open(inst, objectPath(obj.file), { rodata: rodataPatches(spec, obj.rodata) });
    try {
      await loader.load(inst);
    } catch (err) {
      throw new Error(`${node.name}: loading ${obj.file}: ${(err as Error).message}`);
    }
    await loader.fill(inst, fillSections(spec, obj.maps, loader.possibleCpus));
    if (spec.maps.some((m) => m.name === EVENTS_MAP)) await loader.readEvents(inst, EVENTS_MAP);
  }
  for (const a of node.attachments) {
    if (!node.objects.some((o) => o.file === a.object)) throw new Error(`${node.name}: attachment of ${a.program} names ${a.object}, which the node does not load`);
    await loader.attach(instanceOf(a.object), a.program, a.device, a.direction);
  }
}
