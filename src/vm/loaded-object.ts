// Loading an ObjectSpec into the VM (cilium/ebpf's Collection, libbpf's bpf_object__load):
// maps created, global data placed, ld_imm64 map references pointed at map handles, programs
// predecoded and checked, prog arrays and map-in-map slots filled from the object.

import type { ObjectSpec, ProgramSpec, MapSpec, ProgTypeName } from '../elf/index.js';
import { findProgram } from '../elf/index.js';
import { createMap, type AnyBpfMap, type MapDef } from '../maps/index.js';
import { ArrayMap } from '../maps/array-map.js';
import { Insn } from '../isa/insn.js';
import { PSEUDO, OPCODES } from '../isa/opcodes.js';
import { Vm } from './interpreter.js';
import { predecode, DecodedProgram, ProgramError } from './program.js';
import { Region, RegionKind, LO_BASE } from './memory.js';
import { FaultSignal } from './fault.js';
import { ExecEnv } from './env.js';
import { installHelpers } from '../helpers/index.js';
import { type EngineName, defaultEngine } from './engine-name.js';
import { WasmEngine } from '../wasm/engine.js';

export interface LoadedProgram {
  name: string;
  section: string;
  type: ProgTypeName;
  spec: ProgramSpec;
  decoded: DecodedProgram;
  /** Function region whose offsets are this program's pcs (callbacks from ld_imm64 src=4). */
  funcRegion: Region;
}

export interface LoadOptions {
  /** Possible CPUs (per-CPU map slots). Default 1. */
  nCpus?: number;
  /** Instruction budget per run. */
  budget?: number;
  /** Seed of bpf_get_prandom_u32. */
  seed?: number;
  /** Bytes to place in global data before load: section (".rodata") → offset → bytes. */
  globals?: { section: string; offset: number; bytes: Uint8Array }[];
  /** Which engine runs the programs: 'wasm' (default; the interpreter when tracing) or 'interp'. */
  engine?: EngineName;
}

export class LoadError extends Error {
  constructor(readonly object: string, message: string) {
    super(`${object}: ${message}`);
  }
}

export class LoadedObject {
  readonly vm = new Vm();
  readonly env: ExecEnv;
  readonly maps = new Map<string, AnyBpfMap>();
  readonly programs = new Map<string, LoadedProgram>();
  readonly nCpus: number;
  /** The engine asked for at load ('wasm' still runs traced runs on the interpreter). */
  readonly engine: EngineName;
  private readonly handles = new Map<AnyBpfMap, Region>();
  private readonly globalRegions = new Map<string, Region>();
  /** The packet and ctx regions, re-bound to each run's skb or xdp buffer. */
  readonly packetRegion: Region;
  readonly ctxRegion: Region;

  private constructor(readonly spec: ObjectSpec, opts: LoadOptions) {
    this.nCpus = opts.nCpus ?? 1;
    this.env = new ExecEnv(opts.seed ?? 1);
    if (opts.budget !== undefined) this.vm.budget = opts.budget;
    this.engine = opts.engine ?? defaultEngine();
    if (this.engine === 'wasm') this.vm.fastPath = new WasmEngine(this.vm);
    this.packetRegion = this.vm.mem.addPersistent('packet', RegionKind.Packet, new Uint8Array(0), true);
    this.ctxRegion = this.vm.mem.addPersistent('ctx', RegionKind.Ctx, new Uint8Array(0), false);
  }

  static load(spec: ObjectSpec, opts: LoadOptions = {}): LoadedObject {
    const obj = new LoadedObject(spec, opts);
    for (const m of spec.maps) obj.createMap(m, opts);
    for (const p of spec.programs) obj.loadProgram(p);
    for (const m of spec.maps) obj.fillInitialValues(m);
    installHelpers(obj);
    return obj;
  }

  program(nameOrSection: string): LoadedProgram {
    const spec = findProgram(this.spec, nameOrSection);
    return this.programs.get(spec.name)!;
  }

  map(name: string): AnyBpfMap {
    const m = this.maps.get(name) ?? [...this.maps.values()].find((x) => x.name === name);
    if (!m) throw new LoadError(this.spec.path, `no map named "${name}" (maps: ${[...this.maps.keys()].join(', ') || 'none'})`);
    return m;
  }

  /** The pointer region a program uses for `map` (created for inner maps on first use). */
  mapHandle(map: AnyBpfMap): Region {
    let r = this.handles.get(map);
    if (r === undefined) {
      r = this.vm.mem.transient(`map ${map.name}`, RegionKind.MapHandle, new Uint8Array(0), false);
      r.target = map;
    }
    return r;
  }

  /** The map a helper argument points to; a fault if it is not a map pointer. */
  mapAt(lo: number, hi: number, what: string): AnyBpfMap {
    const r = this.vm.mem.regionOf(lo, hi);
    if (r === undefined || r.kind !== RegionKind.MapHandle || lo !== r.addrLo(0)) {
      throw new FaultSignal('helper-argument', `${what} is not a map pointer`);
    }
    return r.target as AnyBpfMap;
  }

  /** The BPF function a helper's callback argument points to. */
  functionAt(lo: number, hi: number, what: string): { prog: DecodedProgram; pc: number } {
    const r = this.vm.mem.regionOf(lo, hi);
    if (r === undefined || r.kind !== RegionKind.Function) throw new FaultSignal('helper-argument', `${what} is not a function pointer`);
    return { prog: r.target as DecodedProgram, pc: lo - LO_BASE };
  }

