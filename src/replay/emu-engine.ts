// The emulator's side of a replay: one program of a loaded object, run packet by packet in
// the VM with the map state carried over, its clock set to each packet's virtual time — or,
// next to the kernel, to the kernel's CLOCK_MONOTONIC, which no one can pace.

import { formatFault, testRun, TestRunInputError, type LoadedObject, type LoadedProgram } from '../vm/index.js';
import type { PacketOutcome } from './outcome.js';

export class EmuEngine {
  /** The VM's clock at the first packet; a packet at virtual offset t runs at startNs + t. */
  readonly startNs: bigint;

  constructor(
    readonly obj: LoadedObject,
    readonly prog: LoadedProgram,
    private readonly ctx?: Uint8Array,
    /** 'virtual': start + the packet's offset; 'host': the host's CLOCK_MONOTONIC now. */
    readonly clock: 'virtual' | 'host' = 'virtual',
  ) {
    this.startNs = obj.env.clockNs;
  }

  run(frame: Uint8Array, offsetNs: number): PacketOutcome {
    this.obj.env.clockNs = this.clock === 'host' ? process.hrtime.bigint() : this.startNs + BigInt(offsetNs);
    try {
      const r = testRun(this.obj, this.prog, { dataIn: frame, ...(this.ctx ? { ctxIn: this.ctx } : {}) });
      return {
        retval: r.retval,
        dataOut: r.dataOut,
        ...(r.ctxOut ? { ctxOut: r.ctxOut } : {}),
        events: r.events.map((e) => ({ map: e.map, kind: e.kind, data: e.data })),
        fault: r.fault ? formatFault(r.fault) : null,
        redirect: r.redirect ? { helper: r.redirect.helper, ifindex: r.redirect.ifindex } : null,
      };
    } catch (e) {
      if (!(e instanceof TestRunInputError)) throw e;
      return { refused: { errno: e.errno, message: e.message }, retval: 0, dataOut: new Uint8Array(), events: [], fault: null, redirect: null };
    }
  }
}
