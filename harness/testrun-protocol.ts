// Encoding requests for and decoding responses from dpsim-testrun (see README.md).

export interface ProgInfo {
  name: string;
  section: string;
  /** libbpf's name of the program type, e.g. "sched_cls", "xdp". */
  type: string;
  /** Instructions in the object (after libbpf's relocations). */
  insns: number;
  /** Instructions after the verifier's rewrites (xlated_prog_len / 8); 0 before load. */
  xlatedInsns: number;
  /** Instructions the verifier processed (verified_insns); 0 before load. */
  verifiedInsns: number;
}

export interface MapInfo {
  name: string;
  /** libbpf's name of the map type, e.g. "hash", "percpu_array", "ringbuf". */
  type: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
}

export interface TestRunInfo {
  loaded: boolean;
  /** Per-CPU map values hold this many slots, each valueSize rounded up to 8 bytes. */
  possibleCpus: number;
  progs: ProgInfo[];
  maps: MapInfo[];
}

export interface TestRunEvent {
  map: string;
  data: Uint8Array;
}

export interface TestRunResult {
  /** The program's return value as the kernel reports it: an unsigned 32-bit number. */
  retval: number;
  /** Average duration of one repetition, in ns. */
  durationNs: number;
  dataOut: Uint8Array;
  /** Only when a context was passed in. */
  ctxOut?: Uint8Array;
  /** Ring buffer and perf events emitted by the run, grouped by map in the object's map order. */
  events: TestRunEvent[];
  /** Perf samples lost for lack of room. */
  lostEvents: number;
}

export class TestRunError extends Error {
  override name = 'TestRunError';
  constructor(
    readonly command: string,
    readonly errno: number,
    readonly detail: string,
  ) {
    super(`dpsim-testrun ${command}: ${detail} (errno ${errno})`);
  }
}

/** A hex argument; "-" stands for zero bytes. */
export function toHexArg(bytes: Uint8Array): string {
  return bytes.length ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex') : '-';
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 || !/^[0-9a-f]*$/i.test(hex)) throw new Error(`bad hex from dpsim-testrun: ${hex.slice(0, 40)}`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Names go into a space-separated line: refuse anything that would split it. */
export function checkName(what: string, name: string): string {
  if (!name || /[\s\0]/.test(name)) throw new TypeError(`bad ${what} name ${JSON.stringify(name)}`);
  return name;
}

/** Undoes the helper's escaping: \n, \\ and \xHH. */
export function unescapeText(text: string): string {
  return text.replace(/\\(n|\\|x[0-9a-f]{2})/g, (_, esc: string) =>
    esc === 'n' ? '\n' : esc === '\\' ? '\\' : String.fromCharCode(parseInt(esc.slice(1), 16)),
  );
}

/** "ok BODY" → BODY; "err N MESSAGE" → TestRunError. */
export function parseResponse(command: string, line: string): string {
  if (line === 'ok' || line.startsWith('ok ')) return line.slice(3);
  const err = /^err (\d+) ?(.*)$/s.exec(line);
  if (err) throw new TestRunError(command, Number(err[1]), unescapeText(err[2]!));
  throw new TestRunError(command, 71 /* EPROTO */, `unexpected response ${JSON.stringify(line.slice(0, 200))}`);
}

/** "a=1 b=x" → [["a","1"],["b","x"]], keeping repeated keys (prog=, map=) in order. */
function keyValues(body: string): [string, string][] {
  return body
    .split(' ')
    .filter(Boolean)
    .map((token) => {
      const eq = token.indexOf('=');
      return eq < 0 ? [token, ''] : [token.slice(0, eq), token.slice(eq + 1)];
    });
}

function fields(value: string, count: number, what: string): string[] {
  const parts = value.split(',').map(unescapeText);
  if (parts.length !== count) throw new Error(`bad ${what} entry from dpsim-testrun: ${value}`);
  return parts;
}

export function parseInfo(body: string): TestRunInfo {
  const info: TestRunInfo = { loaded: false, possibleCpus: 0, progs: [], maps: [] };
  for (const [key, value] of keyValues(body)) {
    if (key === 'loaded') info.loaded = value === '1';
    else if (key === 'ncpus') info.possibleCpus = Number(value);
    else if (key === 'prog') {
      const [name, section, type, insns, xlated, verified] = fields(value, 6, 'prog');
      info.progs.push({
        name: name!, section: section!, type: type!,
        insns: Number(insns), xlatedInsns: Number(xlated), verifiedInsns: Number(verified),
      });
    } else if (key === 'map') {
      const [name, type, keySize, valueSize, maxEntries, flags] = fields(value, 6, 'map');
      info.maps.push({
        name: name!, type: type!, keySize: Number(keySize), valueSize: Number(valueSize),
        maxEntries: Number(maxEntries), flags: Number(flags),
      });
    }
  }
  return info;
}

export function parseRun(body: string, hadCtx: boolean): TestRunResult {
  const kv = new Map(keyValues(body));
  const events = (kv.get('events') ?? '')
    .split(',')
    .filter(Boolean)
    .map((item) => {
      const colon = item.indexOf(':');
      return { map: item.slice(0, colon), data: fromHex(item.slice(colon + 1)) };
    });
  return {
    retval: Number(kv.get('retval')),
    durationNs: Number(kv.get('duration')),
    dataOut: fromHex(kv.get('data_out') ?? ''),
    ...(hadCtx ? { ctxOut: fromHex(kv.get('ctx_out') ?? '') } : {}),
    events,
    lostEvents: Number(kv.get('lost') ?? 0),
  };
}

export function parseDump(body: string): { key: Uint8Array; value: Uint8Array }[] {
  return keyValues(body).map(([key, value]) => ({ key: fromHex(key), value: fromHex(value) }));
}

/** Splits a per-CPU map value into one value per possible CPU. */
export function splitPerCpu(value: Uint8Array, valueSize: number): Uint8Array[] {
  const stride = Math.ceil(valueSize / 8) * 8;
  const slots: Uint8Array[] = [];
  for (let off = 0; off + valueSize <= value.length; off += stride) slots.push(value.slice(off, off + valueSize));
  return slots;
}
