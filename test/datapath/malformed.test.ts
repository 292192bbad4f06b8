// What cil_from_container refuses, and why: malformed and truncated packets, unknown
// protocols, spoofed sources, destinations with no route. VM and kernel, compared.
import { describe, expect } from 'vitest';
import { scenario, expectDrop, events, metrics, TC_ACT } from './testbed.js';
import { DROP, TRACE } from './events.js';
import { concat, patchIpv4 } from './packets.js';
import { C, P, fromPod, onLxcOf } from './traffic.js';
import { IDENTITY } from './cluster.js';

const client = P('client');
const web = P('web');
const tcp = (sport: number, dport: number, flags = 'S') => ({ proto: 'TCP' as const, sport, dport, flags });
const udp = (sport: number, dport: number) => ({ proto: 'UDP' as const, sport, dport });
const setU16 = (b: Uint8Array, at: number, v: number) => { b[at] = v >> 8; b[at + 1] = v & 0xff; };

describe('malformed and truncated packets', () => {
  scenario('broken IPv4 headers are DROP_INVALID', async (tb) => {
    const lxc = await tb.lxc('node1');
    const good = fromPod('client', web.ip, tcp(40000, 80));
    // A test run refuses an IPv4 frame shorter than an IPv4 header (EINVAL) before the
    // program sees it, in the kernel and (the same) in the VM.
    for (const cut of [good.subarray(0, 14), good.subarray(0, 14 + 12)]) {
      await expect(lxc.run('cil_from_container', cut, onLxcOf('client'))).rejects.toMatchObject({ errno: 22 });
    }
    const cases: [string, Uint8Array][] = [
      ['version 6', patchIpv4(good, (b) => { b[14] = 0x65; })],
      ['IHL 4', patchIpv4(good, (b) => { b[14] = 0x44; })],
      ['IHL beyond the frame', patchIpv4(good, (b) => { b[14] = 0x4f; })],
      ['total length beyond the frame', patchIpv4(good, (b) => setU16(b, 16, good.length - 14 + 10))],
      ['total length below the header', patchIpv4(good, (b) => setU16(b, 16, 12))],
    ];
    for (const [what, pkt] of cases) {
      const r = await lxc.run('cil_from_container', pkt, onLxcOf('client'));
      const drop = expectDrop(r, DROP.INVALID);
      expect(drop, what).toMatchObject({ file: 'ipv4.h', srcLabel: 0, lenOrig: pkt.length });
      expect(drop.packet, what).toEqual(pkt);
    }
    expect(await metrics(lxc)).toEqual([{ key: { reason: 134, dir: 2, pad1: 0, pad2: 0 }, value: { count: cases.length, bytes: cases.reduce((n, [, p]) => n + p.length, 0) } }]);
  });

  scenario('truncated or inconsistent L4 headers are DROP_CT_INVALID_HDR', async (tb) => {
    const lxc = await tb.lxc('node1');
    const syn = fromPod('client', web.ip, tcp(40000, 80));
    const dgram = fromPod('client', web.ip, udp(40000, 5000));
    const cases: [string, Uint8Array][] = [
      ['TCP header cut at 10 bytes', patchIpv4(syn.subarray(0, 14 + 20 + 10), (b) => setU16(b, 16, 30))],
      ['TCP data offset 4', (() => { const b = syn.slice(); b[14 + 20 + 12] = 0x40; return b; })()],
      ['TCP data offset beyond the datagram', (() => { const b = syn.slice(); b[14 + 20 + 12] = 0xf0; return b; })()],
      ['UDP header cut at 6 bytes', patchIpv4(dgram.subarray(0, 14 + 20 + 6), (b) => setU16(b, 16, 26))],
      ['UDP length beyond the datagram', (() => { const b = dgram.slice(); setU16(b, 14 + 20 + 4, 200); return b; })()],
      ['ICMP header cut at 4 bytes', patchIpv4(fromPod('client', web.ip, { proto: 'ICMP' }).subarray(0, 14 + 20 + 4), (b) => setU16(b, 16, 24))],
    ];
    for (const [what, pkt] of cases) {
      const r = await lxc.run('cil_from_container', pkt, onLxcOf('client'));
      expect(expectDrop(r, DROP.CT_INVALID_HDR), what).toMatchObject({ file: 'ipv4.h', srcLabel: client.identity });
      expect(events(r)[0], what).toMatchObject({ kind: 'trace', obsPoint: TRACE.FROM_LXC }); // the source was fine
    }
  });

  scenario('fragments, unknown L3 and L4, unknown ICMP types', async (tb) => {
    const lxc = await tb.lxc('node1');
    const syn = fromPod('client', web.ip, tcp(40000, 80));
    const frag = patchIpv4(syn, (b) => setU16(b, 20, 0x2000)); // MF
    expectDrop(await lxc.run('cil_from_container', frag, onLxcOf('client')), DROP.FRAG_NOSUPPORT);
    const later = patchIpv4(syn, (b) => setU16(b, 20, 0x0010)); // offset 128
    expectDrop(await lxc.run('cil_from_container', later, onLxcOf('client')), DROP.FRAG_NOSUPPORT);
    const sctp = patchIpv4(syn, (b) => { b[23] = 132; });
    expect(expectDrop(await lxc.run('cil_from_container', sctp, onLxcOf('client')), DROP.UNKNOWN_L4)).toMatchObject({ srcLabel: client.identity });
    const timestamp = fromPod('client', web.ip, { proto: 'ICMP', type: 13 });
    expectDrop(await lxc.run('cil_from_container', timestamp, onLxcOf('client')), DROP.UNKNOWN_ICMP4_TYPE);
    const ipv6 = syn.slice();
    setU16(ipv6, 12, 0x86dd);
    const v6 = await lxc.run('cil_from_container', ipv6, onLxcOf('client'));
    expect(expectDrop(v6, DROP.UNKNOWN_L3)).toMatchObject({ file: 'bpf_lxc.c', source: 0 });
    const vlan = syn.slice();
    setU16(vlan, 12, 0x8100);
    expectDrop(await lxc.run('cil_from_container', vlan, onLxcOf('client')), DROP.UNKNOWN_L3);
  });

  scenario('Ethernet padding after the datagram is fine; events capture at most 128 bytes', async (tb) => {
    const lxc = await tb.lxc('node1');
    const padded = concat(fromPod('client', web.ip, tcp(40000, 80)), new Uint8Array(8));
    const r = await lxc.run('cil_from_container', padded, onLxcOf('client'));
    expect(r.retval).toBe(TC_ACT.REDIRECT);
    expect(r.dataOut.length).toBe(padded.length);
    // Dropped by jail's egress policy, before any rewrite: the capture is the packet as sent.
    const big = fromPod('jail', client.ip, { proto: 'UDP', sport: 1, dport: 9, payload: new Uint8Array(300).fill(7) });
    const drop = expectDrop(await lxc.run('cil_from_container', big, onLxcOf('jail')), DROP.POLICY);
    expect(drop).toMatchObject({ lenOrig: big.length, lenCap: 128 });
    expect(drop.packet).toEqual(big.subarray(0, 128));
  });
});

