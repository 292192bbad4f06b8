// ClusterIP services: VIP allocation, backends, reverse NAT, and their map entries.
import { describe, expect, test } from 'vitest';
import { objectOf, plan, pod, podOf, service } from './helpers.js';

describe('services', () => {
  const p = plan({
    pods: [
      pod('web1', 'node1', { app: 'web' }), pod('web2', 'node2', { app: 'web' }), pod('db', 'node2', { app: 'db' }),
      pod('web3', 'node1', { app: 'web' }, { namespace: 'other' }),
    ],
    objects: [
      service('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { port: 53, protocol: 'UDP' }] }),
      service('db', { clusterIP: '10.96.0.10', selector: { app: 'db' }, ports: [{ port: 5432 }] }),
      service('web-alias', { selector: { app: 'web' }, ports: [{ port: 8080 }] }),
      service('nothing', { ports: [{ port: 1 }] }),
    ],
  });

  test('ClusterIPs: explicit ones reserved, the others from .10 upward in object order', () => {
    expect(p.services.map((s) => `${s.name} ${s.vip}`)).toEqual(['web 10.96.0.11', 'db 10.96.0.10', 'web-alias 10.96.0.12', 'nothing 10.96.0.13']);
  });

  test('backends: pods the selector picks in the namespace, in scenario order; none without a selector', () => {
    const web = p.services[0]!;
    expect(web.backends).toEqual([{ pod: 'web1', ip: podOf(p, 'web1').ip }, { pod: 'web2', ip: podOf(p, 'web2').ip }]);
    expect(web.ports).toEqual([
      { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', revNatIndex: 1 },
      { port: 53, targetPort: 53, protocol: 'UDP', revNatIndex: 2 },
    ]);
    expect(p.services[3]!.backends).toEqual([]);
  });

  test('map entries: a slot 0 per frontend, backend ids shared by (IP, port, protocol), reverse NAT per frontend', () => {
    const maps = objectOf(p, 'node1', 'bpf_lxc.o').maps;
    const slots = maps.cilium_lb4_services_v2!.map((e) => {
      const k = e.key as { address: number; dport: number; backend_slot: number; proto: number };
      const v = e.value as { backend_id: number; count: number; rev_nat_index: number };
      return `${(k.address & 0xff)}:${k.dport}/${k.proto} #${k.backend_slot} -> ${k.backend_slot ? `backend ${v.backend_id}` : `count ${v.count}`} revnat ${v.rev_nat_index}`;
    });
    expect(slots).toEqual([
      '11:80/6 #0 -> count 2 revnat 1', '11:80/6 #1 -> backend 1 revnat 1', '11:80/6 #2 -> backend 2 revnat 1',
      '11:53/17 #0 -> count 2 revnat 2', '11:53/17 #1 -> backend 3 revnat 2', '11:53/17 #2 -> backend 4 revnat 2',
      '10:5432/6 #0 -> count 1 revnat 3', '10:5432/6 #1 -> backend 5 revnat 3',
      '12:8080/6 #0 -> count 2 revnat 4', '12:8080/6 #1 -> backend 1 revnat 4', '12:8080/6 #2 -> backend 2 revnat 4',
      '13:1/6 #0 -> count 0 revnat 5',
    ]);
    expect(maps.cilium_lb4_backends_v3!.map((e) => e.key)).toEqual([1, 2, 3, 4, 5]);
    expect(maps.cilium_lb4_reverse_nat!.map((e) => [e.key, (e.value as { port: number }).port])).toEqual([[1, 80], [2, 53], [3, 5432], [4, 8080], [5, 1]]);
    // Every node has every service.
    expect(objectOf(p, 'node2', 'bpf_lxc.o').maps.cilium_lb4_services_v2).toEqual(maps.cilium_lb4_services_v2);
  });
});
