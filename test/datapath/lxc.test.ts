// bpf_lxc: pods on one node. Every scenario runs on the VM, and on the kernel compared with
// the VM (verdicts, bytes, events, mark, final maps).
import { describe, expect } from 'vitest';
import { scenario, expectDrop, expectRedirect, events, ctEntries, mapJson, metrics, TC_ACT } from './testbed.js';
import { DROP, REASON, TRACE } from './events.js';
import { arpRequest, checksumsOk, parse } from './packets.js';
import { C, P, N, fromPod, toPod, onLxcOf, identityMark, ip4, TUNNEL_FLAG } from './traffic.js';
import { IDENTITY, POLICY_PREFIX, policyEntries } from './cluster.js';
import { entryBytes } from './cluster.js';

const client = P('client');
const web = P('web');
const jail = P('jail');
const db = P('db');
const tcp = (sport: number, dport: number, flags = 'S') => ({ proto: 'TCP' as const, sport, dport, flags });
const udp = (sport: number, dport: number) => ({ proto: 'UDP' as const, sport, dport });
const ct = (saddr: string, daddr: string, sport: number, dport: number, nexthdr: number, flags: number) => ({
  saddr: ip4(saddr), daddr: ip4(daddr), sport, dport, nexthdr, flags, pad: 0,
});
const CT_EGRESS = 0;
const CT_INGRESS = 1;

