// The kernel's half of a program diff: the object loaded with BPF_PROG_TEST_RUN's helper
// (pinned to CPU 0), the emulator's initial map contents copied in, and map snapshots read
// back in the same shape as the emulator's.

import { KernelTestRun, TestRunError } from '../../harness/testrun.js';
import { BPF_ANY, packPercpu, readIndex, type AnyBpfMap } from '../maps/index.js';
import type { ResolvedGlobal } from './globals.js';
import { fullSizeCtx } from './kernel-env.js';
import { kernelSnapshot } from './map-snapshot.js';
import type { DiffInput, EventRecord, MapSnapshot, RunRecord } from './types.js';

const EVENT_TYPES = new Set(['perf_event_array', 'ringbuf']);

export class KernelSide {
  private constructor(readonly kt: KernelTestRun) {}

  static async open(objPath: string, globals: readonly ResolvedGlobal[]): Promise<KernelSide> {
    const kt = await KernelTestRun.open(objPath, { rodata: [...globals] });
    try {
      await kt.load();
    } catch (e) {
      await kt.close();
      throw e;
    }
    return new KernelSide(kt);
  }

  get nCpus(): number {
    return this.kt.possibleCpus;
  }

  /** Whether the helper runs on CPU 0 only, as the emulator does; per-CPU results depend on it. */
  get pinnedToCpu0(): boolean {
    return this.kt.pinnedToCpu0;
  }

  /** Perf/ringbuf maps in the order the helper drains them (libbpf's object order). */
  async eventMapOrder(): Promise<string[]> {
    return (await this.kt.info()).maps.filter((m) => EVENT_TYPES.has(m.type)).map((m) => m.name);
  }

  /** Makes the kernel's copy of each map hold exactly what the emulator's holds. */
  async copyMapsFrom(maps: readonly AnyBpfMap[]): Promise<void> {
    for (const map of maps) {
      if (map.userReadonly) continue; // frozen (.rodata): the import checked it is unchanged
      await this.kt.clear(map.name);
      await this.copyEntries(map);
    }
  }

  /** In the emulator's iteration order: for LRU maps least recently used first, so the kernel's LRU order starts out alike. */
  private async copyEntries(map: AnyBpfMap): Promise<void> {
    switch (map.kind) {
      case 'hash':
      case 'array':
      case 'lpm-trie':
        for (const [key, value] of map.entries()) await this.kt.update(map.name, key, value, BPF_ANY);
        return;
      case 'percpu-hash':
      case 'percpu-array':
        for (const [key, values] of map.entries()) await this.kt.update(map.name, key, packPercpu(values, map.valueSize), BPF_ANY);
        return;
      case 'prog-array':
        for (const key of map.keys()) await this.kt.setProg(map.name, readIndex(key), map.programName(readIndex(key))!);
        return;
      case 'array-of-maps':
      case 'hash-of-maps':
        throw new Error(`map ${map.name}: copying map-in-map contents to the kernel is not supported`);
      case 'perf-event-array':
      case 'ringbuf':
        return;
    }
  }

  async run(prog: string, input: DiffInput, opts: { repeat: number; ctxSize: number; kindOf: (map: string) => EventRecord['kind'] }): Promise<RunRecord> {
    const { repeat, ctxSize, kindOf } = opts;
    try {
      const r = await this.kt.run(prog, input.data, { repeat, ...(input.ctx ? { ctx: fullSizeCtx(input.ctx, ctxSize) } : {}) });
      return {
        retval: r.retval,
        dataOut: r.dataOut,
        ...(r.ctxOut ? { ctxOut: r.ctxOut } : {}),
        events: r.events.map((e) => ({ map: e.map, kind: kindOf(e.map), data: e.data })),
        fault: null,
      };
    } catch (e) {
      if (!(e instanceof TestRunError) || e.command !== 'run') throw e;
      return { refused: { errno: e.errno, message: e.detail }, retval: 0, dataOut: new Uint8Array(), events: [], fault: null };
    }
  }

  /** The kernel's contents of the same maps the emulator snapshots. */
  async snapshot(maps: readonly AnyBpfMap[]): Promise<MapSnapshot[]> {
    const out: MapSnapshot[] = [];
    for (const map of maps) {
      const dump = await this.kt.dump(map.name);
      out.push({ ...kernelSnapshot(map, dump), clockNs: process.hrtime.bigint() }); // Node's hrtime is CLOCK_MONOTONIC too
    }
    return out;
  }

  async close(): Promise<void> {
    await this.kt.close();
  }
}
