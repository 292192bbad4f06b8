// The datapath benchmarks: the real Cilium-style objects of bpf/ (bpf/build/bpf_lxc.o and
// bpf_host.o, built by `make -C bpf`) on node1 of a synthetic 40-node cluster whose maps have
// realistic sizes: 10,000 IP cache entries, 1,000 services with 3 backends each, 1,000 policy
// entries. The cluster is plain data (the agent's DatapathCluster); the agent's own encoders
// (src/agent: nodeMaps, nodeConfig, rodataPatches, mapsOf, entryBytes) turn it into the .rodata
// configuration and the map contents, which the VM imports (importMaps) and the kernel gets as
// the same key/value bytes (BPF_MAP_UPDATE_ELEM through the test-run helper), as the datapath
// tests (test/datapath/sides.ts) and `dpsim replay` do. Shared by bench/run.ts,
// bench/replay.ts and test/bench/datapath-bench.test.ts.
import { execFileSync } from 'node:child_process';
import { loadObjectSpec, type ObjectSpec } from '../src/elf/index.js';
import { importMaps, type MapsJson } from '../src/maps/index.js';
import { LoadedObject, SKB, SKB_CTX_SIZE, type EngineName } from '../src/vm/index.js';
import { KernelTestRun } from '../harness/testrun.js';
import { nodeMaps, type DatapathCluster, type DatapathEndpoint, type DatapathNode, type DatapathService, type PolicyEntrySpec } from '../src/agent/datapath-maps.js';
import { nodeConfig, rodataPatches, type GlobalPatch } from '../src/agent/node-config.js';
import { entryBytes, mapsOf } from '../src/agent/map-bytes.js';
import { HASH_SEED, IDENTITY, PROTO, SNAT_PORTS } from '../src/agent/datapath-constants.js';
import { HOST_ENDPOINT_ID, IFINDEX, lxcMac, nodeMac, podMac, routerMac } from '../src/agent/topology.js';
import { FIRST_CIDR_IDENTITY, FIRST_CLUSTER_IDENTITY } from '../src/agent/identity.js';
import { numToIp } from '../src/agent/ipv4.js';
import { ethernet, ipv4, tcp, IPPROTO } from '../src/packet/build.js';
import { repoPath } from '../src/repo-root.js';

// ---- the cluster ----

export const DP_NODES = 40;
export const DP_LOCAL_PODS = 64;
export const DP_PODS = 9_000;
export const DP_IPCACHE_ENTRIES = 10_000;
export const DP_SERVICES = 1_000;
export const DP_BACKENDS_PER_SERVICE = 3;
export const DP_POLICY_ENTRIES = 1_000;
/** Distinct pod identities ("apps"); pods share them round robin. */
const APPS = 400;
/** The node whose datapath is measured. */
export const DP_NODE = 'node1';
/** An address on the Internet (TEST-NET-3): only the IP cache's 0.0.0.0/0 covers it. */
export const WORLD_IP = '203.0.113.10';
/** The external network's router, the destination MAC of frames leaving eth0. */
export const GATEWAY_MAC = '52:54:00:ff:ff:01';

export interface BenchCluster {
  cluster: DatapathCluster;
  node1: DatapathNode;
  node2: DatapathNode;
  /** client (node1) talks to web (node1), db (node2) and the world. */
  client: DatapathEndpoint;
  web: DatapathEndpoint;
  db: DatapathEndpoint;
}

function node(k: number): DatapathNode {
  return {
    name: `node${k}`, ip: `192.168.100.${k}`, mac: nodeMac(k), routerIp: `10.${k}.0.1`, routerMac: routerMac(k),
    podCidr: `10.${k}.0.0/16`, nativeIfindex: IFINDEX.eth0, vxlanIfindex: IFINDEX.vxlan0, hostEndpointId: HOST_ENDPOINT_ID,
  };
}

