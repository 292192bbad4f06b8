// BPF_MAP_TYPE_PERF_EVENT_ARRAY: bpf_perf_event_output() records land in a captured list
// instead of per-CPU perf ring buffers; the caller reads and drains it.

import { BpfMap, type MapDef, type MapOptions } from './bpf-map.js';
import { nextArrayKey } from './array-map.js';
import { BPF_F_CURRENT_CPU, E2BIG, EINVAL } from './constants.js';

export interface PerfEvent {
  cpu: number;
  data: Uint8Array;
  /** Order of output across the whole map, from 0. */
  seq: number;
}

export class PerfEventArrayMap extends BpfMap<never, never> {
  readonly kind = 'perf-event-array';
  #events: PerfEvent[] = [];
  #seq = 0;

  constructor(def: MapDef, opts?: MapOptions) {
    super(def, opts);
  }

  /**
   * Records a copy of `data` for the perf event at `index` (BPF_F_CURRENT_CPU: this.cpu).
   * -E2BIG past max_entries. Every index has a reader here; the kernel would also fail
   * with -EOPNOTSUPP when the event at `index` belongs to another CPU (the helper layer's call).
   */
  output(index: number, data: Uint8Array): number {
    return this.outputOwned(index, data.slice());
  }

  /** output() of bytes nobody else will change (the helper's fresh payload): no copy. */
  outputOwned(index: number, data: Uint8Array): number {
    const cpu = index === BPF_F_CURRENT_CPU ? this.cpu : index;
    if (cpu >= this.maxEntries) return -E2BIG;
    this.#events.push({ cpu, data, seq: this.#seq++ });
    return 0;
  }

  /** Events not yet drained, oldest first. */
  get events(): readonly PerfEvent[] {
    return this.#events;
  }

  /** Returns and forgets the captured events. */
  drain(): PerfEvent[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }

  override nextKey(key: Uint8Array | undefined): Uint8Array | undefined {
    return nextArrayKey(key, this.maxEntries);
  }

  get count(): number {
    return 0;
  }

  *entries(): IterableIterator<[Uint8Array, never]> {}

  protected readForUser(): undefined {
    return undefined;
  }

  /** Userspace would install perf event fds; there is nothing to install here. */
  protected writeFromUser(): number {
    return -EINVAL;
  }

  protected clearAll(): void {}
}
