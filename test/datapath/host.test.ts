// bpf_host on the external device: masquerading of pod traffic leaving the cluster (SNAT to
// the node IP with a port the datapath picks by its flow hash, retrying on collisions) and
// reverse SNAT of the replies, which are then routed to the pod's lxc.
import { describe, expect } from 'vitest';
import { scenario, expectDrop, expectRedirect, events, mapJson, TC_ACT } from './testbed.js';
import { DROP, TRACE } from './events.js';
import { arpRequest, checksumsOk, frame, parse, patchIpv4, type L4 } from './packets.js';
import { C, P, N, identityMark, ip4 } from './traffic.js';
import { entryBytes, IDENTITY } from './cluster.js';
import { flowHash4, snatPort } from './hash.js';

const client = P('client');
const n1 = N('node1');
const GW_MAC = '52:54:00:ff:ff:01'; // the external network's router
const [MIN, MAX] = C.snatPorts;
const NAT_EGRESS = 0;
const NAT_INGRESS = 1;

/** A pod's packet to the world after the node's stack routed it to the external device. */
const out = (dst: string, l4: L4, src = client.ip) => frame({ srcMac: n1.mac, dstMac: GW_MAC, src, dst, l4, ttl: 63 });
/** A packet from the world to the node. */
const back = (src: string, l4: L4, dstMac = n1.mac) => frame({ srcMac: GW_MAC, dstMac, src, dst: n1.ip, l4 });

/** The port attempt i of a new mapping tries for this pod flow. */
const portOf = (sport: number, dst: string, dport: number, proto: number, attempt = 0) =>
  snatPort(flowHash4(ip4(client.ip), ip4(dst), sport, dport, proto, C.hashSeed), attempt, MIN, MAX);

const natKey = (saddr: string, daddr: string, sport: number, dport: number, nexthdr: number, flags: number) => ({
  saddr: ip4(saddr), daddr: ip4(daddr), sport, dport, nexthdr, flags, pad: 0,
});

