// ClusterIP services in bpf_lxc: DNAT to a backend the datapath picks by its own flow hash,
// remembered in a CT_SERVICE entry, and reverse NAT of the backend's replies.
import { describe, expect } from 'vitest';
import { scenario, expectDrop, expectRedirect, events, ctEntries, TC_ACT } from './testbed.js';
import { DROP, REASON, TRACE } from './events.js';
import { checksumsOk, parse } from './packets.js';
import { C, P, N, fromPod, toPod, onLxcOf, identityMark, ip4 } from './traffic.js';
import { backendSlot, flowHash4 } from './hash.js';

const client = P('client');
const web = P('web');
const web2 = P('web2');
const svc = C.services.find((s) => s.name === 'web')!;
const TCP = 6;

/** The backend a new client flow to the web service gets, as the datapath computes it. */
const slotFor = (sport: number) => backendSlot(flowHash4(ip4(client.ip), ip4(svc.vip), sport, svc.port, TCP, C.hashSeed), svc.backends.length);
/** Client ports whose flows the hash sends to backend slot 1 (web, local) and 2 (web2, remote). */
const portFor = (slot: number) => {
  for (let p = 40000; ; p++) if (slotFor(p) === slot) return p;
};
const localPort = portFor(1);
const remotePort = portFor(2);
const syn = (sport: number, dst = svc.vip, dport = svc.port) => fromPod('client', dst, { proto: 'TCP', sport, dport, flags: 'S' });
const CT_SERVICE = 2;

