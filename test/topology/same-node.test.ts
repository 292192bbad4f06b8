// Pod to pod on one node: ARP for the gateway answered by the datapath, delivery by
// bpf_redirect_peer (the destination's lxc egress never sees the packet), TTL − 1 and the
// lxc's MAC as source, checksums intact at every point, a TCP handshake carrying only the
// MSS option.
import { describe, expect, it } from 'vitest';
import { at, emulator, field, ipOnly, layers } from './harness.js';
import { checksumsOk, parse } from '../datapath/packets.js';

describe('same node', () => {
  it('ping: replies, delivery, captures in order, TTLs and checksums', async () => {
    const { backend } = await emulator();
    const r = await backend.runStep({ kind: 'ping', index: 0, from: 'client', toIp: '10.0.1.20', count: 2, icmpId: 77 });
    expect(r).toMatchObject({ index: 0, sent: 2, replies: 2, delivered: true, drops: [] });
    expect(r.note).toBeUndefined();
    const { packets } = await backend.collect();

    // The client's first frame asks for the gateway; the reply comes back out of its lxc.
    const out = at(packets, 'pod:client/eth0:egress');
    expect(layers(out[0]!.frame)).toEqual(['eth', 'arp']);
    expect(field(out[0]!.frame, 'eth.dst')).toBe('ff:ff:ff:ff:ff:ff');
    const arpReply = at(packets, 'pod:client/eth0:ingress')[0]!;
    expect(field(arpReply.frame, 'arp.op')).toBe('2');
    expect(field(arpReply.frame, 'arp.sha')).toBe('02:00:0a:00:01:01');

    // Requests: client eth0 out → client lxc in → web eth0 in (redirect_peer: no lxcweb egress).
    const requests = (point: string) => ipOnly(at(packets, point)).filter((p) => parse(p.frame).icmpType === 8);
    expect(requests('pod:client/eth0:egress')).toHaveLength(2);
    expect(requests('node1/lxcclient:ingress')).toHaveLength(2);
    expect(requests('pod:web/eth0:ingress')).toHaveLength(2);
    expect(requests('node1/lxcweb:egress')).toHaveLength(0);
    const sent = requests('pod:client/eth0:egress')[0]!;
    const got = requests('pod:web/eth0:ingress')[0]!;
    expect(sent.timeNs).toBeLessThan(got.timeNs);
    expect(parse(sent.frame)).toMatchObject({ ttl: 64, dstMac: '02:00:0a:00:01:01', srcMac: '0a:58:0a:00:01:0a', icmpId: 77 });
    expect(parse(got.frame)).toMatchObject({ ttl: 63, dstMac: '0a:58:0a:00:01:14', srcMac: 'fe:54:0a:00:01:14' });
    // iputils: DF, IP ID 0, 56 data bytes (a timeval, then 0x10, 0x11, ...).
    expect(field(sent.frame, 'ip.frag')).toBe('0x4000');
    expect(field(sent.frame, 'ip.id')).toBe('0');
    expect(sent.frame.length).toBe(14 + 20 + 8 + 56);
    expect([...sent.frame.subarray(14 + 28 + 16, 14 + 28 + 20)]).toEqual([0x10, 0x11, 0x12, 0x13]);
    for (const p of ipOnly(packets)) expect(checksumsOk(p.frame), p.point).toEqual({ l3: true, l4: true });

    // Replies: the kernel's echo reply (no DF), back the same way.
    const reply = ipOnly(at(packets, 'pod:client/eth0:ingress')).map((p) => parse(p.frame));
    expect(reply).toHaveLength(2);
    expect(reply[0]).toMatchObject({ src: '10.0.1.20', dst: '10.0.1.10', icmpType: 0, icmpId: 77, ttl: 63 });
  });

  it('tcp: handshake with only MSS, echo, FIN close; server sees the client', async () => {
    const { backend } = await emulator();
    const r = await backend.runStep({ kind: 'tcp', index: 0, from: 'client', toIp: '10.0.1.20', port: 80, sport: 40000, bytes: 3000 });
    expect(r).toMatchObject({ sent: 1, replies: 1, delivered: true, sourceSeen: '10.0.1.10', backend: 'web', drops: [] });
    const { packets } = await backend.collect();
    const flags = (point: string) => ipOnly(at(packets, point)).map((p) => `${field(p.frame, 'tcp.flags')}:${Number(field(p.frame, 'ip.len')) - 40}`);
    // As the server sees it: SYN (24-byte header with MSS), ACK, 1410 + 1410 + 180 (PSH ends the
    // write), a quick ACK per echoed segment, FIN, the last ACK. The server quick-ACKs each
    // segment, echoes what it read in one write, and its FIN carries the ACK of the client's.
    const seen = ipOnly(at(packets, 'pod:web/eth0:ingress'));
    const syn = seen[0]!.frame;
    expect(field(syn, 'tcp.flags')).toBe('0x02');
    expect(syn[14 + 20 + 12]! >> 4).toBe(6); // data offset: 20 + MSS option
    expect([...syn.subarray(14 + 40, 14 + 44)]).toEqual([2, 4, 1410 >> 8, 1410 & 0xff]);
    expect(flags('pod:web/eth0:ingress')).toEqual(['0x02:4', '0x10:0', '0x10:1410', '0x10:1410', '0x18:180', '0x10:0', '0x10:0', '0x10:0', '0x11:0', '0x10:0']);
    expect(flags('pod:web/eth0:egress')).toEqual(['0x12:4', '0x10:0', '0x10:0', '0x10:0', '0x10:1410', '0x10:1410', '0x18:180', '0x11:0']);
    for (const p of ipOnly(packets)) {
      expect(checksumsOk(p.frame), p.point).toEqual({ l3: true, l4: true });
      expect(field(p.frame, 'ip.frag'), p.point).toBe('0x4000'); // TCP sets DF
    }
    // TTL 64 leaving the pod, 63 after the datapath routed it.
    expect(parse(ipOnly(at(packets, 'node1/lxcclient:ingress'))[0]!.frame).ttl).toBe(64);
    expect(parse(seen[0]!.frame).ttl).toBe(63);
  });
});
