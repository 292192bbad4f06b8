// Pod to a host outside the cluster: bpf_lxc passes it to the node's stack, which forwards
// it out of eth0 (TTL − 1, permanent neighbour), where bpf_host masquerades it to the node
// IP; the reply is reverse-translated by cil_from_netdev and redirected to the pod's lxc.
// With the contract's lxc MAC (fe:54:...) the pod's frames carry the router MAC the
// datapath's ARP answer gave it, which is not the lxc's: ip_rcv drops them (PACKET_OTHERHOST).
import { describe, expect, it } from 'vitest';
import { at, emulator, field, ipOnly } from './harness.js';
import { checksumsOk, parse } from '../datapath/packets.js';
import { WORLD } from './plan.js';

describe('pod to world', () => {
  it('masquerading: the world host sees the node IP, the reply is translated back', async () => {
    const { backend } = await emulator({ lxcMac: 'router' });
    const udp = await backend.runStep({ kind: 'udp', index: 0, from: 'client', toIp: WORLD.ip, port: 53, sport: 40001, bytes: 20 });
    expect(udp).toMatchObject({ sent: 1, replies: 1, delivered: true, sourceSeen: '192.168.50.1', drops: [] });
    expect(udp.backend).toBeUndefined(); // a world host, not a pod
    const tcp = await backend.runStep({ kind: 'tcp', index: 1, from: 'client', toIp: WORLD.ip, port: 443, sport: 40002, bytes: 500 });
    expect(tcp).toMatchObject({ replies: 1, delivered: true, sourceSeen: '192.168.50.1', drops: [] });
    const { packets } = await backend.collect();

    const leaving = parse(ipOnly(at(packets, 'node1/eth0:egress', 0))[0]!.frame);
    expect(leaving).toMatchObject({ src: '192.168.50.1', dst: WORLD.ip, dport: 53, ttl: 63, srcMac: '52:54:00:00:01:01', dstMac: '52:54:00:ff:01:01' });
    expect(leaving.sport).toBeGreaterThanOrEqual(32768);
    const arriving = parse(ipOnly(at(packets, 'world:internet/eth0:ingress', 0))[0]!.frame);
    expect(arriving).toMatchObject({ src: '192.168.50.1', sport: leaving.sport });
    const home = parse(ipOnly(at(packets, 'pod:client/eth0:ingress', 0))[0]!.frame);
    expect(home).toMatchObject({ src: WORLD.ip, sport: 53, dst: '10.0.1.10', dport: 40001, dstMac: '0a:58:0a:00:01:0a' });
    for (const p of ipOnly(packets)) expect(checksumsOk(p.frame), p.point).toEqual({ l3: true, l4: true });
    // The world host's reply came in on eth0 and never crossed the node's stack (no eth0 → lxc forwarding TTL).
    expect(field(ipOnly(at(packets, 'node1/lxcclient:egress', 0))[0]!.frame, 'ip.ttl')).toBe('63');
  });

  it('with the contract lxc MAC the node stack drops the pod\'s frames (PACKET_OTHERHOST)', async () => {
    const { backend } = await emulator();
    const r = await backend.runStep({ kind: 'udp', index: 0, from: 'client', toIp: WORLD.ip, port: 53, sport: 40001, bytes: 20 });
    expect(r).toMatchObject({ sent: 1, replies: 0, delivered: false, drops: [] });
    expect(r.note).toContain('node1/lxcclient: dropped by ip_rcv: PACKET_OTHERHOST');
    const { packets } = await backend.collect();
    const out = ipOnly(at(packets, 'pod:client/eth0:egress'))[0]!.frame;
    expect(field(out, 'eth.dst')).toBe('02:00:0a:00:01:01'); // the router MAC from the datapath's ARP reply
    expect(ipOnly(at(packets, 'node1/eth0:egress'))).toHaveLength(0);
  });
});
