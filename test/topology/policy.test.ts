// Policy drops as the contract reports them: drop notifies decoded into DropRecords (node,
// reason, the event's interface by name), no reply, nothing delivered.
import { describe, expect, it } from 'vitest';
import { at, emulator, ipOnly } from './harness.js';
import { DEFAULT_PODS } from './plan.js';

const pods = DEFAULT_PODS.map((p) => (p.name === 'db' ? { ...p, enforce: { ingress: true } } : p));

describe('policy', () => {
  it('default deny on ingress: DROP_POLICY on the destination node, one SYN (connect gives up at 0.9 s)', async () => {
    const { backend } = await emulator({ pods, rules: [{ pod: 'db', direction: 'ingress', peer: 'client', proto: 'TCP', port: 5432 }] });
    const ok = await backend.runStep({ kind: 'tcp', index: 0, from: 'client', toIp: '10.0.2.30', port: 5432, sport: 42000, bytes: 10 });
    expect(ok).toMatchObject({ replies: 1, delivered: true, drops: [] });
    const denied = await backend.runStep({ kind: 'udp', index: 1, from: 'client', toIp: '10.0.2.30', port: 5000, sport: 42001, bytes: 10 });
    expect(denied).toMatchObject({ sent: 1, replies: 0, delivered: false, drops: [{ node: 'node2', reason: 133, device: 'lxcdb', ifindex: 11 }] });
    const syn = await backend.runStep({ kind: 'tcp', index: 2, from: 'web', toIp: '10.0.2.30', port: 5432, sport: 42002, bytes: 10 });
    expect(syn).toMatchObject({ replies: 0, delivered: false, drops: [{ node: 'node2', reason: 133, device: 'lxcdb' }] });
    expect(syn.note).toContain('timed out');
    const { packets } = await backend.collect();
    expect(ipOnly(at(packets, 'pod:web/eth0:egress', 2))).toHaveLength(1);
    expect(ipOnly(at(packets, 'pod:db/eth0:ingress', 2))).toHaveLength(0);
  });

  it('an explicit deny: DROP_POLICY_DENY', async () => {
    const { backend } = await emulator({ rules: [{ pod: 'web', direction: 'ingress', peer: 'client', deny: true }] });
    const r = await backend.runStep({ kind: 'ping', index: 0, from: 'client', toIp: '10.0.1.20', count: 2, icmpId: 5 });
    expect(r).toMatchObject({ sent: 2, replies: 0, delivered: false });
    expect(r.drops).toEqual([
      { node: 'node1', reason: 181, device: 'lxcweb', ifindex: 12 },
      { node: 'node1', reason: 181, device: 'lxcweb', ifindex: 12 },
    ]);
  });
});