describe('bpf_lxc: same-node pod to pod', () => {
  scenario('TCP SYN allowed by policy is routed into the peer: MACs rewritten, TTL - 1, checksums valid', async (tb) => {
    const lxc = await tb.lxc('node1');
    const input = fromPod('client', web.ip, tcp(40000, 80));
    const r = await lxc.run('cil_from_container', input, onLxcOf('client'));
    expectRedirect(r, 'redirect_peer', web.ifindex);

    const out = parse(r.dataOut);
    expect(out).toMatchObject({ dstMac: web.mac, srcMac: web.lxcMac, src: client.ip, dst: web.ip, ttl: 63, sport: 40000, dport: 80 });
    expect(checksumsOk(r.dataOut)).toEqual({ l3: true, l4: true });
    expect(r.dataOut.subarray(34)).toEqual(input.subarray(34)); // L4 untouched

    const [from, to, ...rest] = events(r);
    expect(rest).toEqual([]);
    expect(from).toMatchObject({ kind: 'trace', obsPoint: TRACE.FROM_LXC, source: client.endpointId, srcLabel: client.identity, ifindex: client.ifindex, lenOrig: input.length, lenCap: input.length });
    expect(from!.packet).toEqual(input);
    expect(to).toMatchObject({
      kind: 'trace', obsPoint: TRACE.TO_LXC, source: web.endpointId, srcLabel: client.identity, dstLabel: web.identity,
      dstId: web.endpointId, ifindex: web.ifindex, reason: REASON.POLICY, origIp: '0.0.0.0',
    });

    expect(await ctEntries(lxc)).toEqual([
      { key: ct(client.ip, web.ip, 40000, 80, 6, CT_EGRESS), value: { packets: 1, bytes: 54, lifetime: '~60s', src_sec_id: client.identity, backend_id: 0, rev_nat_index: 0, flags: 0, tcp_flags: 0x02 } },
      { key: ct(client.ip, web.ip, 40000, 80, 6, CT_INGRESS), value: { packets: 1, bytes: 54, lifetime: '~60s', src_sec_id: client.identity, backend_id: 0, rev_nat_index: 0, flags: 0, tcp_flags: 0x02 } },
    ]);
    const policy = await mapJson(lxc, 'cilium_policy');
    const allow = policy.find((e) => JSON.stringify(e.key) === JSON.stringify(policyEntries(C, { pod: 'web', direction: 'ingress', peer: 'client', proto: 'TCP', port: 80 })[0]!.key));
    expect(allow?.value).toMatchObject({ deny: 0, packets: 1, bytes: 54 });
    expect(await metrics(lxc)).toEqual([{ key: { reason: 0, dir: 1, pad1: 0, pad2: 0 }, value: { count: 1, bytes: 54 } }]);
  });

  scenario('replies are recognised and pass the ingress policy of an enforcing pod; established flows skip policy', async (tb) => {
    const lxc = await tb.lxc('node1');
    await lxc.run('cil_from_container', fromPod('client', web.ip, tcp(40001, 80)), onLxcOf('client'));
    // client enforces ingress and allows nothing: only a reply gets in.
    const synack = await lxc.run('cil_from_container', fromPod('web', client.ip, tcp(80, 40001, 'SA')), onLxcOf('web'));
    expectRedirect(synack, 'redirect_peer', client.ifindex);
    expect(parse(synack.dataOut)).toMatchObject({ dstMac: client.mac, srcMac: client.lxcMac, ttl: 63 });
    expect(events(synack).map((e) => [e.kind, e.kind === 'trace' ? e.obsPoint : -1, e.kind === 'trace' ? e.reason : -1])).toEqual([
      ['trace', TRACE.FROM_LXC, REASON.UNKNOWN],
      ['trace', TRACE.TO_LXC, REASON.REPLY],
    ]);
    const cts = await ctEntries(lxc);
    expect(cts.map((e) => (e.value as { lifetime: string; flags: number }).lifetime)).toEqual(['~21600s', '~21600s']);
    expect(cts.every((e) => (e.value as { flags: number }).flags === 0x04)).toBe(true); // CT_F_SEEN_REPLY

    // The allow entry goes away: the established connection carries on, a new one is dropped.
    const [allow] = entryBytes(lxc.spec, { cilium_policy: policyEntries(C, { pod: 'web', direction: 'ingress', peer: 'client', proto: 'TCP', port: 80 }) });
    await lxc.delete('cilium_policy', allow!.key);
    const ack = await lxc.run('cil_from_container', fromPod('client', web.ip, tcp(40001, 80, 'A')), onLxcOf('client'));
    expectRedirect(ack, 'redirect_peer', web.ifindex);
    expect(events(ack)[1]).toMatchObject({ obsPoint: TRACE.TO_LXC, reason: REASON.ESTABLISHED });
    const again = await lxc.run('cil_from_container', fromPod('client', web.ip, tcp(40002, 80)), onLxcOf('client'));
    const drop = expectDrop(again, DROP.POLICY);
    expect(drop).toMatchObject({ source: web.endpointId, srcLabel: client.identity, dstLabel: web.identity, dstId: web.endpointId, file: 'policy.h' });
  });

  scenario('a new connection into an enforcing pod with no allow entry is DROP_POLICY (ingress)', async (tb) => {
    const lxc = await tb.lxc('node1');
    const r = await lxc.run('cil_from_container', fromPod('web', client.ip, tcp(5555, 22)), onLxcOf('web'));
    const drop = expectDrop(r, DROP.POLICY);
    expect(drop).toMatchObject({ source: client.endpointId, srcLabel: web.identity, dstLabel: client.identity, dstId: client.endpointId });
    expect(drop.line).toBeGreaterThan(0);
    expect(drop.packet.length).toBe(drop.lenCap);
    expect(events(r).map((e) => e.kind)).toEqual(['trace', 'drop']);
    expect(await metrics(lxc)).toEqual([{ key: { reason: 133, dir: 1, pad1: 0, pad2: 0 }, value: { count: 1, bytes: 54 } }]);
  });

  scenario('an explicit deny wins over an allow of a wider port range (DROP_POLICY_DENY); the range allows its other ports', async (tb) => {
    const lxc = await tb.lxc('node1');
    const denied = await lxc.run('cil_from_container', fromPod('jail', web.ip, udp(6000, 5004)), onLxcOf('jail'));
    expect(expectDrop(denied, DROP.POLICY_DENY)).toMatchObject({ srcLabel: jail.identity, dstLabel: web.identity, source: web.endpointId });
    const allowed = await lxc.run('cil_from_container', fromPod('jail', web.ip, udp(6000, 5003)), onLxcOf('jail'));
    expectRedirect(allowed, 'redirect_peer', web.ifindex);
    expect(checksumsOk(allowed.dataOut)).toEqual({ l3: true, l4: true });
    const outside = await lxc.run('cil_from_container', fromPod('jail', web.ip, udp(6000, 5008)), onLxcOf('jail'));
    expectDrop(outside, DROP.POLICY);

    const policy = await mapJson(lxc, 'cilium_policy');
    const counted = policy.filter((e) => (e.value as { packets: number }).packets > 0)
      .map((e) => [(e.key as { prefixlen: number }).prefixlen, e.value] as const).sort((a, b) => a[0] - b[0]);
    expect(counted).toEqual([
      [POLICY_PREFIX.ANY, expect.objectContaining({ deny: 0, packets: 3 })], // jail egress: to web, anything
      [POLICY_PREFIX.PROTO + 13, expect.objectContaining({ deny: 0, packets: 1 })], // web ingress: any, UDP 5000-5007
      [POLICY_PREFIX.FULL, expect.objectContaining({ deny: 1, packets: 1 })], // web ingress: jail UDP 5004, deny
    ]);
  });

  scenario('egress policy of the source: default deny except what it allows', async (tb) => {
    const lxc = await tb.lxc('node1');
    const r = await lxc.run('cil_from_container', fromPod('jail', client.ip, tcp(7000, 80)), onLxcOf('jail'));
    expect(expectDrop(r, DROP.POLICY)).toMatchObject({ source: jail.endpointId, srcLabel: jail.identity, dstLabel: client.identity, dstId: client.endpointId });
    const dns = await lxc.run('cil_from_container', fromPod('jail', '8.8.8.8', udp(7001, 53)), onLxcOf('jail'));
    expect(dns.retval).toBe(TC_ACT.OK);
    expect(events(dns)[1]).toMatchObject({ obsPoint: TRACE.TO_STACK, srcLabel: jail.identity, dstLabel: IDENTITY.world });
    const https = await lxc.run('cil_from_container', fromPod('jail', '8.8.8.8', tcp(7002, 443)), onLxcOf('jail'));
    expectDrop(https, DROP.POLICY);
    // Egress drops count as egress (dir 2), like the forwarded DNS query.
    expect((await metrics(lxc)).map((e) => [e.key, (e.value as { count: number }).count])).toEqual([
      [{ reason: 0, dir: 2, pad1: 0, pad2: 0 }, 1],
      [{ reason: 133, dir: 2, pad1: 0, pad2: 0 }, 2],
    ]);
  });

  scenario('ICMP echo: allowed by an ICMP type entry, and the echo reply is a conntrack reply', async (tb) => {
    const lxc = await tb.lxc('node1');
    const ping = await lxc.run('cil_from_container', fromPod('client', web.ip, { proto: 'ICMP', id: 0x77, seq: 1 }), onLxcOf('client'));
    expectRedirect(ping, 'redirect_peer', web.ifindex);
    expect(checksumsOk(ping.dataOut)).toEqual({ l3: true, l4: true });
    const pong = await lxc.run('cil_from_container', fromPod('web', client.ip, { proto: 'ICMP', type: 0, id: 0x77, seq: 1 }), onLxcOf('web'));
    expectRedirect(pong, 'redirect_peer', client.ifindex);
    expect(events(pong)[1]).toMatchObject({ obsPoint: TRACE.TO_LXC, reason: REASON.REPLY });
    expect((await ctEntries(lxc)).map((e) => e.key)).toEqual([
      ct(client.ip, web.ip, 0x77, 0, 1, CT_EGRESS),
      ct(client.ip, web.ip, 0x77, 0, 1, CT_INGRESS),
    ]);
  });

  scenario('TTL 1 cannot be routed into a pod (DROP_TTL_EXCEEDED)', async (tb) => {
    const lxc = await tb.lxc('node1');
    const r = await lxc.run('cil_from_container', fromPod('client', web.ip, tcp(40000, 80), { ttl: 1 }), onLxcOf('client'));
    expect(expectDrop(r, DROP.TTL_EXCEEDED).file).toBe('ipv4.h');
  });
});

