// One datapath object of one node, loaded in the VM or in the kernel behind the same small
// interface, so that a test runs the same packets on both and compares what each observed.

import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadObjectSpec, type ObjectSpec } from '../../src/elf/index.js';
import { importMaps } from '../../src/maps/index.js';
import { LoadedObject, testRun, formatFault, SKB, SKB_CTX_SIZE, type RedirectRecord, type TunnelKey } from '../../src/vm/index.js';
import { KernelTestRun, splitPerCpu } from '../../harness/testrun.js';
import { trimEvent } from './events.js';
import { entryBytes, mapsOf, nodeConfig, nodeMaps, rodataPatches, type ClusterSpec } from './cluster.js';

export type ObjectName = 'bpf_lxc' | 'bpf_overlay' | 'bpf_host';

const repo = new URL('../../', import.meta.url).pathname;
let built = false;

/** bpf/build/NAME.o, built once per test process with `make -C bpf`. */
export function objectPath(name: ObjectName): string {
  if (!built) {
    execFileSync('make', ['-s', '-C', join(repo, 'bpf')], { stdio: ['ignore', 'ignore', 'inherit'] });
    built = true;
  }
  return join(repo, 'bpf/build', `${name}.o`);
}

const specs = new Map<ObjectName, Promise<ObjectSpec>>();
export function objectSpec(name: ObjectName): Promise<ObjectSpec> {
  let s = specs.get(name);
  if (!s) specs.set(name, (s = loadObjectSpec(objectPath(name))));
  return s;
}

export interface RunOptions {
  /** skb->ingress_ifindex: the device the packet arrived on (ingress hooks). */
  ingressIfindex?: number;
  mark?: number;
  /** Tunnel metadata on the packet (VM only: a kernel test run cannot carry it). */
  tunnelKey?: TunnelKey;
}

export interface RunOut {
  retval: number;
  dataOut: Uint8Array;
  /** cilium_events samples, trimmed to header + captured bytes. */
  events: Uint8Array[];
  /** skb->mark after the run. */
  mark: number;
  /** VM only (undefined in the kernel): where a redirect helper sent the packet. */
  redirect?: RedirectRecord | null;
  /** VM only: the tunnel key the program set or found. */
  tunnelKey?: TunnelKey | null;
}

export interface MapEntry {
  key: Uint8Array;
  /** One value, or one per CPU for per-CPU maps. */
  value: Uint8Array | Uint8Array[];
}

export interface Side {
  readonly kind: 'vm' | 'kernel';
  readonly object: ObjectName;
  readonly spec: ObjectSpec;
  run(prog: string, data: Uint8Array, opts?: RunOptions): Promise<RunOut>;
  dump(map: string): Promise<MapEntry[]>;
  update(map: string, key: Uint8Array, value: Uint8Array): Promise<void>;
  delete(map: string, key: Uint8Array): Promise<void>;
  /** The clock the programs read (bpf_ktime_get_ns), in whole seconds. */
  nowSec(): number;
  close(): Promise<void>;
}

/** struct __sk_buff for ctx_in: only fields BPF_PROG_TEST_RUN accepts. */
export function skbCtx(o: RunOptions): Uint8Array {
  const ctx = new Uint8Array(SKB_CTX_SIZE);
  const v = new DataView(ctx.buffer);
  v.setUint32(SKB.mark, o.mark ?? 0, true);
  v.setUint32(SKB.ingress_ifindex, o.ingressIfindex ?? 0, true);
  return ctx;
}

export class VmSide implements Side {
  readonly kind = 'vm';
  private constructor(readonly object: ObjectName, readonly spec: ObjectSpec, readonly obj: LoadedObject) {}

  static async open(object: ObjectName, cluster: ClusterSpec, nodeName: string): Promise<VmSide> {
    const spec = await objectSpec(object);
    const obj = LoadedObject.load(spec, { globals: rodataPatches(spec, nodeConfig(cluster, nodeName)) });
    importMaps([...obj.maps.values()], mapsOf(spec, nodeMaps(cluster, nodeName)));
    return new VmSide(object, spec, obj);
  }

