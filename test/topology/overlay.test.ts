// Pod to pod across nodes: bpf_lxc sets the tunnel key and redirects to vxlan0; the VXLAN
// driver encapsulates (UDP 8472, VNI = the source identity, outer TTL 64, no DF, no UDP
// checksum, source port from the flow hash); node2's vxlan0 decapsulates and hands the key
// to cil_from_overlay, which delivers through the pod's lxc.
import { describe, expect, it } from 'vitest';
import { at, emulator, field, ipOnly, layers } from './harness.js';
import { checksumsOk, parse } from '../datapath/packets.js';

const vxlanFrames = (ps: { frame: Uint8Array }[]) => ps.filter((p) => layers(p.frame).includes('vxlan'));

describe('across nodes over VXLAN', () => {
  it('ping: outer headers from the tunnel key, inner packet intact, decapsulated and delivered', async () => {
    const { backend } = await emulator();
    const r = await backend.runStep({ kind: 'ping', index: 0, from: 'pod:client', toIp: '10.0.2.30', count: 1, icmpId: 9 });
    expect(r).toMatchObject({ sent: 1, replies: 1, delivered: true, drops: [] });
    const { packets, events } = await backend.collect();

    const inner = ipOnly(at(packets, 'node1/vxlan0:egress'))[0]!.frame;
    const outer = vxlanFrames(at(packets, 'node1/eth0:egress'))[0]!.frame;
    expect(field(outer, 'eth.src')).toBe('52:54:00:00:01:01');
    expect(field(outer, 'eth.dst')).toBe('52:54:00:00:02:01');
    expect(field(outer, 'ip.src')).toBe('192.168.50.1');
    expect(field(outer, 'ip.dst')).toBe('192.168.50.2');
    expect(field(outer, 'ip.ttl')).toBe('64');
    expect(field(outer, 'ip.frag')).toBe('0x0'); // no TUNNEL_DONT_FRAGMENT in the key
    expect(field(outer, 'udp.dport')).toBe('8472');
    expect(field(outer, 'udp.csum')).toBe('0x0000'); // BPF_F_ZERO_CSUM_TX
    expect(Number(field(outer, 'udp.sport'))).toBeGreaterThanOrEqual(32768);
    expect(Number(field(outer, 'udp.sport'))).toBeLessThan(60999);
    expect(field(outer, 'vxlan.flags')).toBe('0x08');
    expect(field(outer, 'vxlan.vni')).toBe('20001'); // the client's identity
    expect(checksumsOk(outer).l3).toBe(true);
    expect([...outer.subarray(14 + 20 + 8 + 8)]).toEqual([...inner]);
    expect(parse(inner)).toMatchObject({ src: '10.0.1.10', dst: '10.0.2.30', ttl: 64 });

    // node2: the same outer frame arrives; vxlan0 receives exactly the inner frame.
    expect([...vxlanFrames(at(packets, 'node2/eth0:ingress'))[0]!.frame]).toEqual([...outer]);
    expect([...ipOnly(at(packets, 'node2/vxlan0:ingress'))[0]!.frame]).toEqual([...inner]);
    // cil_from_overlay routed it into the pod: TTL − 1, the pod's and its lxc's MACs, via lxcdb egress.
    const delivered = ipOnly(at(packets, 'pod:db/eth0:ingress'))[0]!.frame;
    expect(parse(delivered)).toMatchObject({ ttl: 63, dstMac: '0a:58:0a:00:02:1e', srcMac: 'fe:54:0a:00:02:1e' });
    expect(ipOnly(at(packets, 'node2/lxcdb:egress'))).toHaveLength(1);
    expect(checksumsOk(delivered)).toEqual({ l3: true, l4: true });

    // The reply goes back the same way with db's identity in the VNI.
    const back = vxlanFrames(at(packets, 'node2/eth0:egress'))[0]!.frame;
    expect(field(back, 'vxlan.vni')).toBe('20003');
    // Both nodes' datapaths reported: traces on node1 and node2, no drops.
    expect(new Set(events.map((e) => e.node))).toEqual(new Set(['node1', 'node2']));
    expect(events.every((e) => e.data[0] === 4)).toBe(true);
    // The underlay is not a plan device: not captured unless asked for.
    expect(packets.some((p) => p.point.startsWith('underlay/'))).toBe(false);
  });

  it('the underlay bridge forwards by its static FDB: nothing is flooded to the world host', async () => {
    const { backend } = await emulator({}, { captureUnderlay: true });
    await backend.runStep({ kind: 'ping', index: 0, from: 'client', toIp: '10.0.2.30', count: 1, icmpId: 9 });
    const { packets } = await backend.collect();
    expect(at(packets, 'underlay/n-node1:ingress')).toHaveLength(1);
    expect(at(packets, 'underlay/n-node2:egress')).toHaveLength(1);
    expect(at(packets, 'underlay/w-internet:egress')).toHaveLength(0);
    expect(at(packets, 'world:internet/eth0:ingress')).toHaveLength(0);
  });

  it('tcp across nodes: delivered, echoed, the server sees the pod address', async () => {
    const { backend } = await emulator();
    const r = await backend.runStep({ kind: 'tcp', index: 0, from: 'client', toIp: '10.0.2.30', port: 5432, sport: 41000, bytes: 10000 });
    expect(r).toMatchObject({ replies: 1, delivered: true, sourceSeen: '10.0.1.10', backend: 'db', drops: [] });
    const { packets } = await backend.collect();
    for (const p of ipOnly(packets)) expect(checksumsOk(p.frame), p.point).toEqual({ l3: true, l4: true });
    // A large first write fills the 16 KiB send buffer after 5 segments: PSH on the 5th.
    const data = ipOnly(at(packets, 'pod:client/eth0:egress')).filter((p) => Number(field(p.frame, 'ip.len')) > 44);
    expect(data.slice(0, 6).map((p) => `${field(p.frame, 'tcp.flags')}:${Number(field(p.frame, 'ip.len')) - 40}`))
      .toEqual(['0x10:1410', '0x10:1410', '0x10:1410', '0x10:1410', '0x18:1410', '0x18:1142']);
  });
});
