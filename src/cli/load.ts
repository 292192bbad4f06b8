// Loading an object for a command: parse errors and load errors become bad-input exits.
import { loadObjectSpec, ElfError, type ObjectSpec } from '../elf/index.js';
import { LoadedObject, LoadError, type LoadOptions } from '../vm/index.js';
import { importMaps, MapError } from '../maps/index.js';
import { CliError, EXIT } from './exit-codes.js';
import { readJson } from './io.js';

export async function loadSpec(path: string): Promise<ObjectSpec> {
  try {
    return await loadObjectSpec(path);
  } catch (e) {
    if (e instanceof ElfError) throw new CliError(EXIT.BAD_INPUT, e.message);
    throw e;
  }
}

export async function loadObject(path: string, opts: LoadOptions & { mapsFile?: string } = {}): Promise<LoadedObject> {
  const spec = await loadSpec(path);
  let obj: LoadedObject;
  try {
    obj = LoadedObject.load(spec, opts);
  } catch (e) {
    if (e instanceof LoadError) throw new CliError(EXIT.BAD_INPUT, e.message);
    throw e;
  }
  if (opts.mapsFile) applyMapsFile(obj, opts.mapsFile);
  return obj;
}

/** Fill maps from a file in the map JSON format (docs/map-json.md). */
export function applyMapsFile(obj: LoadedObject, file: string): void {
  const json = readJson(file, 'map state');
  try {
    importMaps(obj.maps.values(), json, (name) => obj.programs.get(name));
  } catch (e) {
    if (e instanceof MapError || e instanceof TypeError) throw new CliError(EXIT.BAD_INPUT, `${file}: ${e.message}`);
    throw e;
  }
}

export function programOf(obj: LoadedObject, name: string) {
  try {
    return obj.program(name);
  } catch (e) {
    if (e instanceof ElfError) throw new CliError(EXIT.BAD_INPUT, e.message);
    throw e;
  }
}