/** Pod `slot` (from 1) of node k: 10.k.x.y from 10.k.0.10 upward. */
function pod(p: number, k: number, slot: number, local: boolean): DatapathEndpoint {
  const n = slot + 9;
  const ip = `10.${k}.${n >> 8}.${n & 0xff}`;
  return {
    name: `pod${p}`, node: `node${k}`, ip, mac: podMac(ip), lxcMac: lxcMac(ip), ifindex: 10 + slot, endpointId: 100 + slot,
    identity: FIRST_CLUSTER_IDENTITY + (p % APPS),
    // node1's pods enforce policy both ways (default deny), so every new flow needs an allow entry.
    ...(local ? { enforce: { ingress: true, egress: true } } : {}),
  };
}

let cached: BenchCluster | undefined;

/** The cluster (deterministic; built once per process). */
export function benchCluster(): BenchCluster {
  if (cached) return cached;
  const nodes = Array.from({ length: DP_NODES }, (_, i) => node(i + 1));
  const pods: DatapathEndpoint[] = [];
  const slots = new Array<number>(DP_NODES + 1).fill(0);
  for (let p = 0; p < DP_PODS; p++) {
    const k = p < DP_LOCAL_PODS ? 1 : 2 + ((p - DP_LOCAL_PODS) % (DP_NODES - 1));
    pods.push(pod(p, k, ++slots[k]!, k === 1));
  }
  const [client, web] = [pods[0]!, pods[1]!];
  const db = pods[DP_LOCAL_PODS]!; // the first pod of node2

  // 1,000 ClusterIP services (VIPs in 172.20.0.0/16), 3 backends each, spread over the cluster.
  const services: DatapathService[] = [];
  const backendIds = new Map<string, number>();
  for (let i = 0; i < DP_SERVICES; i++) {
    const proto = i % 3 === 2 ? 'UDP' : 'TCP';
    const port = proto === 'UDP' ? 53 : i % 3 === 0 ? 80 : 443;
    const targetPort = proto === 'UDP' ? 53 : 8080;
    const backends = Array.from({ length: DP_BACKENDS_PER_SERVICE }, (_, b) => {
      const ip = pods[(i * 37 + b * 101) % DP_PODS]!.ip;
      const key = `${ip}:${targetPort}/${proto}`;
      if (!backendIds.has(key)) backendIds.set(key, backendIds.size + 1);
      return { id: backendIds.get(key)!, ip, port: targetPort };
    });
    services.push({ name: `svc${i}`, vip: `172.20.${Math.floor(i / 250)}.${1 + (i % 250)}`, port, proto, revNatIndex: i + 1, backends });
  }

  // 1,000 policy entries of node1's pods: the four the benchmark flows need, then allows of
  // TCP/UDP ports for other identities, spread over the 64 local pods.
  const policy: PolicyEntrySpec[] = [];
  const seen = new Set<string>();
  const add = (e: PolicyEntrySpec) => {
    const id = `${e.pod}/${e.direction}/${e.identity}/${e.proto}/${e.port}/${e.portPrefixLen}`;
    if (seen.has(id)) return;
    seen.add(id);
    policy.push(e);
  };
  const allow = (p: DatapathEndpoint, direction: 'ingress' | 'egress', identity: number, proto: number, port: number) =>
    add({ pod: p.name, direction, identity, proto, port, portPrefixLen: 16, deny: false });
  allow(client, 'egress', web.identity, PROTO.TCP, 80);
  allow(web, 'ingress', client.identity, PROTO.TCP, 80);
  allow(client, 'egress', db.identity, PROTO.TCP, 5432);
  allow(client, 'egress', IDENTITY.world, PROTO.TCP, 443);
  for (let n = 0; policy.length < DP_POLICY_ENTRIES; n++) {
    const p = pods[n % DP_LOCAL_PODS]!;
    allow(p, n % 2 ? 'egress' : 'ingress', FIRST_CLUSTER_IDENTITY + ((n * 7) % APPS), n % 5 === 4 ? PROTO.UDP : PROTO.TCP, 1000 + (n % 997));
  }

  const base: DatapathCluster = {
    clusterCidr: '10.0.0.0/10', masquerade: true, snatPorts: SNAT_PORTS, hashSeed: HASH_SEED,
    nodes, pods, services, policy,
  };
  // CIDR identities (as policies toCIDR would make them: /24s of 100.64.0.0/10) fill the IP
  // cache up to exactly 10,000 entries.
  const without = nodeMaps(base, DP_NODE).cilium_ipcache!.length;
  const cidrs = Array.from({ length: DP_IPCACHE_ENTRIES - without }, (_, i) => ({
    prefix: `${numToIp((((100 << 24) | (64 << 16)) + (i << 8)) >>> 0)}/24`, identity: FIRST_CIDR_IDENTITY + 1 + i,
  }));
  const cluster = { ...base, cidrs };
  cached = { cluster, node1: nodes[0]!, node2: nodes[1]!, client, web, db };
  return cached;
}

