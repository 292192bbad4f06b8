// The VM's address space: named regions, each addressed by a 64-bit pointer whose high 32 bits
// select the region and whose low 32 bits are LO_BASE + offset. Keeping every region away from
// 0 and from 2^32 means pointer arithmetic never carries between the halves for any access
// that could be valid, so a register's two Int32 halves are enough to check every access.
// Region ids are spaced HI_STRIDE apart in the high word, so a pointer moved by a multiple of
// 2^32 lands between regions (a fault) rather than in a neighbouring one.

import { FaultSignal } from './fault.js';

export const HI_BASE = 0x10000000; // high word of region 0
export const HI_SHIFT = 8; // region ids are 2^8 apart in the high word
const HI_LOW_MASK = (1 << HI_SHIFT) - 1;
export const LO_BASE = 0x40000000; // low word of offset 0 in every region

export const enum RegionKind {
  Null = 0,
  Stack = 1,
  Ctx = 2,
  Packet = 3,
  MapValue = 4,
  Global = 5,
  Memory = 6, // plain memory handed to a program (conformance tests, BPF_PROG_TEST_RUN raw data)
  MapHandle = 7, // a map pointer from ld_imm64: passed to helpers, never dereferenced
  Record = 8, // ringbuf record
  Function = 9, // a BPF function address (ld_imm64 src=4), used as a callback by helpers
}

export const REGION_KIND_NAMES = ['null', 'stack', 'ctx', 'packet', 'map value', 'global data', 'memory', 'map', 'ringbuf record', 'function'];

/** Accesses of a context region go through these (the kernel's context-access rewriting). */
export interface CtxAccessor {
  load(off: number, size: number, out: RegPair): void;
  store(off: number, size: number, lo: number, hi: number): void;
}

export interface RegPair {
  lo: number;
  hi: number;
}

export class Region {
  /** Biased bounds for the fast path: a read of `size` at biased `a` is valid when lo <= a && a + size <= hi. */
  lo = LO_BASE;
  hi = LO_BASE;
  /** Same for writes; empty for read-only regions. */
  wlo = LO_BASE;
  whi = LO_BASE;
  private dv: DataView | null = null;
  ctx: CtxAccessor | null = null;
  /** For MapHandle regions: the map; for Function regions: the entry pc. */
  target: unknown = null;

  constructor(
    readonly id: number,
    public name: string,
    public kind: RegionKind,
    public bytes: Uint8Array,
    writable: boolean,
    start = 0,
    end = bytes.length,
  ) {
    this.setBounds(start, end, writable);
  }

  /** A DataView of the bytes, made on first use (the wasm engine never needs one). */
  get view(): DataView {
    return this.dv ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /** Valid offsets are [start, end); `writable` decides whether stores are allowed. */
  setBounds(start: number, end: number, writable: boolean): void {
    this.lo = LO_BASE + start;
    this.hi = LO_BASE + end;
    this.wlo = writable ? this.lo : LO_BASE;
    this.whi = writable ? this.hi : LO_BASE;
  }

  /** Replace the backing store (a packet that grew), keeping the region's id and address. */
  rebind(bytes: Uint8Array, start: number, end: number, writable: boolean): void {
    if (bytes !== this.bytes) { this.bytes = bytes; this.dv = null; }
    this.setBounds(start, end, writable);
  }

  get start(): number {
    return this.lo - LO_BASE;
  }
  get end(): number {
    return this.hi - LO_BASE;
  }
  get addrHi(): number {
    return (HI_BASE + (this.id << HI_SHIFT)) | 0;
  }
  /** Low word of the address of `offset` in this region. */
  addrLo(offset: number): number {
    return (LO_BASE + offset) | 0;
  }
}

/**
 * Regions: persistent ones (stack frames, ctx, packet, global data, map handles) stay for the
 * life of the loaded object; transient ones (map values handed out by lookups, ringbuf
 * records) are dropped at the start of every run, as no pointer survives a run in the kernel.
 */
export class AddressSpace {
  readonly regions: Region[] = [];
  private persistent = 0;
  private transientByBuffer = new Map<Uint8Array, Region>();

