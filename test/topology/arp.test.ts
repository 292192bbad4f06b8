// ARP for the gateway: nobody holds the router IP; cil_from_container answers with the
// router MAC and bpf_redirect(ingress_ifindex) sends the reply out of the same lxc (its tc
// egress, cil_to_container, lets ARP pass). The node's stack never sees the request.
import { describe, expect, it } from 'vitest';
import { at, emulator, field, layers } from './harness.js';

const arps = (ps: { frame: Uint8Array }[]) => ps.filter((p) => layers(p.frame).includes('arp'));

describe('ARP', () => {
  it('the datapath answers for the gateway; the pod caches it', async () => {
    const { backend } = await emulator();
    await backend.runStep({ kind: 'ping', index: 0, from: 'client', toIp: '10.0.1.20', count: 1, icmpId: 1 });
    await backend.runStep({ kind: 'ping', index: 1, from: 'client', toIp: '10.0.1.20', count: 1, icmpId: 2 });
    const { packets, events } = await backend.collect();

    const req = arps(at(packets, 'node1/lxcclient:ingress'))[0]!.frame;
    expect(req.length).toBe(42); // a veth does not pad to 60
    expect(field(req, 'arp.op')).toBe('1');
    expect(field(req, 'arp.spa')).toBe('10.0.1.10');
    expect(field(req, 'arp.tpa')).toBe('10.0.1.1');
    expect(field(req, 'arp.tha')).toBe('00:00:00:00:00:00');
    const reply = arps(at(packets, 'node1/lxcclient:egress'))[0]!.frame;
    expect(field(reply, 'eth.src')).toBe('02:00:0a:00:01:01');
    expect(field(reply, 'eth.dst')).toBe('0a:58:0a:00:01:0a');
    expect(field(reply, 'arp.sha')).toBe('02:00:0a:00:01:01');
    expect(field(reply, 'arp.spa')).toBe('10.0.1.1');
    expect(field(reply, 'arp.tpa')).toBe('10.0.1.10');
    // The responder's TO_LXC trace (type 4, observation point 0) on node1.
    expect(events.some((e) => e.node === 'node1' && e.step === 0 && e.data[0] === 4 && e.data[1] === 0 && e.data.length === 48 + 42)).toBe(true);
    // Cached: the second step asks nobody.
    expect(arps(at(packets, 'pod:client/eth0:egress', 1))).toHaveLength(0);
  });
});
