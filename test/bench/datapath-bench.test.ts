// The datapath benchmarks of bench/run.ts (bench/datapath.ts) exercise what they claim, in the
// VM (the process's default engine; no kernel needed): node1's maps have the advertised sizes,
// the same-node packet is delivered into the right pod (redirect_peer, MACs and TTL rewritten),
// the cross-node packet gets the tunnel key of node2 and goes to the VXLAN device, the world
// packet goes up the stack untouched, and cil_to_netdev SNATs the same flow to the node IP.
// The first run of each flow is new (policy consulted), the timed ones are established, and
// repeating a test run up to its maxRepeat keeps that path. No timing here.
import { beforeAll, describe, expect, test } from 'vitest';
import { testRun, type LoadedObject, type TestRunResult } from '../../src/vm/index.js';
import { internetChecksum, pseudoHeaderSum } from '../../src/packet/csum.js';
import { parseIpv4, parseMac } from '../../src/packet/build.js';
import { SNAT_PORTS } from '../../src/agent/datapath-constants.js';
import {
  benchCluster, datapathBenches, loadDatapathVm, mapSizes, DP_IPCACHE_ENTRIES, DP_POLICY_ENTRIES, DP_SERVICES, DP_BACKENDS_PER_SERVICE,
  DP_LOCAL_PODS, type DatapathBench,
} from '../../bench/datapath.js';
import { expectedReplayCounts, replayPattern } from '../../bench/replay.js';

const TC_ACT_OK = 0;
const TC_ACT_REDIRECT = 7;
// bpf/lib/events.h
const TRACE = { TO_LXC: 0, TO_STACK: 3, TO_OVERLAY: 4, FROM_LXC: 5, TO_NETWORK: 11 } as const;
const REASON = { NEW: 0, ESTABLISHED: 1, UNKNOWN: 5 } as const;

/** Observation point and conntrack reason of each trace notification (struct trace_notify). */
function traces(r: TestRunResult): [number, number][] {
  return r.events.filter((e) => e.map === 'cilium_events').map((e) => {
    expect(e.data[0], 'a trace notification').toBe(4);
    return [e.data[1]!, e.data[26]!];
  });
}

const bytes = (a: Uint8Array, from: number, to: number) => [...a.subarray(from, to)];
const u16 = (a: Uint8Array, at: number) => (a[at]! << 8) | a[at + 1]!;
const IP = 14, TCP = 34;

function ipChecksumOk(f: Uint8Array): boolean {
  return internetChecksum(f.subarray(IP, IP + 20)) === 0;
}

function tcpChecksumOk(f: Uint8Array): boolean {
  const seg = f.subarray(TCP, IP + u16(f, IP + 2));
  return internetChecksum(seg, pseudoHeaderSum(f.subarray(IP + 12, IP + 16), f.subarray(IP + 16, IP + 20), 6, seg.length)) === 0;
}

const { client, web, db, node1, node2 } = benchCluster();
const benches = Object.fromEntries(datapathBenches().map((b) => [b.name, b])) as Record<string, DatapathBench>;
let lxc: LoadedObject;
let host: LoadedObject;

beforeAll(async () => {
  lxc = await loadDatapathVm('bpf_lxc');
  host = await loadDatapathVm('bpf_host');
});

function run(b: DatapathBench, repeat = 1): TestRunResult {
  const obj = b.object === 'bpf_lxc' ? lxc : host;
  const r = testRun(obj, obj.program(b.prog), { dataIn: b.packet, ctxIn: b.ctx, repeat });
  expect(r.fault).toBeNull();
  return r;
}

/** Packets of the policy entries the benchmark flows use (counted only when a new flow is decided). */
function policyPackets(): number {
  let n = 0;
  for (const [, value] of lxc.map('cilium_policy').entries()) n += Number(new DataView((value as Uint8Array).buffer, (value as Uint8Array).byteOffset).getBigUint64(8, true));
  return n;
}