describe('bpf_lxc: tail calls', () => {
  scenario('an empty tail call slot is DROP_MISSED_TAIL_CALL, not a silent pass', async (tb) => {
    const lxc = await tb.lxc('node1');
    const slot = (i: number) => new Uint8Array([i, 0, 0, 0]);
    await lxc.delete('cilium_calls', slot(2)); // CILIUM_CALL_IPV4_TO_ENDPOINT
    const local = await lxc.run('cil_from_container', fromPod('client', web.ip, tcp(40000, 80)), onLxcOf('client'));
    expect(expectDrop(local, DROP.MISSED_TAIL_CALL)).toMatchObject({ file: 'bpf_lxc.c', srcLabel: client.identity, dstLabel: web.identity, dstId: web.endpointId });
    // Routing into the tunnel does not need that stage.
    expect((await lxc.run('cil_from_container', fromPod('client', db.ip, tcp(40001, 5432)), onLxcOf('client'))).retval).toBe(TC_ACT.REDIRECT);
    await lxc.delete('cilium_calls', slot(1)); // CILIUM_CALL_IPV4_FROM_LXC_CONT
    const any = await lxc.run('cil_from_container', fromPod('client', db.ip, tcp(40002, 5432)), onLxcOf('client'));
    expect(events(any).map((e) => e.kind)).toEqual(['trace', 'drop']);
    expectDrop(any, DROP.MISSED_TAIL_CALL);
  });
});