/** node1's maps and .rodata values, by the agent's encoders (map JSON, docs/map-json.md). */
export function benchNodeMaps(): MapsJson {
  return nodeMaps(benchCluster().cluster, DP_NODE);
}

export function benchNodeConfig(): ReturnType<typeof nodeConfig> {
  return nodeConfig(benchCluster().cluster, DP_NODE);
}

// ---- the objects ----

export type DpObject = 'bpf_lxc' | 'bpf_host';

let built = false;

/** bpf/build/NAME.o, made (`make -s -C bpf`, a no-op when up to date) once per process. */
export function datapathObjectPath(object: DpObject): string {
  if (!built) {
    execFileSync('make', ['-s', '-C', repoPath('bpf')], { stdio: ['ignore', 'ignore', 'inherit'] });
    built = true;
  }
  return repoPath('bpf', 'build', `${object}.o`);
}

const specs = new Map<DpObject, Promise<ObjectSpec>>();
export function datapathSpec(object: DpObject): Promise<ObjectSpec> {
  let s = specs.get(object);
  if (!s) specs.set(object, (s = loadObjectSpec(datapathObjectPath(object))));
  return s;
}

/** What an object is loaded with: the node's .rodata patches and the part of its maps the object has. */
export async function datapathState(object: DpObject): Promise<{ spec: ObjectSpec; globals: GlobalPatch[]; maps: MapsJson }> {
  const spec = await datapathSpec(object);
  return { spec, globals: rodataPatches(spec, benchNodeConfig()), maps: mapsOf(spec, benchNodeMaps()) };
}

/** The part of node1's maps an object has (map JSON). */
export async function mapsOfObject(object: DpObject): Promise<MapsJson> {
  return (await datapathState(object)).maps;
}

/** The object in the VM, configured as node1 (engine: LoadOptions.engine; undefined = the process default). */
export async function loadDatapathVm(object: DpObject, engine?: EngineName): Promise<LoadedObject> {
  const { spec, globals, maps } = await datapathState(object);
  const obj = LoadedObject.load(spec, { globals, ...(engine ? { engine } : {}) });
  importMaps([...obj.maps.values()], maps);
  return obj;
}

/** The object in the kernel (a test-run helper), configured with the same bytes. Close it. */
export async function openDatapathKernel(object: DpObject): Promise<KernelTestRun> {
  const { spec, globals, maps } = await datapathState(object);
  const kt = await KernelTestRun.open(datapathObjectPath(object), { rodata: globals });
  try {
    await kt.load();
    // Pipelined: the helper answers in order, so a chunk costs about one round trip.
    const entries = entryBytes(spec, maps);
    for (let i = 0; i < entries.length; i += 512) {
      await Promise.all(entries.slice(i, i + 512).map((e) => kt.update(e.map, e.key, e.value)));
    }
  } catch (err) {
    await kt.close();
    throw err;
  }
  return kt;
}

/** Entries per control-plane map of an object loaded in the VM. */
export function mapSizes(obj: LoadedObject): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of ['cilium_ipcache', 'cilium_lxc', 'cilium_policy', 'cilium_lb4_services_v2', 'cilium_lb4_backends_v3', 'cilium_lb4_reverse_nat']) {
    const m = obj.maps.get(name);
    if (m) out[name] = m.count;
  }
  return out;
}

// ---- packets ----

