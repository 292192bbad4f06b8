// A fault in the VM (impossible in the kernel, whose verifier prevents it) is reported as a
// drop with reason 0 and a note naming it — program, pc, C line — and the step goes on.
import { describe, expect, it } from 'vitest';
import { emulator } from './harness.js';

describe('datapath faults', () => {
  it('an exhausted instruction budget drops the packet, reports it, and throws nothing', async () => {
    const { backend } = await emulator({}, { insnBudget: 20 });
    const r = await backend.runStep({ kind: 'ping', index: 0, from: 'client', toIp: '10.0.1.20', count: 1, icmpId: 1 });
    expect(r).toMatchObject({ sent: 1, replies: 0, delivered: false });
    expect(r.drops[0]).toEqual({ node: 'node1', reason: 0, device: 'lxcclient', ifindex: 11 });
    // The first packet is the pod's ARP request: the fault is in the ARP responder (lib/arp.h).
    expect(r.note).toMatch(/^datapath fault on node1: budget-exceeded in cil_from_container at pc \d+ \(arp\.h:\d+: .+\) on lxcclient ingress/);
    const { steps } = await backend.collect();
    expect(steps).toHaveLength(1);
  });
});
