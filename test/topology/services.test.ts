// A ClusterIP service with one backend on each node: the datapath picks the backend by its
// flow hash (predicted here with the test copy of it), DNATs in cil_from_container, and
// reverse-translates replies at delivery, so the client hears from the VIP.
import { describe, expect, it } from 'vitest';
import { at, emulator, ipOnly } from './harness.js';
import { parse } from '../datapath/packets.js';
import { backendSlot, flowHash4 } from '../datapath/hash.js';
import { ip4 } from '../datapath/cluster.js';

const VIP = '10.96.0.10';
const service = { name: 'websvc', vip: VIP, port: 80, targetPort: 80, proto: 'TCP' as const, backends: ['web', 'web2'] };

/** The first source port from `from` whose flow lands on backend slot `slot`. */
function sportFor(slot: number, from = 45000): number {
  for (let p = from; ; p++) if (backendSlot(flowHash4(ip4('10.0.1.10'), ip4(VIP), p, 80, 6, 42), 2) === slot) return p;
}

describe('ClusterIP service', () => {
  it.each([
    { slot: 1, backend: 'web', where: 'a local backend (redirect_peer on node1)' },
    { slot: 2, backend: 'web2', where: 'a remote backend (VXLAN to node2)' },
  ])('$where answers; the reply comes from the VIP', async ({ slot, backend: name }) => {
    const { backend } = await emulator({ services: [service] });
    const sport = sportFor(slot);
    const r = await backend.runStep({ kind: 'tcp', index: 0, from: 'client', toIp: VIP, port: 80, sport, bytes: 100 });
    expect(r).toMatchObject({ replies: 1, delivered: true, backend: name, sourceSeen: '10.0.1.10', drops: [] });
    const { packets } = await backend.collect();
    const sent = parse(ipOnly(at(packets, 'pod:client/eth0:egress'))[0]!.frame);
    expect(sent).toMatchObject({ dst: VIP, dport: 80 });
    const atServer = parse(ipOnly(at(packets, `pod:${name}/eth0:ingress`))[0]!.frame);
    expect(atServer).toMatchObject({ src: '10.0.1.10', dst: slot === 1 ? '10.0.1.20' : '10.0.2.20', dport: 80 });
    for (const p of ipOnly(at(packets, 'pod:client/eth0:ingress'))) expect(parse(p.frame)).toMatchObject({ src: VIP, sport: 80, dport: sport });
  });
});
