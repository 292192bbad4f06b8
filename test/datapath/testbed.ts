// Scenarios: a test body that sends packets through datapath objects of a 2-node cluster.
// `scenario` registers it twice: on the VM, and on the kernel where the same body is also run
// on a fresh VM and everything both observed is compared (verdicts, output bytes, events, skb
// mark, final map contents with conntrack lifetimes normalised).

import { expect, test } from 'vitest';
import { kernelTest } from '../../harness/skip.js';
import { createMap, exportMap, type JsonValue, type MapContentsJson } from '../../src/maps/index.js';
import { toMapDef } from '../../src/vm/index.js';
import { loadCluster, type ClusterSpec } from './cluster.js';
import { KernelSide, VmSide, type MapEntry, type ObjectName, type RunOptions, type RunOut, type Side } from './sides.js';
import { DROP, decodeEvent, type DpEvent } from './events.js';

export const CLUSTER: ClusterSpec = loadCluster(new URL('../fixtures/datapath/two-node-cluster.json', import.meta.url).pathname);

interface RunRecord {
  prog: string;
  retval: number;
  dataOut: string;
  events: string[];
  mark: number;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A side that remembers every run, for the comparison. */
class Recorded implements Side {
  readonly log: RunRecord[] = [];
  constructor(readonly inner: Side) {}
  get kind() { return this.inner.kind; }
  get object() { return this.inner.object; }
  get spec() { return this.inner.spec; }
  async run(prog: string, data: Uint8Array, opts?: RunOptions): Promise<RunOut> {
    const r = await this.inner.run(prog, data, opts);
    this.log.push({ prog, retval: r.retval, dataOut: hex(r.dataOut), events: r.events.map(hex), mark: r.mark });
    return r;
  }
  dump(map: string) { return this.inner.dump(map); }
  update(map: string, key: Uint8Array, value: Uint8Array) { return this.inner.update(map, key, value); }
  delete(map: string, key: Uint8Array) { return this.inner.delete(map, key); }
  nowSec() { return this.inner.nowSec(); }
  close() { return this.inner.close(); }
}

export class Testbed {
  private readonly sides = new Map<string, Promise<Recorded>>();
  constructor(readonly kind: 'vm' | 'kernel', readonly cluster: ClusterSpec = CLUSTER) {}

  /** The object loaded for a node, with that node's config and maps (opened on first use). */
  side(node: string, object: ObjectName): Promise<Side> {
    const id = `${node}/${object}`;
    let s = this.sides.get(id);
    if (!s) {
      s = (this.kind === 'vm' ? VmSide.open(object, this.cluster, node) : KernelSide.open(object, this.cluster, node)).then((x) => new Recorded(x));
      this.sides.set(id, s);
    }
    return s;
  }
  lxc(node: string) { return this.side(node, 'bpf_lxc'); }
  overlay(node: string) { return this.side(node, 'bpf_overlay'); }
  host(node: string) { return this.side(node, 'bpf_host'); }

  /** The VM object behind a side (VM-only steps: the virtual clock, tunnel keys). */
  static vm(side: Side): VmSide {
    const inner = side instanceof Recorded ? side.inner : side;
    if (!(inner instanceof VmSide)) throw new Error('not a VM side');
    return inner;
  }

  async opened(): Promise<[string, Recorded][]> {
    return Promise.all([...this.sides].map(async ([id, s]) => [id, await s] as [string, Recorded]));
  }

