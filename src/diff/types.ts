// The shapes the program differ works with: what goes in, what each side observed, and
// how the two disagree.

import type { KernelTestRun } from '../../harness/testrun.js';
import type { Layout, MapKind, MapsJson } from '../maps/index.js';
import type { LoadedObject } from '../vm/index.js';
import type { CtxLayout } from './ctx-fields.js';

/** One test run's input: the packet and, optionally, a context (struct __sk_buff). */
export interface DiffInput {
  data: Uint8Array;
  ctx?: Uint8Array;
}

/** Bytes placed in a global-data section before load, at an offset or at a variable. */
export interface GlobalPatch {
  /** ".rodata", ".data", ".bss", ... */
  section: string;
  /** The variable's name in the section (its offset comes from BTF); or give `offset`. */
  variable?: string;
  offset?: number;
  bytes: Uint8Array;
}

/** One way the emulator and the kernel disagree. */
export interface Divergence {
  /** The input's index, or 'final' for the map contents after the last input. */
  input: number | 'final';
  /** What differs: 'retval', 'data_out[22]', 'ctx_out.mark', 'events[1]', 'map counters[key=3]'. */
  field: string;
  emulator: string;
  kernel: string;
}

/** A difference the comparison deliberately ignores, and why. */
export interface Normalisation {
  name: string;
  reason: string;
}

export interface EventRecord {
  map: string;
  kind: 'perf' | 'ringbuf';
  data: Uint8Array;
}

/** What one side observed for one input. */
export interface RunRecord {
  /** The test run was refused (e.g. EINVAL for a too short packet); the other fields are empty then. */
  refused?: { errno: number; message: string };
  retval: number;
  dataOut: Uint8Array;
  ctxOut?: Uint8Array;
  events: EventRecord[];
  /** The VM's fault, formatted; always null for the kernel. */
  fault: string | null;
}

/**
 * One map's entries as one side holds them. `value` is one buffer, one per CPU for per-CPU
 * maps, or null where the sides cannot show comparable values (prog arrays and map-in-map
 * hold kernel ids on one side and handles on the other: only the occupied slots compare).
 */
export interface MapSnapshot {
  name: string;
  kind: MapKind;
  keySize: number;
  valueSize: number;
  keyLayout?: Layout;
  valueLayout?: Layout;
  entries: { key: Uint8Array; value: Uint8Array | Uint8Array[] | null }[];
  /** The side's CLOCK_MONOTONIC (bpf_ktime_get_ns) when the snapshot was taken. */
  clockNs?: bigint;
}

export interface SideRecord {
  runs: RunRecord[];
  /** After the last input; event maps (perf, ringbuf) are not included. */
  maps: MapSnapshot[];
}

/**
 * A named hook for maps whose contents the kernel makes nondeterministic (e.g. timestamps
 * in values): applied to both sides' snapshot of a matching map before they are compared.
 */
export interface MapNormaliser {
  name: string;
  reason: string;
  applies(map: MapSnapshot): boolean;
  normalise(map: MapSnapshot): MapSnapshot;
}

export interface CompareOptions {
  mapNormalisers?: readonly MapNormaliser[];
  /** Event maps in object order: the kernel side reports events grouped by map in this order. */
  eventMapOrder?: readonly string[];
  /** The context struct, to name ctx_out fields; struct __sk_buff by default. */
  ctxLayout?: CtxLayout;
}

export interface Comparison {
  divergences: Divergence[];
  normalisations: Normalisation[];
}

export interface ProgramDiffOptions {
  objPath: string;
  /** Program name (or section). */
  prog: string;
  inputs: DiffInput[];
  /** Initial contents of the maps it names, loaded into both sides (the map JSON format). */
  maps?: MapsJson;
  globals?: GlobalPatch[];
  repeat?: number;
  mapNormalisers?: readonly MapNormaliser[];
  /**
   * Runs after the initial state is loaded, before the first input: extra set-up on one side
   * (tests use it to plant a difference on purpose).
   */
  prepare?: {
    emulator?: (obj: LoadedObject) => void;
    kernel?: (kt: KernelTestRun) => Promise<void>;
  };
}

export interface ProgramDiffReport extends Comparison {
  objPath: string;
  prog: string;
  inputs: number;
  /** Possible CPUs of the kernel, which the VM used too. */
  nCpus: number;
  /** False when the kernel helper could not pin itself to CPU 0: per-CPU results may then differ. */
  pinnedToCpu0: boolean;
  emulator: SideRecord;
  kernel: SideRecord;
}