describe('cil_to_netdev: masquerading', () => {
  scenario('pod -> world UDP: source becomes node IP:port (port by the flow hash), both NAT entries, the flow keeps its port', async (tb) => {
    const host = await tb.host('node1');
    const port = portOf(33000, '8.8.8.8', 53, 17);
    const input = out('8.8.8.8', { proto: 'UDP', sport: 33000, dport: 53 });
    const r = await host.run('cil_to_netdev', input);
    expect(r.retval).toBe(TC_ACT.OK);
    expect(parse(r.dataOut)).toMatchObject({ src: n1.ip, sport: port, dst: '8.8.8.8', dport: 53, ttl: 63, srcMac: n1.mac, dstMac: GW_MAC });
    expect(checksumsOk(r.dataOut)).toEqual({ l3: true, l4: true });
    expect(events(r)).toMatchObject([{
      kind: 'trace', obsPoint: TRACE.TO_NETWORK, source: client.endpointId, srcLabel: client.identity, dstLabel: IDENTITY.world,
      ifindex: n1.nativeIfindex, origIp: client.ip,
    }]);
    const nat = [
      { key: natKey(client.ip, '8.8.8.8', 33000, 53, 17, NAT_EGRESS), value: { to_addr: ip4(n1.ip), to_port: port, pad: 0 } },
      { key: natKey('8.8.8.8', n1.ip, 53, port, 17, NAT_INGRESS), value: { to_addr: ip4(client.ip), to_port: 33000, pad: 0 } },
    ];
    expect(await mapJson(host, 'cilium_snat_v4_external')).toEqual(expect.arrayContaining(nat));
    const again = await host.run('cil_to_netdev', input);
    expect(again.dataOut).toEqual(r.dataOut);
    expect(await mapJson(host, 'cilium_snat_v4_external')).toHaveLength(2);
  });

  scenario('TCP and ICMP echo (the identifier is the port) are masqueraded too', async (tb) => {
    const host = await tb.host('node1');
    const t = await host.run('cil_to_netdev', out('1.1.1.1', { proto: 'TCP', sport: 33001, dport: 443 }));
    expect(parse(t.dataOut)).toMatchObject({ src: n1.ip, sport: portOf(33001, '1.1.1.1', 443, 6) });
    expect(checksumsOk(t.dataOut)).toEqual({ l3: true, l4: true });
    const ping = await host.run('cil_to_netdev', out('1.1.1.1', { proto: 'ICMP', id: 0x1234 }));
    const id = portOf(0x1234, '1.1.1.1', 0, 1);
    expect(parse(ping.dataOut)).toMatchObject({ src: n1.ip, icmpId: id, icmpType: 8 });
    expect(checksumsOk(ping.dataOut)).toEqual({ l3: true, l4: true });
    expect(await mapJson(host, 'cilium_snat_v4_external')).toEqual(expect.arrayContaining([
      { key: natKey(client.ip, '1.1.1.1', 0x1234, 0, 1, NAT_EGRESS), value: { to_addr: ip4(n1.ip), to_port: id, pad: 0 } },
      { key: natKey('1.1.1.1', n1.ip, 0, id, 1, NAT_INGRESS), value: { to_addr: ip4(client.ip), to_port: 0x1234, pad: 0 } },
    ]));

    // The echo reply comes back to the node with that identifier: the pod's own comes back.
    const pong = await host.run('cil_from_netdev', back('1.1.1.1', { proto: 'ICMP', type: 0, id }));
    expectRedirect(pong, 'redirect', client.ifindex);
    expect(parse(pong.dataOut)).toMatchObject({ dst: client.ip, icmpId: 0x1234, icmpType: 0, dstMac: client.mac, srcMac: client.lxcMac, ttl: 63 });
    expect(checksumsOk(pong.dataOut)).toEqual({ l3: true, l4: true });
  });

  scenario('a port taken for the same remote endpoint is skipped (next attempt); all attempts taken is DROP_NAT_NO_MAPPING', async (tb) => {
    const host = await tb.host('node1');
    const taken = (attempt: number) => ({
      key: natKey('8.8.8.8', n1.ip, 53, portOf(33002, '8.8.8.8', 53, 17, attempt), 17, NAT_INGRESS),
      value: { to_addr: ip4('10.0.1.77'), to_port: 999, pad: 0 },
    });
    for (const e of entryBytes(host.spec, { cilium_snat_v4_external: [taken(0)] })) await host.update(e.map, e.key, e.value);
    const r = await host.run('cil_to_netdev', out('8.8.8.8', { proto: 'UDP', sport: 33002, dport: 53 }));
    expect(parse(r.dataOut).sport).toBe(portOf(33002, '8.8.8.8', 53, 17, 1));
    // Another remote endpoint may use the first port: the reply tuples differ.
    const other = await host.run('cil_to_netdev', out('8.8.4.4', { proto: 'UDP', sport: 33002, dport: 53 }));
    expect(parse(other.dataOut).sport).toBe(portOf(33002, '8.8.4.4', 53, 17, 0));

    const all = Array.from({ length: 16 }, (_, i) => ({
      key: natKey('9.9.9.9', n1.ip, 53, portOf(33003, '9.9.9.9', 53, 17, i), 17, NAT_INGRESS),
      value: { to_addr: ip4('10.0.1.77'), to_port: 1000 + i, pad: 0 },
    }));
    for (const e of entryBytes(host.spec, { cilium_snat_v4_external: all })) await host.update(e.map, e.key, e.value);
    const full = await host.run('cil_to_netdev', out('9.9.9.9', { proto: 'UDP', sport: 33003, dport: 53 }));
    expect(expectDrop(full, DROP.NAT_NO_MAPPING)).toMatchObject({ file: 'nat.h', srcLabel: client.identity, source: client.endpointId });
  });

  scenario('no masquerading inside the cluster, to other nodes, or for the node itself', async (tb) => {
    const host = await tb.host('node1');
    const cases: [string, Uint8Array, number][] = [
      ['pod -> pod of another node', out(P('db').ip, { proto: 'TCP', sport: 1, dport: 5432 }), IDENTITY.world],
      ['pod -> another node', out(N('node2').ip, { proto: 'UDP', sport: 1, dport: 8472 }), IDENTITY['remote-node']],
      ['node -> world', out('8.8.8.8', { proto: 'UDP', sport: 1, dport: 53 }, n1.ip), IDENTITY.host],
    ];
    for (const [what, pkt] of cases) {
      const r = await host.run('cil_to_netdev', pkt);
      expect(r.retval, what).toBe(TC_ACT.OK);
      expect(r.dataOut, what).toEqual(pkt);
      expect(events(r), what).toMatchObject([{ obsPoint: TRACE.TO_NETWORK, origIp: '0.0.0.0' }]);
    }
    expect(events(await host.run('cil_to_netdev', cases[2]![1]))[0]).toMatchObject({ srcLabel: IDENTITY.host, source: 0 });
    const arp = await host.run('cil_to_netdev', arpRequest({ srcMac: n1.mac, sip: n1.ip, tip: '192.168.10.254' }));
    expect(arp.retval).toBe(TC_ACT.OK);
    expect(arp.events).toEqual([]);
    expect(await host.dump('cilium_snat_v4_external')).toEqual([]);
  });

  scenario('what cannot be masqueraded is dropped with its reason', async (tb) => {
    const host = await tb.host('node1');
    const syn = out('8.8.8.8', { proto: 'TCP', sport: 2, dport: 80 });
    expectDrop(await host.run('cil_to_netdev', patchIpv4(syn, (b) => { b[23] = 132; })), DROP.NAT_UNSUPP_PROTO);
    expectDrop(await host.run('cil_to_netdev', out('8.8.8.8', { proto: 'ICMP', type: 0 })), DROP.NAT_UNSUPP_PROTO);
    expectDrop(await host.run('cil_to_netdev', patchIpv4(syn, (b) => { b[20] = 0x20; })), DROP.FRAG_NOSUPPORT);
    expectDrop(await host.run('cil_to_netdev', patchIpv4(syn.subarray(0, 44), (b) => { b[17] = 30; })), DROP.CT_INVALID_HDR);
    expectDrop(await host.run('cil_to_netdev', patchIpv4(syn, (b) => { b[14] = 0x44; })), DROP.INVALID);
  });
});

