// `dpsim prog diff`'s core: run the same inputs through one program in the VM and in the
// kernel, from the same initial maps, and report every way the two disagree.

import { loadObjectSpec } from '../elf/index.js';
import { compareSides } from './compare.js';
import { EmulatorSide } from './emulator-side.js';
import { resolveGlobals } from './globals.js';
import { SKB_CTX, XDP_CTX } from './ctx-fields.js';
import { netnsDevices } from './kernel-env.js';
import { CTX_ZERO_EXTENDED } from './normalisations.js';
import { KernelSide } from './kernel-side.js';
import { CLOCK_LIFETIMES } from './clock-fields.js';
import type { EventRecord, ProgramDiffOptions, ProgramDiffReport, RunRecord } from './types.js';

export async function diffProgram(opts: ProgramDiffOptions): Promise<ProgramDiffReport> {
  const spec = await loadObjectSpec(opts.objPath);
  const globals = resolveGlobals(spec, opts.globals ?? []);
  const repeat = opts.repeat ?? 1;
  const kernel = await KernelSide.open(opts.objPath, globals);
  try {
    const emulator = EmulatorSide.load(spec, { nCpus: kernel.nCpus, globals });
    emulator.obj.env.devices = netnsDevices();
    // Start the virtual clock where the kernel's monotonic clock is, so absolute times in the
    // initial maps (conntrack lifetimes) mean the same on both sides.
    emulator.obj.env.clockNs = process.hrtime.bigint();
    const prog = emulator.programName(opts.prog);
    if (opts.maps !== undefined) {
      emulator.importMaps(opts.maps);
      await kernel.copyMapsFrom(Object.keys(opts.maps).map((name) => emulator.obj.map(name)));
    }
    opts.prepare?.emulator?.(emulator.obj);
    await opts.prepare?.kernel?.(kernel.kt);

    const kindOf = (map: string): EventRecord['kind'] => (emulator.obj.map(map).kind === 'ringbuf' ? 'ringbuf' : 'perf');
    const ctxLayout = emulator.obj.program(prog).type === 'xdp' ? XDP_CTX : SKB_CTX;
    const emulatorRuns: RunRecord[] = [];
    const kernelRuns: RunRecord[] = [];
    for (const input of opts.inputs) {
      emulatorRuns.push(emulator.run(prog, input, repeat));
      kernelRuns.push(await kernel.run(prog, input, { repeat, ctxSize: ctxLayout.size, kindOf }));
    }
    const emulatorSide = { runs: emulatorRuns, maps: emulator.snapshot() };
    const kernelSide = { runs: kernelRuns, maps: await kernel.snapshot(emulator.stateMaps()) };
    const comparison = compareSides(emulatorSide, kernelSide, {
      eventMapOrder: await kernel.eventMapOrder(),
      ctxLayout,
      mapNormalisers: [CLOCK_LIFETIMES, ...(opts.mapNormalisers ?? [])],
    });
    if (opts.inputs.some((i) => i.ctx !== undefined && i.ctx.length < ctxLayout.size)) comparison.normalisations.push(CTX_ZERO_EXTENDED);
    return {
      objPath: opts.objPath, prog, inputs: opts.inputs.length, nCpus: kernel.nCpus, pinnedToCpu0: kernel.pinnedToCpu0,
      ...comparison, emulator: emulatorSide, kernel: kernelSide,
    };
  } finally {
    await kernel.close();
  }
}
