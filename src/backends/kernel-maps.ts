// Map dumps of a loaded object, in the map JSON format: the kernel's bytes are loaded into
// scratch maps of the object's own definitions and exported with the VM's codec, so both
// backends' dumps come out of the same code (exportMaps: perf event arrays left out).

import type { ObjectSpec } from '../elf/index.js';
import { createMap, exportMaps, unpackPercpu, type AnyBpfMap, type MapsJson, type ProgArrayMap } from '../maps/index.js';
import { toMapDef } from '../vm/index.js';
import type { NodeLoader } from '../../harness/netns/index.js';

const EVENT_TYPES = new Set(['perf_event_array', 'ringbuf']);
const PERCPU_TYPES = new Set(['percpu_hash', 'percpu_array', 'lru_percpu_hash']);
/** BPF_F_RDONLY, BPF_F_WRONLY, BPF_F_RDONLY_PROG, BPF_F_WRONLY_PROG. */
const READONLY_FLAGS = 0x8 | 0x10 | 0x80 | 0x100;

/** Every stateful map of one loaded instance; per-CPU values per possible CPU, prog arrays by program name. */
export async function dumpObjectMaps(loader: NodeLoader, instance: string, spec: ObjectSpec): Promise<MapsJson> {
  const scratch: AnyBpfMap[] = [];
  let progNames: Map<number, string> | undefined;
  for (const m of spec.maps) {
    if (EVENT_TYPES.has(m.typeName)) continue;
    const entries = await loader.dump(instance, m.name);
    // Sized to hold the dump; written from userspace, so without the read-only flags.
    const map = createMap({ ...toMapDef(m), maxEntries: Math.max(m.maxEntries, entries.length), flags: m.flags & ~READONLY_FLAGS }, { nCpus: loader.possibleCpus });
    if (m.typeName === 'prog_array') {
      progNames ??= new Map(Object.entries((await loader.info(instance)).progIds).map(([name, id]) => [id, name]));
      for (const e of entries) {
        const id = new DataView(e.value.buffer, e.value.byteOffset).getUint32(0, true);
        (map as ProgArrayMap).setProgram(new DataView(e.key.buffer, e.key.byteOffset).getUint32(0, true), id, progNames.get(id) ?? `prog#${id}`);
      }
    } else {
      const write = map as unknown as { userUpdate(k: Uint8Array, v: Uint8Array | Uint8Array[]): number };
      for (const e of entries) {
        const value = PERCPU_TYPES.has(m.typeName) ? unpackPercpu(e.value, m.valueSize, loader.possibleCpus) : e.value;
        const err = write.userUpdate(e.key, value);
        if (err < 0) throw new Error(`${spec.name} ${m.name}: cannot decode a dumped entry (errno ${-err})`);
      }
    }
    scratch.push(map);
  }
  return exportMaps(scratch);
}