describe('cil_from_netdev: reverse SNAT', () => {
  scenario('a reply to a masqueraded flow gets the pod back and goes to its lxc with the world identity in the mark', async (tb) => {
    const host = await tb.host('node1');
    await host.run('cil_to_netdev', out('8.8.8.8', { proto: 'UDP', sport: 33010, dport: 53 }));
    const port = portOf(33010, '8.8.8.8', 53, 17);
    const r = await host.run('cil_from_netdev', back('8.8.8.8', { proto: 'UDP', sport: 53, dport: port }));
    expectRedirect(r, 'redirect', client.ifindex);
    expect(r.mark).toBe(identityMark(IDENTITY.world));
    expect(parse(r.dataOut)).toMatchObject({ src: '8.8.8.8', sport: 53, dst: client.ip, dport: 33010, dstMac: client.mac, srcMac: client.lxcMac, ttl: 63 });
    expect(checksumsOk(r.dataOut)).toEqual({ l3: true, l4: true });
    expect(events(r)).toMatchObject([{ kind: 'trace', obsPoint: TRACE.FROM_NETWORK, srcLabel: IDENTITY.world, ifindex: n1.nativeIfindex }]);

    // Not ours: another port, another node's frame, ARP, fragments: the stack's.
    const passes: [string, Uint8Array][] = [
      ['no mapping', back('8.8.8.8', { proto: 'UDP', sport: 53, dport: port + 1 === MAX + 1 ? MIN : port + 1 })],
      ['frame for another MAC', back('8.8.8.8', { proto: 'UDP', sport: 53, dport: port }, '52:54:00:00:00:99')],
      ['fragment', patchIpv4(back('8.8.8.8', { proto: 'UDP', sport: 53, dport: port }), (b) => { b[20] = 0x20; })],
      ['ARP', arpRequest({ srcMac: GW_MAC, sip: '192.168.10.254', tip: n1.ip })],
    ];
    for (const [what, pkt] of passes) {
      const p = await host.run('cil_from_netdev', pkt);
      expect(p.retval, what).toBe(TC_ACT.OK);
      expect(p.dataOut, what).toEqual(pkt);
    }
    const broken = patchIpv4(back('8.8.8.8', { proto: 'UDP', sport: 53, dport: port }), (b) => { b[14] = 0x55; });
    expectDrop(await host.run('cil_from_netdev', broken), DROP.INVALID);
  });
});

describe('masquerading disabled', () => {
  scenario('pod traffic to the world leaves unchanged', async (tb) => {
    const host = await tb.host('node1');
    const pkt = out('8.8.8.8', { proto: 'UDP', sport: 33020, dport: 53 });
    const r = await host.run('cil_to_netdev', pkt);
    expect(r.retval).toBe(TC_ACT.OK);
    expect(r.dataOut).toEqual(pkt);
    expect(await host.dump('cilium_snat_v4_external')).toEqual([]);
  }, { ...C, masquerade: false });
});
