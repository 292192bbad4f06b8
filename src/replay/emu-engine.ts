// The emulator's side of a replay: one program of a loaded object, run packet by packet in
// the VM with the map state carried over, its clock set to each packet's virtual time — or,
// next to the kernel, to the kernel's CLOCK_MONOTONIC, which no one can pace.

import type { LoadedObject, LoadedProgram } from '../vm/index.js';
import { recordTestRun } from '../diff/emulator-side.js';
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
    const { record, result } = recordTestRun(this.obj, this.prog, { dataIn: frame, ...(this.ctx ? { ctxIn: this.ctx } : {}) });
    const redirect = result?.redirect;
    return { ...record, redirect: redirect ? { helper: redirect.helper, ifindex: redirect.ifindex } : null };
  }
}