describe('ClusterIP services', () => {
  scenario('a local backend: DNAT to pod:targetPort, delivered; the reply is translated back to VIP:port', async (tb) => {
    const lxc = await tb.lxc('node1');
    const r = await lxc.run('cil_from_container', syn(localPort), onLxcOf('client'));
    expectRedirect(r, 'redirect_peer', web.ifindex);
    expect(parse(r.dataOut)).toMatchObject({ src: client.ip, dst: web.ip, sport: localPort, dport: 8080, dstMac: web.mac, ttl: 63 });
    expect(checksumsOk(r.dataOut)).toEqual({ l3: true, l4: true });
    expect(events(r)[1]).toMatchObject({ obsPoint: TRACE.TO_LXC, srcLabel: client.identity, dstLabel: web.identity, reason: REASON.POLICY });

    const cts = await ctEntries(lxc);
    expect(cts.find((e) => (e.key as { flags: number }).flags === CT_SERVICE)).toEqual({
      key: { saddr: ip4(client.ip), daddr: ip4(svc.vip), sport: localPort, dport: 80, nexthdr: TCP, flags: CT_SERVICE, pad: 0 },
      value: { packets: 1, bytes: 54, lifetime: '~60s', src_sec_id: 0, backend_id: 1, rev_nat_index: svc.revNatIndex, flags: 0, tcp_flags: 2 },
    });
    expect(cts.find((e) => (e.key as { flags: number }).flags === 0)).toMatchObject({
      key: { saddr: ip4(client.ip), daddr: ip4(web.ip), sport: localPort, dport: 8080 },
      value: { rev_nat_index: svc.revNatIndex, src_sec_id: client.identity },
    });

    // web answers from 10.0.1.20:8080; the client must see 10.96.0.10:80.
    const reply = await lxc.run('cil_from_container', fromPod('web', client.ip, { proto: 'TCP', sport: 8080, dport: localPort, flags: 'SA' }), onLxcOf('web'));
    expectRedirect(reply, 'redirect_peer', client.ifindex);
    expect(parse(reply.dataOut)).toMatchObject({ src: svc.vip, sport: 80, dst: client.ip, dport: localPort, dstMac: client.mac });
    expect(checksumsOk(reply.dataOut)).toEqual({ l3: true, l4: true });
    expect(events(reply)[1]).toMatchObject({ obsPoint: TRACE.TO_LXC, reason: REASON.REPLY, origIp: web.ip, dstLabel: client.identity });

    // The same flow keeps its backend.
    const again = await lxc.run('cil_from_container', fromPod('client', svc.vip, { proto: 'TCP', sport: localPort, dport: 80, flags: 'A' }), onLxcOf('client'));
    expect(parse(again.dataOut)).toMatchObject({ dst: web.ip, dport: 8080 });
    expect(events(again)[1]).toMatchObject({ reason: REASON.ESTABLISHED });
  });

  scenario('a remote backend: DNAT, then into the tunnel to its node (the trace keeps the VIP)', async (tb) => {
    const lxc = await tb.lxc('node1');
    const r = await lxc.run('cil_from_container', syn(remotePort), onLxcOf('client'));
    expectRedirect(r, 'redirect', N('node1').vxlanIfindex);
    expect(parse(r.dataOut)).toMatchObject({ src: client.ip, dst: web2.ip, dport: 8080, ttl: 64, dstMac: N('node1').routerMac });
    expect(checksumsOk(r.dataOut)).toEqual({ l3: true, l4: true });
    if (r.tunnelKey !== undefined) expect(r.tunnelKey).toMatchObject({ tunnelId: client.identity, dstIpv4: ip4(N('node2').ip) });
    expect(events(r)[1]).toMatchObject({ obsPoint: TRACE.TO_OVERLAY, dstLabel: web2.identity, origIp: svc.vip });

    // The reply comes back through the overlay: to-container with web2's identity in the mark.
    const reply = await lxc.run('cil_to_container', toPod('client', web2.ip, { proto: 'TCP', sport: 8080, dport: remotePort, flags: 'SA' }), { mark: identityMark(web2.identity) });
    expect(reply.retval).toBe(TC_ACT.OK);
    expect(parse(reply.dataOut)).toMatchObject({ src: svc.vip, sport: 80, dst: client.ip });
    expect(checksumsOk(reply.dataOut)).toEqual({ l3: true, l4: true });
    expect(events(reply)[0]).toMatchObject({ obsPoint: TRACE.TO_LXC, reason: REASON.REPLY, srcLabel: web2.identity, origIp: web2.ip });
  });

  scenario('backend choice follows the flow hash the datapath computes (predictable outside it)', async (tb) => {
    const lxc = await tb.lxc('node1');
    const seen = new Set<string>();
    for (let sport = 50000; sport < 50016; sport++) {
      const r = await lxc.run('cil_from_container', syn(sport), onLxcOf('client'));
      const expected = svc.backends[slotFor(sport) - 1]!;
      expect(parse(r.dataOut), `sport ${sport}`).toMatchObject({ dst: expected.ip, dport: expected.port });
      seen.add(expected.ip);
    }
    expect(seen.size).toBe(2);
  });

  scenario('a service port that equals the target port only changes the address', async (tb) => {
    const lxc = await tb.lxc('node1');
    const dbSvc = C.services.find((s) => s.name === 'db')!;
    const input = syn(45000, dbSvc.vip, dbSvc.port);
    const r = await lxc.run('cil_from_container', input, onLxcOf('client'));
    expect(r.retval).toBe(TC_ACT.REDIRECT);
    expect(parse(r.dataOut)).toMatchObject({ dst: P('db').ip, dport: 5432, sport: 45000 });
    expect(checksumsOk(r.dataOut)).toEqual({ l3: true, l4: true });
  });

  scenario('a service without backends is DROP_NO_SERVICE; a non-service port of a VIP is not translated', async (tb) => {
    const lxc = await tb.lxc('node1');
    const dns = C.services.find((s) => s.name === 'dns')!;
    const r = await lxc.run('cil_from_container', fromPod('client', dns.vip, { proto: 'UDP', sport: 3333, dport: 53 }), onLxcOf('client'));
    expect(expectDrop(r, DROP.NO_SERVICE)).toMatchObject({ file: 'lb.h', srcLabel: client.identity });
    const other = await lxc.run('cil_from_container', syn(45001, svc.vip, 443), onLxcOf('client'));
    expect(other.retval).toBe(TC_ACT.OK); // not a service: up the stack like any other address
    expect(parse(other.dataOut).dst).toBe(svc.vip);
  });
});