const PAYLOAD = new Uint8Array(64).fill(0x61);

/** A TCP segment (ACK + PSH, 64 bytes of data: 118-byte frame). */
export function tcpSegment(o: { srcMac: string; dstMac: string; src: string; dst: string; sport: number; dport: number; ttl?: number }): Uint8Array {
  const ip = { src: o.src, dst: o.dst };
  const l4 = tcp(ip, { sport: o.sport, dport: o.dport, flags: 'PA', seq: 1000, ack: 2000, payload: PAYLOAD });
  return ethernet({ src: o.srcMac, dst: o.dstMac }, ipv4({ ...ip, proto: IPPROTO.TCP, id: 7, ttl: o.ttl ?? 64 }, l4));
}

/** A frame a pod sends to its gateway, as its lxc's tc ingress (cil_from_container) sees it. */
function fromPod(src: DatapathEndpoint, dst: string, sport: number, dport: number): Uint8Array {
  return tcpSegment({ srcMac: src.mac, dstMac: benchCluster().node1.routerMac, src: src.ip, dst, sport, dport });
}

/** struct __sk_buff for ctx_in: the fields BPF_PROG_TEST_RUN accepts, here ingress_ifindex. */
export function skbCtx(ingressIfindex = 0): Uint8Array {
  const ctx = new Uint8Array(SKB_CTX_SIZE);
  new DataView(ctx.buffer).setUint32(SKB.ingress_ifindex, ingressIfindex, true);
  return ctx;
}

export interface DatapathBench {
  name: string;
  what: string;
  object: DpObject;
  prog: string;
  packet: Uint8Array;
  ctx: Uint8Array;
  /**
   * The most runs of one test run that all take the same path: BPF_PROG_TEST_RUN's repeat
   * reruns the program on the packet it rewrote (TTL decrements accumulate; a SNATed packet
   * is no longer a pod's), and the kernel's perf ring (8 pages a CPU in the helper) must hold
   * every run's events (2 per run, ~200 bytes each) or later runs skip the copy.
   */
  maxRepeat: number;
}

export const DP_MAX_REPEAT = 48;

/** The four datapath benchmarks (packets and contexts built once). */
export function datapathBenches(): DatapathBench[] {
  const { client, web, db, node1 } = benchCluster();
  const onClientLxc = skbCtx(client.ifindex);
  return [
    {
      name: 'lxc_same_node', object: 'bpf_lxc', prog: 'cil_from_container', ctx: onClientLxc, maxRepeat: DP_MAX_REPEAT,
      what: 'cil_from_container, pod -> pod on node1 (established TCP): 2 tail calls, egress and ingress CT, TTL and MAC rewrite, redirect_peer',
      packet: fromPod(client, web.ip, 40001, 80),
    },
    {
      name: 'lxc_cross_node', object: 'bpf_lxc', prog: 'cil_from_container', ctx: onClientLxc, maxRepeat: DP_MAX_REPEAT,
      what: 'cil_from_container, pod -> pod on node2 (established TCP): CT, IP cache -> node2, tunnel key, redirect to the VXLAN device',
      packet: fromPod(client, db.ip, 40002, 5432),
    },
    {
      name: 'lxc_world', object: 'bpf_lxc', prog: 'cil_from_container', ctx: onClientLxc, maxRepeat: DP_MAX_REPEAT,
      what: `cil_from_container, pod -> ${WORLD_IP}:443 (established TCP): CT, IP cache 0.0.0.0/0 (world), up the stack`,
      packet: fromPod(client, WORLD_IP, 40003, 443),
    },
    {
      name: 'host_snat', object: 'bpf_host', prog: 'cil_to_netdev', ctx: skbCtx(0), maxRepeat: 1,
      what: 'cil_to_netdev, that pod -> world flow leaving eth0: SNAT to the node IP (existing mapping), address/port/checksum rewrite',
      packet: tcpSegment({ srcMac: node1.mac, dstMac: GATEWAY_MAC, src: client.ip, dst: WORLD_IP, sport: 40003, dport: 443, ttl: 63 }),
    },
  ];
}