describe('datapath benchmarks (VM)', () => {
  test('node1 has the advertised map sizes', () => {
    expect(mapSizes(lxc)).toEqual({
      cilium_ipcache: DP_IPCACHE_ENTRIES,
      cilium_lxc: DP_LOCAL_PODS + 2, // the pods and the node's two host addresses
      cilium_policy: DP_POLICY_ENTRIES,
      cilium_lb4_services_v2: DP_SERVICES * (1 + DP_BACKENDS_PER_SERVICE),
      cilium_lb4_backends_v3: expect.any(Number),
      cilium_lb4_reverse_nat: DP_SERVICES,
    });
    expect(mapSizes(lxc).cilium_lb4_backends_v3).toBeGreaterThan(2000);
    expect(mapSizes(host)).toEqual({ cilium_ipcache: DP_IPCACHE_ENTRIES, cilium_lxc: DP_LOCAL_PODS + 2 });
  });

  test('lxc_same_node: delivered into web with redirect_peer; new, then established', () => {
    const b = benches.lxc_same_node!;
    const before = policyPackets();
    const first = run(b);
    expect(first.retval).toBe(TC_ACT_REDIRECT);
    expect(first.redirect).toMatchObject({ helper: 'redirect_peer', ifindex: web.ifindex });
    expect(traces(first)).toEqual([[TRACE.FROM_LXC, REASON.UNKNOWN], [TRACE.TO_LXC, REASON.NEW]]);
    expect(policyPackets() - before).toBe(2); // client's egress allow and web's ingress allow

    const r = run(b);
    expect(r.retval).toBe(TC_ACT_REDIRECT);
    expect(r.redirect).toMatchObject({ helper: 'redirect_peer', ifindex: web.ifindex });
    expect(traces(r)).toEqual([[TRACE.FROM_LXC, REASON.UNKNOWN], [TRACE.TO_LXC, REASON.ESTABLISHED]]);
    expect(policyPackets() - before).toBe(2); // established: policy not consulted
    // Routed into the pod: its MAC as destination, its lxc's as source, one hop less.
    expect(bytes(r.dataOut, 0, 6)).toEqual([...parseMac(web.mac)]);
    expect(bytes(r.dataOut, 6, 12)).toEqual([...parseMac(web.lxcMac)]);
    expect(r.dataOut[IP + 8]).toBe(b.packet[IP + 8]! - 1);
    expect(ipChecksumOk(r.dataOut)).toBe(true);
    expect(bytes(r.dataOut, IP + 12, r.dataOut.length)).toEqual(bytes(b.packet, IP + 12, b.packet.length));

    // A timed test run (maxRepeat runs on the packet it rewrites) stays on that path.
    const rep = run(b, b.maxRepeat);
    expect(rep.retval).toBe(TC_ACT_REDIRECT);
    expect(rep.events).toHaveLength(2 * b.maxRepeat);
    expect(traces(rep).filter(([p, reason]) => p === TRACE.TO_LXC && reason === REASON.ESTABLISHED)).toHaveLength(b.maxRepeat);
    expect(rep.dataOut[IP + 8]).toBe(b.packet[IP + 8]! - b.maxRepeat);
  });

  test('lxc_cross_node: tunnel key to node2, redirected to the VXLAN device', () => {
    const b = benches.lxc_cross_node!;
    expect(traces(run(b))).toEqual([[TRACE.FROM_LXC, REASON.UNKNOWN], [TRACE.TO_OVERLAY, REASON.NEW]]);
    const r = run(b, b.maxRepeat);
    expect(r.retval).toBe(TC_ACT_REDIRECT);
    expect(r.redirect).toMatchObject({ helper: 'redirect', ifindex: node1.vxlanIfindex });
    // The VXLAN device encapsulates with this key: outer destination node2, VNI = the source identity.
    const ip2 = parseIpv4(node2.ip);
    expect(r.tunnelKey).toMatchObject({ dstIpv4: ((ip2[0]! << 24) | (ip2[1]! << 16) | (ip2[2]! << 8) | ip2[3]!) >>> 0, tunnelId: client.identity, ttl: 64 });
    expect(traces(r).every(([p, reason]) => reason === (p === TRACE.TO_OVERLAY ? REASON.ESTABLISHED : REASON.UNKNOWN))).toBe(true);
    expect([...r.dataOut]).toEqual([...b.packet]); // the inner frame leaves as it came
    expect(db.node).toBe('node2');
  });

  test('lxc_world: up the stack, untouched', () => {
    const b = benches.lxc_world!;
    expect(traces(run(b))).toEqual([[TRACE.FROM_LXC, REASON.UNKNOWN], [TRACE.TO_STACK, REASON.NEW]]);
    const r = run(b, b.maxRepeat);
    expect(r.retval).toBe(TC_ACT_OK);
    expect(r.redirect).toBeNull();
    expect(traces(r).filter(([p, reason]) => p === TRACE.TO_STACK && reason === REASON.ESTABLISHED)).toHaveLength(b.maxRepeat);
    expect([...r.dataOut]).toEqual([...b.packet]);
  });

  test('host_snat: cil_to_netdev masquerades the pod to the node IP with a port from the SNAT range', () => {
    const b = benches.host_snat!;
    expect(b.maxRepeat).toBe(1); // a SNATed packet is no longer a pod's: never repeated on itself
    const nat = host.map('cilium_snat_v4_external');
    const first = run(b);
    expect(nat.count).toBe(2); // the flow's EGRESS and INGRESS entries
    const r = run(b);
    expect(nat.count).toBe(2); // the second packet reuses the mapping
    for (const x of [first, r]) {
      expect(x.retval).toBe(TC_ACT_OK);
      expect(traces(x)).toEqual([[TRACE.TO_NETWORK, REASON.UNKNOWN]]);
    }
    expect([...r.dataOut]).toEqual([...first.dataOut]);
    const f = r.dataOut;
    expect(bytes(f, IP + 12, IP + 16)).toEqual([...parseIpv4(node1.ip)]);
    expect(bytes(b.packet, IP + 12, IP + 16)).toEqual([...parseIpv4(client.ip)]);
    const sport = u16(f, TCP);
    expect(sport).toBeGreaterThanOrEqual(SNAT_PORTS[0]);
    expect(sport).toBeLessThanOrEqual(SNAT_PORTS[1]);
    expect(sport).not.toBe(u16(b.packet, TCP));
    expect(bytes(f, IP + 16, IP + 20)).toEqual(bytes(b.packet, IP + 16, IP + 20)); // destination kept
    expect(u16(f, TCP + 2)).toBe(443);
    expect(ipChecksumOk(f)).toBe(true);
    expect(tcpChecksumOk(f)).toBe(true);
    expect(tcpChecksumOk(b.packet)).toBe(true);
  });

  test('the replay capture\'s pattern gets the verdicts bench/replay.ts expects', () => {
    const obj = lxc;
    const pattern = replayPattern();
    const got = { passed: 0, redirected: 0, dropped: 0 };
    const targets = new Map<number, number>();
    for (const frame of pattern) {
      const r = testRun(obj, obj.program('cil_from_container'), { dataIn: frame, ctxIn: benches.lxc_world!.ctx });
      expect(r.fault).toBeNull();
      if (r.retval === TC_ACT_REDIRECT) {
        got.redirected++;
        targets.set(r.redirect!.ifindex, (targets.get(r.redirect!.ifindex) ?? 0) + 1);
      } else if (r.retval === TC_ACT_OK) got.passed++;
      else got.dropped++;
    }
    expect(got).toEqual(expectedReplayCounts(pattern.length));
    expect(Object.fromEntries(targets)).toEqual({ [web.ifindex]: pattern.length / 3, [node1.vxlanIfindex]: pattern.length / 3 });
  });
});