  async run(prog: string, data: Uint8Array, opts: RunOptions = {}): Promise<RunOut> {
    const r = testRun(this.obj, this.obj.program(prog), {
      dataIn: data,
      ctxIn: skbCtx(opts),
      ...(opts.tunnelKey ? { tunnelKey: opts.tunnelKey } : {}),
    });
    if (r.fault) throw new Error(`${this.object} ${prog} faulted in the VM: ${formatFault(r.fault)}`);
    return {
      retval: r.retval,
      dataOut: r.dataOut,
      events: r.events.filter((e) => e.map === 'cilium_events').map((e) => trimEvent(e.data)),
      mark: new DataView(r.ctxOut!.buffer, r.ctxOut!.byteOffset).getUint32(SKB.mark, true),
      redirect: r.redirect,
      tunnelKey: r.tunnelKey,
    };
  }

  async dump(map: string): Promise<MapEntry[]> {
    return [...this.obj.map(map).entries()].map(([key, value]) => {
      if (value instanceof Uint8Array || (Array.isArray(value) && value.every((x) => x instanceof Uint8Array))) return { key, value };
      throw new Error(`map ${map}: cannot dump fd-valued entries`);
    });
  }

  async update(map: string, key: Uint8Array, value: Uint8Array): Promise<void> {
    const m = this.obj.map(map) as { userUpdate(k: Uint8Array, v: Uint8Array): number };
    const err = m.userUpdate(key, value);
    if (err < 0) throw new Error(`VM update of ${map} failed: errno ${-err}`);
  }

  async delete(map: string, key: Uint8Array): Promise<void> {
    const err = this.obj.map(map).userDelete(key);
    if (err < 0) throw new Error(`VM delete from ${map} failed: errno ${-err}`);
  }

  nowSec(): number {
    return Number(this.obj.env.clockNs / 1_000_000_000n);
  }

  /** Moves the virtual clock on (the kernel's cannot be). */
  advance(seconds: number): void {
    this.obj.env.clockNs += BigInt(seconds) * 1_000_000_000n;
  }

  async close(): Promise<void> {}
}

export class KernelSide implements Side {
  readonly kind = 'kernel';
  private constructor(readonly object: ObjectName, readonly spec: ObjectSpec, readonly kt: KernelTestRun) {}

  static async open(object: ObjectName, cluster: ClusterSpec, nodeName: string): Promise<KernelSide> {
    const spec = await objectSpec(object);
    const kt = await KernelTestRun.open(objectPath(object), { rodata: rodataPatches(spec, nodeConfig(cluster, nodeName)) });
    try {
      await kt.load();
      for (const e of entryBytes(spec, mapsOf(spec, nodeMaps(cluster, nodeName)))) await kt.update(e.map, e.key, e.value);
    } catch (err) {
      await kt.close();
      throw err;
    }
    return new KernelSide(object, spec, kt);
  }

  async run(prog: string, data: Uint8Array, opts: RunOptions = {}): Promise<RunOut> {
    if (opts.tunnelKey) throw new Error('a kernel test run cannot carry tunnel metadata');
    const r = await this.kt.run(prog, data, { ctx: skbCtx(opts) });
    if (r.lostEvents) throw new Error(`${r.lostEvents} perf events lost`);
    return {
      retval: r.retval,
      dataOut: r.dataOut,
      events: r.events.filter((e) => e.map === 'cilium_events').map((e) => trimEvent(e.data)),
      mark: new DataView(r.ctxOut!.buffer, r.ctxOut!.byteOffset).getUint32(SKB.mark, true),
    };
  }

  async dump(map: string): Promise<MapEntry[]> {
    const m = this.spec.maps.find((x) => x.name === map);
    const perCpu = m?.typeName === 'percpu_hash' || m?.typeName === 'percpu_array' || m?.typeName === 'lru_percpu_hash';
    return (await this.kt.dump(map)).map(({ key, value }) => ({ key, value: perCpu ? splitPerCpu(value, m!.valueSize) : value }));
  }

  async update(map: string, key: Uint8Array, value: Uint8Array): Promise<void> {
    await this.kt.update(map, key, value);
  }

  async delete(map: string, key: Uint8Array): Promise<void> {
    await this.kt.delete(map, key);
  }

  nowSec(): number {
    return Number(process.hrtime.bigint() / 1_000_000_000n); // CLOCK_MONOTONIC, as bpf_ktime_get_ns
  }

  async close(): Promise<void> {
    await this.kt.close();
  }
}
