// Conntrack in bpf_lxc: TCP state decides lifetimes (from bpf_ktime_get_ns, so the VM's
// virtual clock and the kernel's both work), expired entries are new flows again.
import { describe, expect } from 'vitest';
import { scenario, vmScenario, expectDrop, expectRedirect, events, ctEntries, Testbed } from './testbed.js';
import { DROP, REASON, TRACE } from './events.js';
import { P, fromPod, onLxcOf, ip4 } from './traffic.js';
import { entryBytes } from './cluster.js';
import type { Side } from './sides.js';

const client = P('client');
const web = P('web');
const TCP = 6;
const UDP = 17;
const CT_F = { TX_CLOSING: 1, RX_CLOSING: 2, SEEN_REPLY: 4 };

const c2w = (sport: number, flags: string) => fromPod('client', web.ip, { proto: 'TCP', sport, dport: 80, flags });
const w2c = (dport: number, flags: string) => fromPod('web', client.ip, { proto: 'TCP', sport: 80, dport, flags });

/** The (flags, lifetime class) of the client -> web flow's egress and ingress entries. */
async function states(lxc: Side, sport: number, proto = TCP): Promise<[number, string][]> {
  const cts = await ctEntries(lxc);
  return [0, 1].map((dir) => {
    const e = cts.find((x) => {
      const k = x.key as Record<string, number>;
      return k.saddr === ip4(client.ip) && k.daddr === ip4(web.ip) && k.sport === sport && k.nexthdr === proto && k.flags === dir;
    });
    const v = e?.value as { flags: number; lifetime: string } | undefined;
    return v ? [v.flags, v.lifetime] : [-1, 'none'];
  });
}

describe('conntrack', () => {
  scenario('TCP: SYN -> SYN timeout, reply -> established, FIN both ways -> close timeout, RST closes', async (tb) => {
    const lxc = await tb.lxc('node1');
    const from = (who: 'client' | 'web') => onLxcOf(who);
    await lxc.run('cil_from_container', c2w(43000, 'S'), from('client'));
    expect(await states(lxc, 43000)).toEqual([[0, '~60s'], [0, '~60s']]);
    await lxc.run('cil_from_container', w2c(43000, 'SA'), from('web'));
    expect(await states(lxc, 43000)).toEqual([[CT_F.SEEN_REPLY, '~21600s'], [CT_F.SEEN_REPLY, '~21600s']]);
    await lxc.run('cil_from_container', c2w(43000, 'A'), from('client'));
    await lxc.run('cil_from_container', c2w(43000, 'FA'), from('client'));
    expect(await states(lxc, 43000)).toEqual([[CT_F.SEEN_REPLY | CT_F.TX_CLOSING, '~21600s'], [CT_F.SEEN_REPLY | CT_F.TX_CLOSING, '~21600s']]);
    await lxc.run('cil_from_container', w2c(43000, 'FA'), from('web'));
    const closed = CT_F.SEEN_REPLY | CT_F.TX_CLOSING | CT_F.RX_CLOSING;
    expect(await states(lxc, 43000)).toEqual([[closed, '~10s'], [closed, '~10s']]);
    const last = await lxc.run('cil_from_container', c2w(43000, 'A'), from('client'));
    expect(events(last)[1]).toMatchObject({ obsPoint: TRACE.TO_LXC, reason: REASON.ESTABLISHED });

    // A new SYN on the closed connection is a new connection: policy decides again.
    const reopen = await lxc.run('cil_from_container', c2w(43000, 'S'), from('client'));
    expectRedirect(reopen, 'redirect_peer', web.ifindex);
    expect(events(reopen)[1]).toMatchObject({ reason: REASON.POLICY });
    expect(await states(lxc, 43000)).toEqual([[0, '~60s'], [0, '~60s']]);

    await lxc.run('cil_from_container', c2w(43001, 'S'), from('client'));
    await lxc.run('cil_from_container', w2c(43001, 'RA'), from('web'));
    expect(await states(lxc, 43001)).toEqual([[closed, '~10s'], [closed, '~10s']]); // RST: both ways at once
    const accounted = (await ctEntries(lxc)).find((e) => (e.key as { sport: number; flags: number }).sport === 43000 && (e.key as { flags: number }).flags === 0);
    expect(accounted?.value).toMatchObject({ packets: 1, tcp_flags: 0x02 }); // recreated by the reopening SYN
  });

  scenario('UDP and ICMP flows live 60 s from their last packet', async (tb) => {
    const lxc = await tb.lxc('node1');
    await lxc.run('cil_from_container', fromPod('client', web.ip, { proto: 'UDP', sport: 43002, dport: 5001 }), onLxcOf('client'));
    expect(await states(lxc, 43002, UDP)).toEqual([[0, '~60s'], [0, '~60s']]);
    await lxc.run('cil_from_container', fromPod('web', client.ip, { proto: 'UDP', sport: 5001, dport: 43002 }), onLxcOf('web'));
    expect(await states(lxc, 43002, UDP)).toEqual([[CT_F.SEEN_REPLY, '~60s'], [CT_F.SEEN_REPLY, '~60s']]);
  });

  scenario('an expired entry is no entry: the late reply is a new flow, and client allows none', async (tb) => {
    const lxc = await tb.lxc('node1');
    await lxc.run('cil_from_container', c2w(43003, 'S'), onLxcOf('client'));
    // Age both entries: lifetime 0 is long past on any clock.
    const aged = (await ctEntries(lxc)).map((e) => ({ key: e.key, value: { ...(e.value as object), lifetime: 0 } }));
    for (const e of entryBytes(lxc.spec, { cilium_ct4_global: aged })) await lxc.update(e.map, e.key, e.value);
    const late = await lxc.run('cil_from_container', w2c(43003, 'SA'), onLxcOf('web'));
    expect(expectDrop(late, DROP.POLICY)).toMatchObject({ srcLabel: web.identity, dstLabel: client.identity });
  });
});

describe('conntrack with the virtual clock (VM)', () => {
  vmScenario('lifetimes run out with the clock: 60 s after the SYN the reply is too late', async (tb) => {
    const lxc = await tb.lxc('node1');
    const vm = Testbed.vm(lxc);
    await lxc.run('cil_from_container', c2w(43004, 'S'), onLxcOf('client'));
    await lxc.run('cil_from_container', c2w(43005, 'S'), onLxcOf('client'));
    vm.advance(60); // valid while now <= lifetime
    expectRedirect(await lxc.run('cil_from_container', w2c(43004, 'SA'), onLxcOf('web')), 'redirect_peer', client.ifindex);
    vm.advance(1);
    expectDrop(await lxc.run('cil_from_container', w2c(43005, 'SA'), onLxcOf('web')), DROP.POLICY);
    // The answered flow is established now, for 6 hours.
    vm.advance(21599);
    expectRedirect(await lxc.run('cil_from_container', c2w(43004, 'A'), onLxcOf('client')), 'redirect_peer', web.ifindex);
  });
});