describe('bpf_lxc: leaving the node', () => {
  scenario('a pod on another node: tunnel key (node IP, VNI = source identity) and redirect to the VXLAN device', async (tb) => {
    const lxc = await tb.lxc('node1');
    const input = fromPod('client', db.ip, tcp(41000, 5432));
    const r = await lxc.run('cil_from_container', input, onLxcOf('client'));
    expectRedirect(r, 'redirect', N('node1').vxlanIfindex);
    expect(r.dataOut).toEqual(input); // the inner frame travels as the pod sent it
    if (r.tunnelKey !== undefined) {
      expect(r.tunnelKey).toMatchObject({ tunnelId: client.identity, dstIpv4: ip4(N('node2').ip), ttl: 64, tos: 0 });
      expect(r.tunnelKey!.flags & TUNNEL_FLAG.CSUM).toBe(0); // BPF_F_ZERO_CSUM_TX
    }
    expect(events(r)[1]).toMatchObject({ obsPoint: TRACE.TO_OVERLAY, srcLabel: client.identity, dstLabel: db.identity, dstId: 0, ifindex: N('node1').vxlanIfindex, reason: REASON.POLICY });
    expect((await ctEntries(lxc)).map((e) => e.key)).toEqual([ct(client.ip, db.ip, 41000, 5432, 6, CT_EGRESS)]);
  });

  scenario('the world and the node go up the stack', async (tb) => {
    const lxc = await tb.lxc('node1');
    const world = await lxc.run('cil_from_container', fromPod('client', '1.1.1.1', udp(41001, 53)), onLxcOf('client'));
    expect(world.retval).toBe(TC_ACT.OK);
    expect(events(world)[1]).toMatchObject({ obsPoint: TRACE.TO_STACK, dstLabel: IDENTITY.world, ifindex: 0 });
    const gw = await lxc.run('cil_from_container', fromPod('client', N('node1').routerIp, { proto: 'ICMP' }), onLxcOf('client'));
    expect(gw.retval).toBe(TC_ACT.OK);
    expect(events(gw)[1]).toMatchObject({ obsPoint: TRACE.TO_STACK, dstLabel: IDENTITY.host });
    const peer = await lxc.run('cil_from_container', fromPod('client', N('node2').ip, udp(41002, 8472)), onLxcOf('client'));
    expect(peer.retval).toBe(TC_ACT.OK);
    expect(events(peer)[1]).toMatchObject({ obsPoint: TRACE.TO_STACK, dstLabel: IDENTITY['remote-node'] });
    expect(await metrics(lxc)).toEqual([{ key: { reason: 0, dir: 2, pad1: 0, pad2: 0 }, value: { count: 3, bytes: world.dataOut.length + gw.dataOut.length + peer.dataOut.length } }]);
  });
});