  async close(): Promise<void> {
    const all = await Promise.allSettled(this.sides.values());
    await Promise.all(all.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
  }
}

export type Body = (tb: Testbed) => Promise<void>;

async function withTestbed(kind: 'vm' | 'kernel', body: Body, cluster: ClusterSpec = CLUSTER): Promise<Testbed> {
  const tb = new Testbed(kind, cluster);
  try {
    await body(tb);
  } catch (err) {
    await tb.close();
    throw err;
  }
  return tb;
}

/** Registers the body on the VM and on the kernel (compared with a VM run of the same body). */
export function scenario(name: string, body: Body, cluster: ClusterSpec = CLUSTER): void {
  test(`${name} [vm]`, async () => {
    await (await withTestbed('vm', body, cluster)).close();
  });
  kernelTest(`${name} [kernel, compared with the vm]`, async () => {
    const kernel = await withTestbed('kernel', body, cluster);
    try {
      const vm = await withTestbed('vm', body, cluster);
      try {
        await compareTestbeds(vm, kernel);
      } finally {
        await vm.close();
      }
    } finally {
      await kernel.close();
    }
  });
}

/** A body only the VM can run (tunnel metadata, the virtual clock, redirect targets). */
export function vmScenario(name: string, body: Body, cluster: ClusterSpec = CLUSTER): void {
  test(`${name} [vm]`, async () => {
    await (await withTestbed('vm', body, cluster)).close();
  });
}

// ---- map contents, decoded and normalised ----

/** Conntrack lifetimes come from two clocks: compare what is left of them, by timeout class. */
const CT_TIMEOUTS = [10, 60, 21600];
export function lifetimeClass(lifetime: number, now: number): string {
  const left = lifetime - now;
  if (left < 0) return 'expired';
  const t = CT_TIMEOUTS.find((x) => Math.abs(left - x) <= 2);
  return t === undefined ? `${left}s left` : `~${t}s`;
}

/** A map's entries in the map JSON format (docs/map-json.md), whatever side they came from. */
export async function mapJson(side: Side, map: string): Promise<MapContentsJson> {
  const spec = side.spec.maps.find((m) => m.name === map);
  if (!spec) throw new Error(`${side.object}: no map ${map}`);
  const entries = await side.dump(map);
  const nCpus = Math.max(1, ...entries.map((e) => (Array.isArray(e.value) ? e.value.length : 1)));
  const scratch = createMap({ ...toMapDef(spec), maxEntries: Math.max(spec.maxEntries, entries.length) }, { nCpus });
  for (const e of entries) {
    const err = (scratch as { userUpdate(k: Uint8Array, v: Uint8Array | Uint8Array[]): number }).userUpdate(e.key, e.value);
    if (err < 0) throw new Error(`map ${map}: cannot decode an entry (errno ${-err})`);
  }
  return exportMap(scratch);
}

/** Conntrack entries with `lifetime` replaced by its timeout class. */
export async function ctEntries(side: Side): Promise<MapContentsJson> {
  const now = side.nowSec();
  return (await mapJson(side, 'cilium_ct4_global')).map(({ key, value }) => {
    const v = value as Record<string, JsonValue>;
    return { key, value: { ...v, lifetime: lifetimeClass(v.lifetime as number, now) } };
  });
}

/** Per-CPU values summed over CPUs (the kernel has several, the VM one). */
function sumPerCpu(value: JsonValue): JsonValue {
  if (!Array.isArray(value)) return value;
  const out: Record<string, number> = {};
  for (const v of value as Record<string, number>[]) for (const [k, n] of Object.entries(v)) out[k] = (out[k] ?? 0) + Number(n);
  return out;
}

export async function metrics(side: Side): Promise<MapContentsJson> {
  return (await mapJson(side, 'cilium_metrics')).map(({ key, value }) => ({ key, value: sumPerCpu(value) }));
}

/** Every stateful map of an object, normalised for comparison. */
async function comparableMaps(side: Side): Promise<Record<string, MapContentsJson>> {
  const out: Record<string, MapContentsJson> = {};
  for (const m of side.spec.maps) {
    if (m.source === 'data' || m.typeName === 'perf_event_array' || m.typeName === 'prog_array') continue;
    out[m.name] = m.name === 'cilium_ct4_global' ? await ctEntries(side) : m.name === 'cilium_metrics' ? await metrics(side) : await mapJson(side, m.name);
  }
  return out;
}

async function compareTestbeds(vm: Testbed, kernel: Testbed): Promise<void> {
  const vmSides = new Map(await vm.opened());
  for (const [id, k] of await kernel.opened()) {
    const v = vmSides.get(id);
    expect(v, `the VM run opened ${id} too`).toBeDefined();
    expect(v!.log.map((r) => r.prog), `${id}: the same runs`).toEqual(k.log.map((r) => r.prog));
    k.log.forEach((kr, i) => {
      expect(v!.log[i], `${id} run ${i} (${kr.prog}): VM vs kernel`).toEqual(kr);
    });
    expect(await comparableMaps(v!), `${id}: final maps, VM vs kernel`).toEqual(await comparableMaps(k));
  }
}

// ---- expectations on runs ----

export const TC_ACT = { OK: 0, SHOT: 2, REDIRECT: 7 } as const;

export function events(r: RunOut): DpEvent[] {
  return r.events.map(decodeEvent);
}

/** The drop notification of a dropped run (exactly one event, a drop, TC_ACT_SHOT). */
export function expectDrop(r: RunOut, reason: number): DpEvent & { kind: 'drop' } {
  expect(r.retval).toBe(TC_ACT.SHOT);
  const evs = events(r);
  const drop = evs.find((e) => e.kind === 'drop');
  expect(drop, `a drop event among ${JSON.stringify(evs.map((e) => e.kind))}`).toBeDefined();
  expect(drop!.kind === 'drop' && drop!.reasonName).toBe(DROP_NAME.get(reason) ?? `DROP_${reason}`);
  return drop as DpEvent & { kind: 'drop' };
}

const DROP_NAME = new Map(Object.entries(DROP).map(([k, v]) => [v as number, `DROP_${k}`]));

/** A redirect: TC_ACT_REDIRECT everywhere; in the VM also the helper and the target. */
export function expectRedirect(r: RunOut, helper: 'redirect' | 'redirect_peer', ifindex: number): void {
  expect(r.retval).toBe(TC_ACT.REDIRECT);
  if (r.redirect !== undefined) expect(r.redirect).toMatchObject({ helper, ifindex, flags: 0 });
}

export type { MapEntry };
