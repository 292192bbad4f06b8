// The emulator's half of a program diff: the object loaded into the VM with the kernel's
// CPU count, runs on CPU 0 (where the kernel helper is pinned), and map snapshots.

import type { ObjectSpec } from '../elf/index.js';
import { importMaps, type AnyBpfMap, type MapsJson } from '../maps/index.js';
import { formatFault, LoadedObject, testRun, TestRunInputError, type LoadedProgram, type TestRunInput, type TestRunResult } from '../vm/index.js';
import type { ResolvedGlobal } from './globals.js';
import { emulatorSnapshot } from './map-snapshot.js';
import type { DiffInput, MapSnapshot, RunRecord } from './types.js';

const EVENT_KINDS = new Set(['perf-event-array', 'ringbuf']);

export class EmulatorSide {
  private constructor(readonly obj: LoadedObject) {}

  static load(spec: ObjectSpec, opts: { nCpus: number; globals: readonly ResolvedGlobal[] }): EmulatorSide {
    const obj = LoadedObject.load(spec, { nCpus: opts.nCpus, globals: [...opts.globals] });
    obj.env.cpu = 0;
    return new EmulatorSide(obj);
  }

  /** The program's own name, given its name or section. */
  programName(nameOrSection: string): string {
    return this.obj.program(nameOrSection).name;
  }

  importMaps(json: MapsJson): void {
    importMaps([...this.obj.maps.values()], json, (name) => this.obj.programs.get(name));
  }

  run(prog: string, input: DiffInput, repeat: number): RunRecord {
    return recordTestRun(this.obj, this.obj.program(prog), { dataIn: input.data, repeat, ...(input.ctx ? { ctxIn: input.ctx } : {}) }).record;
  }

  /** Every stateful map (not perf/ringbuf), in object order. */
  stateMaps(): AnyBpfMap[] {
    return [...this.obj.maps.values()].filter((m) => !EVENT_KINDS.has(m.kind));
  }

  snapshot(): MapSnapshot[] {
    return this.stateMaps().map((m) => ({ ...emulatorSnapshot(m), clockNs: this.obj.env.clockNs }));
  }
}

/**
 * A VM test run as the program diff and the replay record it (the fault formatted, events as
 * map/kind/bytes); an input the kernel would refuse becomes `refused`, with no result.
 */
export function recordTestRun(obj: LoadedObject, prog: LoadedProgram, input: TestRunInput): { record: RunRecord; result: TestRunResult | null } {
  try {
    const r = testRun(obj, prog, input);
    return {
      record: {
        retval: r.retval,
        dataOut: r.dataOut,
        ...(r.ctxOut ? { ctxOut: r.ctxOut } : {}),
        events: r.events.map((e) => ({ map: e.map, kind: e.kind, data: e.data })),
        fault: r.fault ? formatFault(r.fault) : null,
      },
      result: r,
    };
  } catch (e) {
    if (!(e instanceof TestRunInputError)) throw e;
    return { record: { refused: { errno: e.errno, message: e.message }, retval: 0, dataOut: new Uint8Array(), events: [], fault: null }, result: null };
  }
}