describe('bpf_lxc: cil_to_container (lxc egress)', () => {
  scenario('the source identity comes from the mark (redirects from overlay and host), else from the IP cache', async (tb) => {
    const lxc = await tb.lxc('node1');
    const denied = await lxc.run('cil_to_container', toPod('web', db.ip, tcp(42000, 80)), { mark: identityMark(db.identity) });
    expect(expectDrop(denied, DROP.POLICY_DENY)).toMatchObject({ srcLabel: db.identity, dstLabel: web.identity, source: web.endpointId });

    const ok = await lxc.run('cil_to_container', toPod('web', '10.0.2.99', tcp(42001, 80)), { mark: identityMark(client.identity) });
    expect(ok.retval).toBe(TC_ACT.OK);
    expect(ok.mark).toBe(0); // consumed
    expect(events(ok)).toMatchObject([{ kind: 'trace', obsPoint: TRACE.TO_LXC, srcLabel: client.identity, dstLabel: web.identity, ifindex: web.ifindex }]);

    const fromWeb2 = await lxc.run('cil_to_container', toPod('web', P('web2').ip, tcp(42002, 80)));
    expect(expectDrop(fromWeb2, DROP.POLICY).srcLabel).toBe(P('web2').identity); // ipcache: web2's identity
    const worldPing = await lxc.run('cil_to_container', toPod('web', '8.8.4.4', { proto: 'ICMP' }));
    expect(worldPing.retval).toBe(TC_ACT.OK);
    expect(events(worldPing)[0]).toMatchObject({ srcLabel: IDENTITY.world });
    expect(worldPing.dataOut).toEqual(toPod('web', '8.8.4.4', { proto: 'ICMP' })); // the stack already routed it

    const arp = await lxc.run('cil_to_container', arpRequest({ srcMac: web.lxcMac, sip: N('node1').routerIp, tip: web.ip }));
    expect(arp.retval).toBe(TC_ACT.OK);
    expect(arp.events).toEqual([]);
    const v6 = await lxc.run('cil_to_container', toPod('web', '8.8.4.4', { proto: 'ICMP' }).map((b, i) => (i === 12 ? 0x86 : i === 13 ? 0xdd : b)));
    expectDrop(v6, DROP.UNKNOWN_L3);
    const nobody = await lxc.run('cil_to_container', toPod('web', '8.8.4.4', { proto: 'ICMP' }).map((b, i) => (i === 33 ? 99 : b)));
    expectDrop(nobody, DROP.UNROUTABLE);
  });
});

describe('bpf_lxc: ARP for the gateway', () => {
  scenario('who-has router IP is answered with the router MAC and sent back into the pod', async (tb) => {
    const lxc = await tb.lxc('node1');
    const n1 = N('node1');
    const r = await lxc.run('cil_from_container', arpRequest({ srcMac: client.mac, sip: client.ip, tip: n1.routerIp }), onLxcOf('client'));
    expectRedirect(r, 'redirect', client.ifindex);
    const reply = arpRequest({ srcMac: n1.routerMac, dstMac: client.mac, sip: n1.routerIp, tip: client.ip, op: 2 });
    reply.set(client.mac.split(':').map((x) => parseInt(x, 16)), 14 + 18); // target hardware address
    expect(r.dataOut).toEqual(reply);
    expect(events(r)).toMatchObject([{ kind: 'trace', obsPoint: TRACE.TO_LXC, srcLabel: IDENTITY.host, ifindex: client.ifindex }]);

    const other = await lxc.run('cil_from_container', arpRequest({ srcMac: client.mac, sip: client.ip, tip: web.ip }), onLxcOf('client'));
    expect(other.retval).toBe(TC_ACT.OK);
    expect(events(other)).toMatchObject([{ obsPoint: TRACE.TO_STACK }]);
    const gratuitousReply = await lxc.run('cil_from_container', arpRequest({ srcMac: client.mac, sip: client.ip, tip: n1.routerIp, op: 2 }), onLxcOf('client'));
    expect(gratuitousReply.retval).toBe(TC_ACT.OK);

    const short = await lxc.run('cil_from_container', arpRequest({ srcMac: client.mac, sip: client.ip, tip: n1.routerIp }).subarray(0, 30), onLxcOf('client'));
    expectDrop(short, DROP.INVALID);
    const notEthernet = arpRequest({ srcMac: client.mac, sip: client.ip, tip: n1.routerIp });
    notEthernet[15] = 6; // hardware type IEEE 802
    expectDrop(await lxc.run('cil_from_container', notEthernet, onLxcOf('client')), DROP.INVALID);
  });
});
