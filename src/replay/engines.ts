// Opening a replay's backends: the VM alone (emu), the kernel alone, or both side by side.
// The kernel's maps start as copies of what the map JSON put into the VM's, as in
// `dpsim prog diff`; with both, the VM's clock is the kernel's CLOCK_MONOTONIC at each packet
// (the kernel cannot be paced in virtual time, and conntrack lifetimes must mean the same).

import { ElfError, type ObjectSpec } from '../elf/index.js';
import { importMaps, MapError, type MapsJson } from '../maps/index.js';
import { LoadedObject, LoadError } from '../vm/index.js';
import { SKB_CTX, XDP_CTX } from '../diff/index.js';
import type { ResolvedGlobal } from '../diff/globals.js';
import { ReplayError } from './errors.js';
import { EmuEngine } from './emu-engine.js';
import { KernelEngine } from './kernel-engine.js';

export type BackendChoice = 'emu' | 'kernel' | 'both';

export interface EngineOptions {
  objPath: string;
  spec: ObjectSpec;
  prog: string;
  backend: BackendChoice;
  globals?: ResolvedGlobal[];
  maps?: MapsJson;
  /** struct __sk_buff / xdp_md for every packet. */
  ctx?: Uint8Array;
}

export interface Engines {
  /** The program's own name (given its name or section). */
  prog: string;
  xdp: boolean;
  /** Present for emu and both (with both it only runs; the kernel's results are compared to it). */
  emu?: EmuEngine;
  kernel?: KernelEngine;
  /** The loaded VM object (also with --backend kernel: it holds the maps the kernel was given). */
  obj: LoadedObject;
  eventMapOrder: string[];
  close(): Promise<void>;
}

function loadVm(spec: ObjectSpec, globals: ResolvedGlobal[], nCpus: number): LoadedObject {
  try {
    return LoadedObject.load(spec, { nCpus, globals });
  } catch (e) {
    if (e instanceof LoadError) throw new ReplayError('bad-input', e.message);
    throw e;
  }
}

function fill(obj: LoadedObject, maps: MapsJson | undefined): void {
  if (maps === undefined) return;
  try {
    importMaps([...obj.maps.values()], maps, (name) => obj.programs.get(name));
  } catch (e) {
    if (e instanceof MapError || e instanceof TypeError) throw new ReplayError('bad-input', `map state: ${e.message}`);
    throw e;
  }
}

function programName(obj: LoadedObject, prog: string): string {
  try {
    return obj.program(prog).name;
  } catch (e) {
    if (e instanceof ElfError) throw new ReplayError('bad-input', e.message);
    throw e;
  }
}

export async function openEngines(o: EngineOptions): Promise<Engines> {
  const globals = o.globals ?? [];
  if (o.backend === 'emu') {
    const obj = loadVm(o.spec, globals, 1);
    const prog = programName(obj, o.prog);
    fill(obj, o.maps);
    const p = obj.program(prog);
    return { prog, xdp: p.type === 'xdp', emu: new EmuEngine(obj, p, o.ctx), obj, eventMapOrder: [], close: async () => {} };
  }
  const { kernelAvailability } = await import('../../harness/testrun.js');
  const avail = await kernelAvailability();
  if (!avail.ok) throw new ReplayError('environment', `the kernel backend cannot run: ${avail.reason}`);
  // Check what can be checked in the VM first, so bad input is not reported as a kernel problem.
  programName(loadVm(o.spec, globals, 1), o.prog);
  const { KernelSide } = await import('../diff/kernel-side.js');
  const { netnsDevices } = await import('../diff/kernel-env.js');
  let side;
  try {
    side = await KernelSide.open(o.objPath, globals);
  } catch (e) {
    throw new ReplayError('environment', `the kernel cannot load ${o.objPath}: ${(e as Error).message}`);
  }
  try {
    const obj = loadVm(o.spec, globals, side.nCpus);
    obj.env.cpu = 0; // where the kernel helper is pinned
    obj.env.devices = netnsDevices();
    obj.env.clockNs = process.hrtime.bigint();
    const prog = programName(obj, o.prog);
    fill(obj, o.maps);
    if (o.maps !== undefined) await side.copyMapsFrom(Object.keys(o.maps).map((name) => obj.map(name)));
    const p = obj.program(prog);
    const xdp = p.type === 'xdp';
    const kindOf = (map: string) => (obj.map(map).kind === 'ringbuf' ? 'ringbuf' as const : 'perf' as const);
    const kernel = new KernelEngine(side, prog, (xdp ? XDP_CTX : SKB_CTX).size, kindOf, o.ctx);
    return {
      prog, xdp, obj, kernel,
      ...(o.backend === 'both' ? { emu: new EmuEngine(obj, p, o.ctx, 'host') } : {}),
      eventMapOrder: await side.eventMapOrder(),
      close: () => side.close(),
    };
  } catch (e) {
    await side.close();
    throw e;
  }
}
