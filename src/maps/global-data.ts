// Global variables: libbpf turns .data, .rodata, .bss (and .data.*/.rodata.* sections) into
// one-entry ARRAY maps. .rodata is BPF_F_RDONLY_PROG and frozen once its initial contents
// are written, so neither programs nor userspace change it afterwards.

import type { ArrayMap } from './array-map.js';
import type { MapOptions } from './bpf-map.js';
import { BPF_F_MMAPABLE, BPF_F_RDONLY_PROG, MapType } from './constants.js';
import { createMap } from './create-map.js';
import type { Layout } from './layout.js';

export interface GlobalDataOptions extends MapOptions {
  /** Default: the name starts with ".rodata" or ".kconfig". */
  readonly?: boolean;
  /** Freeze after writing `initial`. Default: `readonly` (libbpf freezes read-only sections at load). */
  freeze?: boolean;
  /** The DATASEC as a struct of its variables. */
  valueLayout?: Layout;
}

export function createGlobalDataMap(name: string, initial: Uint8Array, opts: GlobalDataOptions = {}): ArrayMap {
  const readonly = opts.readonly ?? /^\.(rodata|kconfig)/.test(name);
  const map = createMap(
    {
      name,
      type: MapType.ARRAY,
      keySize: 4,
      valueSize: initial.length,
      maxEntries: 1,
      flags: BPF_F_MMAPABLE | (readonly ? BPF_F_RDONLY_PROG : 0),
      ...(opts.valueLayout ? { valueLayout: opts.valueLayout } : {}),
    },
    opts,
  ) as ArrayMap;
  map.valueAt(0).set(initial);
  if (opts.freeze ?? readonly) map.freeze();
  return map;
}
