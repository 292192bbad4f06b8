// Raw frames written into the topology: a broken IPv4 header is the datapath's to drop
// (DROP_INVALID, reported), a frame shorter than an Ethernet header never leaves the packet
// socket, and a device without a veth peer cannot be written at for ingress.
import { describe, expect, it } from 'vitest';
import { at, emulator } from './harness.js';
import { frame, patchIpv4 } from '../datapath/packets.js';

const good = () => frame({ srcMac: '0a:58:0a:00:01:0a', dstMac: '02:00:0a:00:01:01', src: '10.0.1.10', dst: '10.0.1.20', l4: { proto: 'UDP', sport: 1000, dport: 5000 } });

describe('injected frames', () => {
  it('a bad IPv4 header is dropped by cil_from_container (DROP_INVALID)', async () => {
    const { backend } = await emulator();
    const bad = patchIpv4(good(), (b) => { b[14] = 0x43; }); // IHL 3
    const r = await backend.runStep({ kind: 'packet', index: 0, at: { place: 'pod:client', device: 'eth0', direction: 'egress' }, frames: [bad] });
    expect(r).toMatchObject({ sent: 1, replies: 0, delivered: false, drops: [{ node: 'node1', reason: 134, device: 'lxcclient', ifindex: 11 }] });
    const { packets } = await backend.collect();
    expect(at(packets, 'pod:client/eth0:egress')).toHaveLength(1);
    expect(at(packets, 'node1/lxcclient:ingress')).toHaveLength(1); // the tap sees it before tc drops it
    expect(at(packets, 'pod:web/eth0:ingress')).toHaveLength(0);
  });

  it('ingress of a veth is written at its peer; truncated L4 is DROP_CT_INVALID_HDR', async () => {
    const { backend } = await emulator();
    const truncated = good().subarray(0, 14 + 20 + 4);
    const fixed = patchIpv4(truncated, (b) => { b[16] = 0; b[17] = 24; });
    const r = await backend.runStep({ kind: 'packet', index: 0, at: { place: 'node1', device: 'lxcclient', direction: 'ingress' }, frames: [fixed] });
    expect(r.drops).toEqual([{ node: 'node1', reason: 135, device: 'lxcclient', ifindex: 11 }]);
    const { packets } = await backend.collect();
    expect(at(packets, 'pod:client/eth0:egress')).toHaveLength(1);
  });

  it('a frame shorter than 14 bytes is refused; vxlan0 has no peer to write at', async () => {
    const { backend } = await emulator();
    const r = await backend.runStep({ kind: 'packet', index: 0, at: { place: 'pod:client', device: 'eth0', direction: 'egress' }, frames: [new Uint8Array(10), good()] });
    expect(r).toMatchObject({ sent: 1 });
    expect(r.note).toContain('10-byte frame was refused');
    const v = await backend.runStep({ kind: 'packet', index: 1, at: { place: 'node1', device: 'vxlan0', direction: 'ingress' }, frames: [good()] });
    expect(v).toMatchObject({ sent: 0, drops: [] });
    expect(v.note).toContain('only veth devices');
  });
});
