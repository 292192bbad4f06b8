// Client of dpsim-loader: one long-lived helper per node namespace that loads eBPF objects
// ("instances"), pins them under the node's bpffs folder, fills maps, attaches programs to
// tc ingress/egress with tcx links, and reads or changes maps while traffic runs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bpffsMounted } from '../kernel-availability.js';
import { LineProcess } from '../line-process.js';
import { checkName, fromHex, parseDump, toHexArg, unescapeText } from '../testrun-protocol.js';
import { inNetns, run } from './exec.js';
import { ensureNetnsTools } from './tools.js';

export class LoaderError extends Error {
  override name = 'LoaderError';
  constructor(readonly command: string, readonly errno: number, readonly detail: string) {
    super(`dpsim-loader ${command}: ${detail} (errno ${errno})`);
  }
}

export interface RodataPatch {
  section: string;
  offset: number;
  bytes: Uint8Array;
}

export type Direction = 'ingress' | 'egress';

/** One `map NAME` section of a fill: key/value entries, or prog-array slots by program name. */
export type FillSection =
  | { map: string; entries: { key: Uint8Array; value: Uint8Array; flags?: number }[] }
  | { map: string; progs: { index: number; prog: string }[] };

export interface AttachedLink {
  linkId: number;
  ifindex: number;
  pin: string;
}

/** One perf sample: which instance's map, when (CLOCK_MONOTONIC ns, as bpf_ktime_get_ns), the raw bytes (padded by the kernel). */
export interface PerfSample {
  instance: string;
  map: string;
  timeNs: bigint;
  data: Uint8Array;
}

export interface LinkInfo {
  instance: string;
  prog: string;
  dev: string;
  direction: Direction;
  linkId: number;
}

const ENOENT = 2;

/** Mounts bpffs at /sys/fs/bpf where it is missing (as setup.sh does). */
export async function ensureBpffs(): Promise<void> {
  if (!bpffsMounted()) await run(['mount', '-t', 'bpf', 'bpf', '/sys/fs/bpf']);
}

/** The text of a fill file (see harness/loader/fill.c). */
export function fillText(sections: FillSection[]): string {
  const lines: string[] = [];
  for (const s of sections) {
    lines.push(`map ${checkName('map', s.map)}`);
    if ('progs' in s) for (const p of s.progs) lines.push(`${p.index} ${checkName('program', p.prog)}`);
    else for (const e of s.entries) lines.push(`${toHexArg(e.key)} ${toHexArg(e.value)}${e.flags ? ` ${e.flags}` : ''}`);
  }
  return lines.join('\n') + '\n';
}

export class NodeLoader {
  private fillCount = 0;

  private constructor(
    private readonly proc: LineProcess,
    readonly netns: string,
    readonly pinDir: string,
    /** Per-CPU values hold this many slots, each rounded up to 8 bytes. */
    readonly possibleCpus: number,
    private readonly scratchDir: string,
  ) {}

