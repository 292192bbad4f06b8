// Runs an example's inputs in the VM alone, for assertions that need no kernel.
import { loadObjectSpec } from '../../src/elf/index.js';
import { exportMaps, importMaps, type MapsJson } from '../../src/maps/index.js';
import { LoadedObject, testRun, type TestRunResult } from '../../src/vm/index.js';
import type { DiffInput } from '../../src/diff/index.js';
import { exampleObject } from './objects.js';

export interface VmRun {
  obj: LoadedObject;
  results: TestRunResult[];
  /** The maps after the last input, in the map JSON format. */
  maps: () => MapsJson;
}

export async function runInVm(
  example: string,
  inputs: DiffInput[],
  opts: { prog?: string; maps?: MapsJson; globals?: { section: string; offset: number; bytes: Uint8Array }[]; nCpus?: number; repeat?: number } = {},
): Promise<VmRun> {
  const obj = LoadedObject.load(await loadObjectSpec(exampleObject(example)), { nCpus: opts.nCpus ?? 2, ...(opts.globals ? { globals: opts.globals } : {}) });
  if (opts.maps) importMaps([...obj.maps.values()], opts.maps, (name) => obj.programs.get(name));
  const prog = obj.program(opts.prog ?? example);
  const results = inputs.map((i) => testRun(obj, prog, { dataIn: i.data, ...(i.ctx ? { ctxIn: i.ctx } : {}), ...(opts.repeat ? { repeat: opts.repeat } : {}) }));
  for (const r of results) if (r.fault) throw new Error(`${example}: unexpected fault: ${r.fault.message}`);
  return { obj, results, maps: () => exportMaps([...obj.maps.values()]) };
}