  private createMap(m: MapSpec, opts: LoadOptions): void {
    const def = toMapDef(m);
    let map: AnyBpfMap;
    try {
      map = createMap(def, { nCpus: this.nCpus });
    } catch (e) {
      throw new LoadError(this.spec.path, `map "${m.name}": ${(e as Error).message}`);
    }
    this.maps.set(m.name, map);
    const region = this.vm.mem.addPersistent(`map ${m.name}`, RegionKind.MapHandle, new Uint8Array(0), false);
    region.target = map;
    this.handles.set(map, region);
    if (m.source === 'data' && map instanceof ArrayMap) {
      const value = map.valueAt(0);
      if (m.initialData) value.set(m.initialData.subarray(0, value.length));
      for (const g of opts.globals ?? []) {
        if (g.section !== m.name && g.section !== m.libbpfName) continue;
        if (g.offset < 0 || g.offset + g.bytes.length > value.length) {
          throw new LoadError(this.spec.path, `global data ${g.section}+${g.offset}: ${g.bytes.length} bytes do not fit in ${value.length}`);
        }
        value.set(g.bytes, g.offset);
      }
      if (m.readonly) map.freeze();
      this.globalRegions.set(m.name, this.vm.mem.addPersistent(m.name, RegionKind.Global, value, !m.readonly));
    }
  }

  private loadProgram(p: ProgramSpec): void {
    const insns: Insn[] = p.insns.map((i) => ({ ...i }));
    const funcRegion = this.vm.mem.addPersistent(`functions of ${p.name}`, RegionKind.Function, new Uint8Array(0), false);
    for (const rel of p.relocs) {
      const lddw = insns[rel.insn];
      const hiSlot = insns[rel.insn + 1];
      if (!lddw || !hiSlot || OPCODES[lddw.opcode]?.kind !== 'lddw') {
        throw new LoadError(this.spec.path, `program ${p.name}: relocation at insn ${rel.insn} is not on an lddw`);
      }
      const map = this.maps.get(rel.mapName);
      if (!map) throw new LoadError(this.spec.path, `program ${p.name}: insn ${rel.insn} refers to unknown map "${rel.mapName}"`);
      if (rel.kind === 'map') {
        const r = this.handles.get(map)!;
        lddw.src = PSEUDO.MAP_FD;
        lddw.imm = r.addrLo(0);
        hiSlot.imm = r.addrHi;
      } else {
        const r = this.globalRegions.get(rel.mapName);
        if (!r) throw new LoadError(this.spec.path, `program ${p.name}: insn ${rel.insn} points into "${rel.mapName}", which is not global data`);
        lddw.src = PSEUDO.MAP_VALUE;
        lddw.imm = r.addrLo(rel.offset);
        hiSlot.imm = r.addrHi;
      }
    }
    // ld_imm64 of a function (callbacks): the address of its pc in this program's function region.
    insns.forEach((i, pc) => {
      if (OPCODES[i.opcode]?.kind === 'lddw' && i.src === PSEUDO.FUNC) {
        i.imm = funcRegion.addrLo(pc + 1 + i.imm);
        insns[pc + 1]!.imm = funcRegion.addrHi;
        i.src = 0;
      }
    });
    let decoded: DecodedProgram;
    try {
      decoded = predecode(insns, {
        name: p.name,
        lineAt: (pc) => p.lineAt(pc),
        funcs: new Map(p.funcs.map((f) => [f.start, f.name])),
        kernelStrict: true,
      });
    } catch (e) {
      if (e instanceof ProgramError) throw new LoadError(this.spec.path, `program ${p.name}: ${e.message}`);
      throw e;
    }
    // Keep the object's own instructions for disassembly and fault text.
    (decoded as { insns: readonly Insn[] }).insns = p.insns;
    funcRegion.target = decoded;
    this.programs.set(p.name, { name: p.name, section: p.section, type: p.type, spec: p, decoded, funcRegion });
  }

  private fillInitialValues(m: MapSpec): void {
    const map = this.maps.get(m.name)!;
    for (const v of m.initialValues ?? []) {
      const key = new Uint8Array(4);
      new DataView(key.buffer).setUint32(0, v.index, true);
      let err = 0;
      if (v.progName !== undefined && map.kind === 'prog-array') {
        const prog = this.programs.get(v.progName);
        if (!prog) throw new LoadError(this.spec.path, `map ${m.name}[${v.index}] names unknown program ${v.progName}`);
        err = map.userUpdate(key, prog);
      } else if (v.mapName !== undefined && (map.kind === 'array-of-maps' || map.kind === 'hash-of-maps')) {
        const inner = this.maps.get(v.mapName);
        if (!inner) throw new LoadError(this.spec.path, `map ${m.name}[${v.index}] names unknown map ${v.mapName}`);
        err = map.userUpdate(key, inner);
      }
      if (err < 0) throw new LoadError(this.spec.path, `map ${m.name}[${v.index}]: initial value refused (errno ${-err})`);
    }
  }
}

export function toMapDef(m: MapSpec): MapDef {
  const def: MapDef = { name: m.name, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags };
  if (m.keyLayout) def.keyLayout = m.keyLayout;
  if (m.valueLayout) def.valueLayout = m.valueLayout;
  if (m.innerMap) def.inner = toMapDef(m.innerMap);
  return def;
}
