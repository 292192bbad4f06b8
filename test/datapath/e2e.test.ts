// Packets across programs and nodes, each hop fed with what the previous one produced (the
// tunnel key, the mark, the rewritten bytes). VM only: from-overlay needs tunnel metadata,
// which a kernel test run cannot give; every hop's program is compared with the kernel on
// its own in the other test files.
import { describe, expect } from 'vitest';
import { vmScenario, expectDrop, expectRedirect, events, TC_ACT, type Testbed } from './testbed.js';
import { DROP, REASON, TRACE } from './events.js';
import { checksumsOk, frame, parse, patchIpv4 } from './packets.js';
import { C, P, N, fromPod, onLxcOf, ip4, receivedKey } from './traffic.js';
import type { RunOut } from './sides.js';
import { backendSlot, flowHash4 } from './hash.js';

const client = P('client');
const db = P('db');
const web = P('web');
const web2 = P('web2');

/** Through the tunnel: the far node's VXLAN device reports the VNI and the sender's address. */
async function viaTunnel(tb: Testbed, from: string, to: string, sent: RunOut): Promise<RunOut> {
  expect(sent.retval).toBe(TC_ACT.REDIRECT);
  expect(sent.redirect).toMatchObject({ helper: 'redirect', ifindex: N(from).vxlanIfindex });
  expect(sent.tunnelKey?.dstIpv4).toBe(ip4(N(to).ip));
  return (await tb.overlay(to)).run('cil_from_overlay', sent.dataOut, { tunnelKey: receivedKey(sent.tunnelKey!.tunnelId, from, to) });
}

/** Into the pod's lxc (egress) where a redirect with the identity mark lands. */
async function intoLxc(tb: Testbed, nodeName: string, redirected: RunOut, podName: string): Promise<RunOut> {
  expectRedirect(redirected, 'redirect', P(podName).ifindex);
  return (await tb.lxc(nodeName)).run('cil_to_container', redirected.dataOut, { mark: redirected.mark });
}

/** What the node's stack does to a packet it routes: next-hop MACs, TTL - 1. */
function stackForward(f: Uint8Array, srcMac: string, dstMac: string): Uint8Array {
  return patchIpv4(f, (b) => {
    b.set(dstMac.split(':').map((x) => parseInt(x, 16)), 0);
    b.set(srcMac.split(':').map((x) => parseInt(x, 16)), 6);
    b[22] = b[22]! - 1;
  });
}