  constructor() {
    this.add('null', RegionKind.Null, new Uint8Array(0), false);
    this.persistent = 1;
  }

  /** Add a persistent region (only valid before the first transient region of a run). */
  addPersistent(name: string, kind: RegionKind, bytes: Uint8Array, writable: boolean): Region {
    this.resetTransient();
    const r = this.add(name, kind, bytes, writable);
    this.persistent = this.regions.length;
    return r;
  }

  /** A region for a buffer handed to the program during this run (same buffer → same region). */
  transient(name: string, kind: RegionKind, bytes: Uint8Array, writable: boolean): Region {
    let r = this.transientByBuffer.get(bytes);
    if (r === undefined) {
      const reused = this.pool[this.regions.length];
      if (reused !== undefined) {
        reused.name = name;
        reused.kind = kind;
        reused.ctx = null;
        reused.target = null;
        reused.rebind(bytes, 0, bytes.length, writable);
        this.regions.push(reused);
        r = reused;
      } else r = this.add(name, kind, bytes, writable);
      this.transientByBuffer.set(bytes, r);
    }
    return r;
  }

  /** Told of every region a helper is about to write through a pointer argument (the wasm engine's mirrors). */
  onWrite: ((r: Region) => void) | null = null;

  /** Regions below this id are persistent (they survive resetTransient). */
  get persistentCount(): number {
    return this.persistent;
  }

  resetTransient(): void {
    if (this.regions.length > this.persistent) {
      // keep the Region objects for the next run's transient regions at the same ids (a map
      // lookup per packet would otherwise allocate a Region per value per run)
      for (let id = this.persistent; id < this.regions.length; id++) this.pool[id] = this.regions[id]!;
      this.regions.length = this.persistent;
      this.transientByBuffer.clear();
    }
  }

  private readonly pool: (Region | undefined)[] = [];

  /** The region an address (two halves) points into, or undefined for a scalar. */
  regionOf(_lo: number, hi: number): Region | undefined {
    const rel = (hi - HI_BASE) >>> 0;
    if ((rel & HI_LOW_MASK) !== 0) return undefined;
    const id = rel >>> HI_SHIFT;
    return id < this.regions.length && id !== 0 ? this.regions[id] : undefined;
  }

  /**
   * Resolve a pointer argument for a helper: `len` bytes at (lo, hi) must lie inside one region.
   * Returns the region and the byte offset in its backing store.
   */
  resolve(lo: number, hi: number, len: number, write: boolean, what: string): { region: Region; offset: number } {
    const r = this.regionOf(lo, hi);
    if (r === undefined || r.kind === RegionKind.MapHandle || r.kind === RegionKind.Function || r.kind === RegionKind.Ctx) {
      throw new FaultSignal('helper-argument', `${what}: 0x${addrHex(lo, hi)} is not a pointer to memory`);
    }
    const a = lo | 0;
    if (write && this.onWrite !== null) this.onWrite(r);
    const [blo, bhi] = write ? [r.wlo, r.whi] : [r.lo, r.hi];
    if (len < 0 || a < blo || a + len > bhi) {
      throw new FaultSignal(write && r.wlo === r.whi ? 'read-only' : 'out-of-bounds',
        `${what}: ${len} bytes at offset ${a - LO_BASE} of ${r.name} (valid [${r.start}, ${r.end}))`, {
          address: addrHex(lo, hi), size: len,
          region: { name: r.name, start: r.start, end: r.end, offset: a - LO_BASE },
        });
    }
    return { region: r, offset: a - LO_BASE };
  }

  /** A live view of `len` bytes at a pointer argument (checked). */
  bytesAt(lo: number, hi: number, len: number, write: boolean, what: string): Uint8Array {
    const { region, offset } = this.resolve(lo, hi, len, write, what);
    return region.bytes.subarray(offset, offset + len);
  }

  private add(name: string, kind: RegionKind, bytes: Uint8Array, writable: boolean): Region {
    const r = new Region(this.regions.length, name, kind, bytes, writable);
    this.regions.push(r);
    return r;
  }
}

export function addrHex(lo: number, hi: number): string {
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}