describe('source validation (anti-spoofing)', () => {
  scenario('a source that is not the sending pod is DROP_INVALID_SIP, before any trace', async (tb) => {
    const lxc = await tb.lxc('node1');
    const n1 = C.nodes[0]!;
    const cases: [string, Uint8Array, number][] = [
      ["another local pod's IP", fromPod('client', web.ip, tcp(1, 80), { src: web.ip }), client.ifindex],
      ['an unknown IP of the pod CIDR', fromPod('client', web.ip, tcp(1, 80), { src: '10.0.1.99' }), client.ifindex],
      ['the router IP (a host endpoint)', fromPod('client', web.ip, tcp(1, 80), { src: n1.routerIp }), client.ifindex],
      ["a remote pod's IP", fromPod('client', web.ip, tcp(1, 80), { src: P('db').ip }), client.ifindex],
      ['a world IP', fromPod('client', web.ip, tcp(1, 80), { src: '8.8.8.8' }), client.ifindex],
      ['the right IP on the wrong lxc', fromPod('client', web.ip, tcp(1, 80)), web.ifindex],
    ];
    for (const [what, pkt, ifindex] of cases) {
      const r = await lxc.run('cil_from_container', pkt, { ingressIfindex: ifindex });
      expect(events(r).map((e) => e.kind), what).toEqual(['drop']);
      expect(expectDrop(r, DROP.INVALID_SIP), what).toMatchObject({ file: 'bpf_lxc.c', source: 0, srcLabel: 0, ifindex });
    }
    expect(await lxc.dump('cilium_ct4_global')).toEqual([]);
  });
});

describe('destinations without a route', () => {
  scenario('own pod CIDR without a pod: DROP_UNROUTABLE; cluster CIDR without a node: DROP_NO_TUNNEL_ENDPOINT', async (tb) => {
    const lxc = await tb.lxc('node1');
    const mine = await lxc.run('cil_from_container', fromPod('client', '10.0.1.99', udp(5, 53)), onLxcOf('client'));
    expect(expectDrop(mine, DROP.UNROUTABLE)).toMatchObject({ srcLabel: client.identity, dstLabel: 0 });
    const nowhere = await lxc.run('cil_from_container', fromPod('client', '10.0.3.7', udp(5, 53)), onLxcOf('client'));
    expectDrop(nowhere, DROP.NO_TUNNEL_ENDPOINT);
    // A remote node's pod CIDR is known (tunnel to that node) even without the pod.
    const remote = await lxc.run('cil_from_container', fromPod('client', '10.0.2.99', udp(5, 53)), onLxcOf('client'));
    expect(remote.retval).toBe(TC_ACT.REDIRECT);
    expect(events(remote)[1]).toMatchObject({ obsPoint: TRACE.TO_OVERLAY, dstLabel: IDENTITY.world });
  });
});
