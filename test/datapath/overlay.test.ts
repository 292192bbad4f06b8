// bpf_overlay: the VXLAN device. A kernel test run cannot give a packet tunnel metadata
// (bpf_skb_get_tunnel_key returns -EINVAL there), so cil_from_overlay is compared with the
// kernel only on that error path; its tunnel-key paths are VM-only. cil_to_overlay's
// "no key yet" path runs in both.
import { describe, expect } from 'vitest';
import { scenario, vmScenario, expectDrop, expectRedirect, events, TC_ACT } from './testbed.js';
import { DROP, TRACE } from './events.js';
import { checksumsOk, frame, parse } from './packets.js';
import { P, N, fromPod, identityMark, ip4, receivedKey, TUNNEL_FLAG } from './traffic.js';
import { IDENTITY } from './cluster.js';
import type { TunnelKey } from '../../src/vm/index.js';

const client = P('client');
const web = P('web');
const db = P('db');
const n1 = N('node1');
const n2 = N('node2');

/** What node2's VXLAN device hands up for a packet from node1 with this VNI. */
const key = (vni: number): TunnelKey => receivedKey(vni, 'node1', 'node2');
/** The inner frame as node1's pod sent it (pod MAC -> node1's router MAC). */
const inner = (src: string, dst: string, l4: Parameters<typeof frame>[0]['l4']) => frame({ srcMac: client.mac, dstMac: n1.routerMac, src, dst, l4 });

describe('cil_from_overlay', () => {
  scenario('without tunnel metadata: DROP_NO_TUNNEL_KEY (the only path a kernel test run reaches)', async (tb) => {
    const ovl = await tb.overlay('node2');
    const r = await ovl.run('cil_from_overlay', inner(client.ip, db.ip, { proto: 'TCP', sport: 1, dport: 5432 }));
    expect(expectDrop(r, DROP.NO_TUNNEL_KEY)).toMatchObject({ file: 'encap.h', srcLabel: 0, ifindex: n2.vxlanIfindex });
    expect(events(r)).toHaveLength(1);
  });

  vmScenario('a pod of this node: identity from the VNI, routed (MACs, TTL) and redirected to its lxc with the identity in the mark', async (tb) => {
    const ovl = await tb.overlay('node2');
    const input = inner(client.ip, db.ip, { proto: 'TCP', sport: 41000, dport: 5432 });
    const r = await ovl.run('cil_from_overlay', input, { tunnelKey: key(client.identity) });
    expectRedirect(r, 'redirect', db.ifindex);
    expect(r.mark).toBe(identityMark(client.identity));
    expect(parse(r.dataOut)).toMatchObject({ dstMac: db.mac, srcMac: db.lxcMac, ttl: 63, src: client.ip, dst: db.ip });
    expect(checksumsOk(r.dataOut)).toEqual({ l3: true, l4: true });
    expect(events(r)).toMatchObject([{ kind: 'trace', obsPoint: TRACE.FROM_OVERLAY, srcLabel: client.identity, ifindex: n2.vxlanIfindex }]);
  });

  vmScenario('the node itself goes up the stack; unknown local addresses are DROP_UNROUTABLE', async (tb) => {
    const ovl = await tb.overlay('node2');
    const toNode = await ovl.run('cil_from_overlay', inner(client.ip, n2.routerIp, { proto: 'ICMP' }), { tunnelKey: key(client.identity) });
    expect(toNode.retval).toBe(TC_ACT.OK);
    expect(events(toNode).map((e) => e.kind === 'trace' && e.obsName)).toEqual(['TRACE_FROM_OVERLAY', 'TRACE_TO_STACK']);
    const nobody = await ovl.run('cil_from_overlay', inner(client.ip, '10.0.2.99', { proto: 'ICMP' }), { tunnelKey: key(client.identity) });
    expectDrop(nobody, DROP.UNROUTABLE);
  });

  vmScenario('VNI 0, non-IPv4 inner frames and broken inner headers are dropped', async (tb) => {
    const ovl = await tb.overlay('node2');
    const good = inner(client.ip, db.ip, { proto: 'TCP', sport: 1, dport: 2 }); // 54 bytes: enough for a test run of an IPv6 frame too
    expectDrop(await ovl.run('cil_from_overlay', good, { tunnelKey: key(0) }), DROP.INVALID_VNI);
    const v6 = good.slice();
    v6[12] = 0x86;
    v6[13] = 0xdd;
    expectDrop(await ovl.run('cil_from_overlay', v6, { tunnelKey: key(client.identity) }), DROP.UNKNOWN_L3);
    const bad = good.slice();
    bad[14] = 0x43;
    expect(expectDrop(await ovl.run('cil_from_overlay', bad, { tunnelKey: key(client.identity) }), DROP.INVALID).srcLabel).toBe(client.identity);
  });
});

describe('cil_to_overlay', () => {
  scenario('traffic the stack routes into the tunnel gets a key from the IP cache; no tunnel endpoint is a drop', async (tb) => {
    const ovl = await tb.overlay('node1');
    // The node (host identity) pinging a pod on node2.
    const ping = frame({ srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', src: n1.ip, dst: db.ip, l4: { proto: 'ICMP' } });
    const r = await ovl.run('cil_to_overlay', ping);
    expect(r.retval).toBe(TC_ACT.OK);
    expect(r.dataOut).toEqual(ping);
    if (r.tunnelKey !== undefined) expect(r.tunnelKey).toMatchObject({ tunnelId: IDENTITY.host, dstIpv4: ip4(n2.ip), ttl: 64 });
    expect(events(r)).toMatchObject([{ kind: 'trace', obsPoint: TRACE.TO_OVERLAY, srcLabel: IDENTITY.host, dstLabel: db.identity, ifindex: n1.vxlanIfindex }]);
    // A local pod's address keeps its identity.
    const fromPodR = await ovl.run('cil_to_overlay', fromPod('client', db.ip, { proto: 'UDP', sport: 9, dport: 9 }));
    expect(events(fromPodR)[0]).toMatchObject({ srcLabel: client.identity });
    const world = await ovl.run('cil_to_overlay', frame({ srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', src: n1.ip, dst: '8.8.8.8', l4: { proto: 'ICMP' } }));
    expect(expectDrop(world, DROP.NO_TUNNEL_ENDPOINT)).toMatchObject({ srcLabel: IDENTITY.host, file: 'bpf_overlay.c' });
    const v6 = ping.slice();
    v6[12] = 0x86;
    v6[13] = 0xdd;
    expectDrop(await ovl.run('cil_to_overlay', v6), DROP.UNKNOWN_L3);
  });

  vmScenario('what bpf_lxc encapsulated already has its key: passed on untouched and untraced', async (tb) => {
    const ovl = await tb.overlay('node1');
    const pkt = fromPod('client', db.ip, { proto: 'TCP', sport: 1, dport: 5432 });
    const r = await ovl.run('cil_to_overlay', pkt, { tunnelKey: { tunnelId: client.identity, srcIpv4: 0, dstIpv4: ip4(n2.ip), tos: 0, ttl: 64, label: 0, flags: TUNNEL_FLAG.KEY } });
    expect(r.retval).toBe(TC_ACT.OK);
    expect(r.events).toEqual([]);
    expect(r.tunnelKey).toMatchObject({ tunnelId: client.identity });
  });
});
