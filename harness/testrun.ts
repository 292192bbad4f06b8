// Runs eBPF programs in the kernel with BPF_PROG_TEST_RUN through the dpsim-testrun helper
// (one helper process per object; it pins nothing, so its exit frees every kernel object).
import { ensureHelperBuilt } from './helper-build.js';
import { LineProcess } from './line-process.js';
import {
  checkName, parseDump, parseInfo, parseResponse, parseRun, toHexArg, fromHex, TestRunError,
  type TestRunInfo, type TestRunResult,
} from './testrun-protocol.js';

export { kernelAvailability, type KernelAvailability } from './kernel-availability.js';
export { HelperBuildError } from './helper-build.js';
export * from './testrun-protocol.js';

export interface RodataPatch {
  /** ".rodata" (or any global-data section) or libbpf's map name ("obj.rodata"). */
  section: string;
  offset: number;
  bytes: Uint8Array;
}

export interface RunOptions {
  /** Context in, e.g. a struct __sk_buff (192 bytes on x86-64); ctxOut comes back with it. */
  ctx?: Uint8Array;
  repeat?: number;
  /** Room for the output packet; defaults to the input length + 64 KiB. */
  dataOutSize?: number;
}

const ENOENT = 2;

export class KernelTestRun {
  private constructor(
    private readonly proc: LineProcess,
    /** Whether the helper could pin itself to CPU 0 (per-CPU results are then repeatable). */
    readonly pinnedToCpu0: boolean,
    readonly possibleCpus: number,
  ) {}

  /** Opens OBJPATH in a new helper (building it on first use); applies rodata patches. Not loaded yet. */
  static async open(objPath: string, opts: { rodata?: RodataPatch[] } = {}): Promise<KernelTestRun> {
    const proc = new LineProcess(await ensureHelperBuilt(), [objPath]);
    let ready: string;
    try {
      ready = parseResponse('open', await proc.nextLine());
    } catch (err) {
      await proc.end();
      throw err;
    }
    const pinned = /pinned=1/.test(ready);
    const cpus = Number(/ncpus=(\d+)/.exec(ready)?.[1] ?? 0);
    const run = new KernelTestRun(proc, pinned, cpus);
    try {
      for (const patch of opts.rodata ?? []) await run.setRodata(patch.section, patch.offset, patch.bytes);
    } catch (err) {
      await run.close();
      throw err;
    }
    return run;
  }

  /** The helper's process id (to check that it is gone after close). */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  private async call(command: string, ...args: string[]): Promise<string> {
    return parseResponse(command, await this.proc.request([command, ...args].join(' ')));
  }

  /** Sets bytes of a global-data map's initial value; only before load(). */
  async setRodata(section: string, offset: number, bytes: Uint8Array): Promise<void> {
    await this.call('rodata', checkName('section', section), String(offset), toHexArg(bytes));
  }

  /** Loads every program; a verifier rejection throws a TestRunError with the verifier log. */
  async load(): Promise<void> {
    await this.call('load');
  }

  async info(): Promise<TestRunInfo> {
    return parseInfo(await this.call('info'));
  }

  /** Per-CPU maps take every possible CPU's value, each rounded up to 8 bytes. */
  async update(map: string, key: Uint8Array, value: Uint8Array, flags = 0): Promise<void> {
    await this.call('update', checkName('map', map), toHexArg(key), toHexArg(value), String(flags));
  }

  /** The value, or undefined when the key is absent. */
  async lookup(map: string, key: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return fromHex(await this.call('lookup', checkName('map', map), toHexArg(key)));
    } catch (err) {
      if (err instanceof TestRunError && err.errno === ENOENT) return undefined;
      throw err;
    }
  }

  async delete(map: string, key: Uint8Array): Promise<void> {
    await this.call('delete', checkName('map', map), toHexArg(key));
  }

  /** Every entry, in the kernel's iteration order (empty prog/map array slots left out). */
  async dump(map: string): Promise<{ key: Uint8Array; value: Uint8Array }[]> {
    return parseDump(await this.call('dump', checkName('map', map)));
  }

  /** Deletes every entry; arrays are zeroed instead. */
  async clear(map: string): Promise<void> {
    await this.call('clear', checkName('map', map));
  }

  /** Puts a loaded program into a prog array slot (for tail calls). */
  async setProg(map: string, index: number, progName: string): Promise<void> {
    await this.call('progset', checkName('map', map), String(index), checkName('program', progName));
  }

  /** Puts a map of this object into a map-in-map (array or hash of maps). */
  async setInnerMap(outer: string, key: Uint8Array, inner: string): Promise<void> {
    await this.call('mapset', checkName('map', outer), toHexArg(key), checkName('map', inner));
  }

  async run(prog: string, data: Uint8Array, opts: RunOptions = {}): Promise<TestRunResult> {
    const args = [checkName('program', prog), toHexArg(data), toHexArg(opts.ctx ?? new Uint8Array()), String(opts.repeat ?? 1)];
    if (opts.dataOutSize !== undefined) args.push(String(opts.dataOutSize));
    return parseRun(await this.call('run', ...args), (opts.ctx?.length ?? 0) > 0);
  }

  /** Ends the helper; the kernel frees its programs and maps. Safe to call twice. */
  async close(): Promise<void> {
    await this.proc.end();
  }
}