  /** Starts the helper inside NETNS, pinning under PINDIR; SCRATCHDIR holds fill files. */
  static async start(netns: string, pinDir: string, scratchDir: string): Promise<NodeLoader> {
    const { loader } = await ensureNetnsTools();
    await ensureBpffs();
    const argv = inNetns(netns, loader, [pinDir]);
    const proc = new LineProcess(argv[0]!, argv.slice(1));
    let ready: string;
    try {
      ready = parse('start', await proc.nextLine());
    } catch (err) {
      await proc.end();
      throw err;
    }
    return new NodeLoader(proc, netns, pinDir, Number(/ncpus=(\d+)/.exec(ready)?.[1] ?? 0), scratchDir);
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  private async call(command: string, ...args: string[]): Promise<string> {
    return parse(command, await this.proc.request([command, ...args].join(' ')));
  }

  /** Opens OBJPATH as INSTANCE (a name for its pins: [A-Za-z0-9_-]); not loaded yet. */
  async open(instance: string, objPath: string, opts: { rodata?: RodataPatch[] } = {}): Promise<void> {
    await this.call('open', checkName('instance', instance), checkName('object path', objPath));
    for (const p of opts.rodata ?? []) await this.setRodata(instance, p.section, p.offset, p.bytes);
  }

  /** Patches a global-data section (".rodata") before load. */
  async setRodata(instance: string, section: string, offset: number, bytes: Uint8Array): Promise<void> {
    await this.call('rodata', instance, checkName('section', section), String(offset), toHexArg(bytes));
  }

  /** Loads and pins; a verifier rejection throws with the verifier log. */
  async load(instance: string): Promise<void> {
    await this.call('load', instance);
  }

  /** `progIds`: kernel program ids once loaded (what a prog-array dump shows). */
  async info(instance: string): Promise<{ loaded: boolean; dir: string; progs: string[]; maps: string[]; progIds: Record<string, number> }> {
    const kv = new Map(
      (await this.call('info', instance)).split(' ').map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)] as const),
    );
    const list = (key: string) => (kv.get(key) ? kv.get(key)!.split(',') : []);
    const progIds = Object.fromEntries(list('progids').map((p) => [p.slice(0, p.lastIndexOf(':')), Number(p.slice(p.lastIndexOf(':') + 1))]));
    return { loaded: kv.get('loaded') === '1', dir: kv.get('dir') ?? '', progs: list('progs'), maps: list('maps'), progIds };
  }

  /** Writes many entries in one request; returns how many entries were written. */
  async fill(instance: string, sections: FillSection[]): Promise<number> {
    const file = join(this.scratchDir, `fill-${this.netns}-${instance}-${this.fillCount++}.txt`);
    writeFileSync(file, fillText(sections));
    return this.fillFile(instance, file);
  }

  async fillFile(instance: string, path: string): Promise<number> {
    return Number(/entries=(\d+)/.exec(await this.call('fill', instance, checkName('file path', path)))?.[1]);
  }

  async update(instance: string, map: string, key: Uint8Array, value: Uint8Array, flags = 0): Promise<void> {
    await this.call('update', instance, checkName('map', map), toHexArg(key), toHexArg(value), String(flags));
  }

  async lookup(instance: string, map: string, key: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return fromHex(await this.call('lookup', instance, checkName('map', map), toHexArg(key)));
    } catch (err) {
      if (err instanceof LoaderError && err.errno === ENOENT) return undefined;
      throw err;
    }
  }

  async delete(instance: string, map: string, key: Uint8Array): Promise<void> {
    await this.call('delete', instance, checkName('map', map), toHexArg(key));
  }

  /** Every entry in the kernel's order (a prog array gives program ids as values). */
  async dump(instance: string, map: string): Promise<{ key: Uint8Array; value: Uint8Array }[]> {
    return parseDump(await this.call('dump', instance, checkName('map', map)));
  }

  async setProg(instance: string, progArray: string, index: number, prog: string): Promise<void> {
    await this.call('progset', instance, checkName('map', progArray), String(index), checkName('program', prog));
  }

  /** Starts collecting the samples of a loaded instance's perf event array (see drain). */
  async readEvents(instance: string, map: string): Promise<void> {
    await this.call('events', instance, checkName('map', map));
  }

  /** Every sample collected since the last drain, oldest first, and how many the rings lost. */
  async drain(): Promise<{ samples: PerfSample[]; lost: number }> {
    const [lostText, ...items] = (await this.call('drain')).split(' ');
    const samples = items.map((item) => {
      const [instance, map, time, hex] = item.split(':');
      return { instance: instance!, map: map!, timeNs: BigInt(time!), data: fromHex(hex!) };
    });
    return { samples, lost: Number(/lost=(\d+)/.exec(lostText ?? '')?.[1] ?? 0) };
  }

  /** Attaches PROG to DEV (in this node's namespace) with a pinned tcx link. */
  async attach(instance: string, prog: string, dev: string, direction: Direction): Promise<AttachedLink> {
    const body = await this.call('attach', instance, checkName('program', prog), checkName('device', dev), direction);
    return {
      linkId: Number(/link=(\d+)/.exec(body)?.[1]),
      ifindex: Number(/ifindex=(\d+)/.exec(body)?.[1]),
      pin: /pin=(\S+)/.exec(body)?.[1] ?? '',
    };
  }

  async detach(instance: string, prog: string, dev: string, direction: Direction): Promise<void> {
    await this.call('detach', instance, checkName('program', prog), checkName('device', dev), direction);
  }

  async links(): Promise<LinkInfo[]> {
    const body = await this.call('links');
    return body.split(' ').filter(Boolean).map((item) => {
      const m = /^([^/]+)\/([^@]+)@([^:]+):(ingress|egress)=(\d+)$/.exec(item);
      if (!m) throw new LoaderError('links', 71, `bad entry ${item}`);
      return { instance: m[1]!, prog: m[2]!, dev: m[3]!, direction: m[4] as Direction, linkId: Number(m[5]) };
    });
  }

  /** Detaches every link, unpins everything under pinDir and forgets all instances. */
  async cleanup(): Promise<void> {
    await this.call('cleanup');
  }

  /** Ends the helper; pins and links stay unless cleanup() ran. Safe to call twice. */
  async close(): Promise<void> {
    await this.proc.end();
  }

  /** For teardown from signal handlers: pins and links go with the bpffs folder and namespace. */
  killNow(): void {
    if (this.proc.pid) {
      try {
        process.kill(this.proc.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}

function parse(command: string, line: string): string {
  if (line === 'ok' || line.startsWith('ok ')) return line.slice(3);
  const err = /^err (\d+) ?(.*)$/s.exec(line);
  if (err) throw new LoaderError(command, Number(err[1]), unescapeText(err[2]!));
  throw new LoaderError(command, 71 /* EPROTO */, `unexpected response ${JSON.stringify(line.slice(0, 200))}`);
}