describe('end to end (VM)', () => {
  vmScenario('pod to pod across nodes: a TCP handshake through both tunnels, policy on the far side, the reply recognised', async (tb) => {
    const syn = await (await tb.lxc('node1')).run('cil_from_container', fromPod('client', db.ip, { proto: 'TCP', sport: 44000, dport: 5432, flags: 'S' }), onLxcOf('client'));
    expect(syn.tunnelKey?.tunnelId).toBe(client.identity);
    const arrived = await viaTunnel(tb, 'node1', 'node2', syn);
    const delivered = await intoLxc(tb, 'node2', arrived, 'db');
    expect(delivered.retval).toBe(TC_ACT.OK);
    expect(parse(delivered.dataOut)).toMatchObject({ src: client.ip, dst: db.ip, dstMac: db.mac, srcMac: db.lxcMac, ttl: 63 });
    expect(checksumsOk(delivered.dataOut)).toEqual({ l3: true, l4: true });
    expect(events(delivered)[0]).toMatchObject({ obsPoint: TRACE.TO_LXC, srcLabel: client.identity, dstLabel: db.identity, reason: REASON.POLICY });

    const synack = await (await tb.lxc('node2')).run('cil_from_container', fromPod('db', client.ip, { proto: 'TCP', sport: 5432, dport: 44000, flags: 'SA' }), onLxcOf('db'));
    expect(events(synack)[1]).toMatchObject({ obsPoint: TRACE.TO_OVERLAY, reason: REASON.REPLY, srcLabel: db.identity });
    const back = await viaTunnel(tb, 'node2', 'node1', synack);
    const home = await intoLxc(tb, 'node1', back, 'client');
    // client allows no new inbound connection: this one gets in as a reply.
    expect(home.retval).toBe(TC_ACT.OK);
    expect(events(home)[0]).toMatchObject({ obsPoint: TRACE.TO_LXC, srcLabel: db.identity, reason: REASON.REPLY });
    expect(parse(home.dataOut)).toMatchObject({ src: db.ip, dst: client.ip, dstMac: client.mac, ttl: 63 });
  });

  vmScenario('a deny rule applies to traffic from another node (identity carried in the VNI, then the mark)', async (tb) => {
    const sent = await (await tb.lxc('node2')).run('cil_from_container', fromPod('db', web.ip, { proto: 'TCP', sport: 44001, dport: 80, flags: 'S' }), onLxcOf('db'));
    const arrived = await viaTunnel(tb, 'node2', 'node1', sent);
    const r = await intoLxc(tb, 'node1', arrived, 'web');
    expect(expectDrop(r, DROP.POLICY_DENY)).toMatchObject({ srcLabel: db.identity, dstLabel: web.identity, source: web.endpointId });
  });

  vmScenario('pod to world and back through masquerading: the reply reaches the pod as a conntrack reply', async (tb) => {
    const n1 = N('node1');
    const GW = '52:54:00:ff:ff:01';
    const q = await (await tb.lxc('node1')).run('cil_from_container', fromPod('client', '8.8.8.8', { proto: 'UDP', sport: 44002, dport: 53 }), onLxcOf('client'));
    expect(q.retval).toBe(TC_ACT.OK);
    const sent = await (await tb.host('node1')).run('cil_to_netdev', stackForward(q.dataOut, n1.mac, GW));
    const wire = parse(sent.dataOut);
    expect(wire).toMatchObject({ src: n1.ip, dst: '8.8.8.8', dport: 53 });

    const answer = frame({ srcMac: GW, dstMac: n1.mac, src: '8.8.8.8', dst: n1.ip, l4: { proto: 'UDP', sport: 53, dport: wire.sport } });
    const back = await (await tb.host('node1')).run('cil_from_netdev', answer);
    const home = await intoLxc(tb, 'node1', back, 'client');
    expect(home.retval).toBe(TC_ACT.OK);
    expect(parse(home.dataOut)).toMatchObject({ src: '8.8.8.8', sport: 53, dst: client.ip, dport: 44002, dstMac: client.mac });
    expect(checksumsOk(home.dataOut)).toEqual({ l3: true, l4: true });
    expect(events(home)[0]).toMatchObject({ obsPoint: TRACE.TO_LXC, reason: REASON.REPLY, srcLabel: 2 });
  });

  vmScenario('a ClusterIP service with a backend on the other node, there and back', async (tb) => {
    const svc = C.services.find((s) => s.name === 'web')!;
    let sport = 46000;
    while (backendSlot(flowHash4(ip4(client.ip), ip4(svc.vip), sport, 80, 6, C.hashSeed), 2) !== 2) sport++;
    const sent = await (await tb.lxc('node1')).run('cil_from_container', fromPod('client', svc.vip, { proto: 'TCP', sport, dport: 80, flags: 'S' }), onLxcOf('client'));
    const arrived = await viaTunnel(tb, 'node1', 'node2', sent);
    const atBackend = await intoLxc(tb, 'node2', arrived, 'web2');
    expect(atBackend.retval).toBe(TC_ACT.OK);
    expect(parse(atBackend.dataOut)).toMatchObject({ src: client.ip, dst: web2.ip, dport: 8080 });

    const reply = await (await tb.lxc('node2')).run('cil_from_container', fromPod('web2', client.ip, { proto: 'TCP', sport: 8080, dport: sport, flags: 'SA' }), onLxcOf('web2'));
    const back = await viaTunnel(tb, 'node2', 'node1', reply);
    const home = await intoLxc(tb, 'node1', back, 'client');
    expect(home.retval).toBe(TC_ACT.OK);
    expect(parse(home.dataOut)).toMatchObject({ src: svc.vip, sport: 80, dst: client.ip, dport: sport });
    expect(checksumsOk(home.dataOut)).toEqual({ l3: true, l4: true });
  });

  vmScenario('the node itself to a pod on another node: to-overlay adds the key (host identity), the far pod polices it', async (tb) => {
    const n1 = N('node1');
    const ping = frame({ srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', src: n1.ip, dst: db.ip, l4: { proto: 'ICMP' } });
    const sent = await (await tb.overlay('node1')).run('cil_to_overlay', ping);
    expect(sent.retval).toBe(TC_ACT.OK);
    expect(sent.tunnelKey).toMatchObject({ tunnelId: 1, dstIpv4: ip4(N('node2').ip) });
    const arrived = await (await tb.overlay('node2')).run('cil_from_overlay', sent.dataOut, {
      tunnelKey: receivedKey(sent.tunnelKey!.tunnelId, 'node1', 'node2'),
    });
    const r = await intoLxc(tb, 'node2', arrived, 'db');
    expect(expectDrop(r, DROP.POLICY)).toMatchObject({ srcLabel: 1, dstLabel: db.identity }); // db allows only client
  });
});
