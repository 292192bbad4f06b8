// The kernel's side of a replay: BPF_PROG_TEST_RUN per packet through the test-run helper,
// requests pipelined (the helper answers in order), so a batch costs one round trip's wait.

import type { KernelSide } from '../diff/kernel-side.js';
import type { EventRecord } from '../diff/index.js';
import type { PacketOutcome } from './outcome.js';

export class KernelEngine {
  constructor(
    readonly side: KernelSide,
    private readonly prog: string,
    private readonly ctxSize: number,
    private readonly kindOf: (map: string) => EventRecord['kind'],
    private readonly ctx?: Uint8Array,
  ) {}

  /** Starts the run at once; the answer comes in order with the others. */
  submit(frame: Uint8Array): Promise<PacketOutcome> {
    // The frame may be a view into the capture reader's chunk: the request is encoded now.
    return this.side
      .run(this.prog, { data: frame, ...(this.ctx ? { ctx: this.ctx } : {}) }, { repeat: 1, ctxSize: this.ctxSize, kindOf: this.kindOf })
      .then((r) => ({ ...r, redirect: null }));
  }
}
