// The kernel between the hooks, tested with JavaScript tc hooks in place of the datapath:
// what each verdict and redirect flavour does to the packet's path and metadata
// (net/core/filter.c skb_do_redirect, veth_xmit, __netif_receive_skb_core's another round).
import { describe, expect, it } from 'vitest';
import type { RedirectRecord } from '../../src/vm/env.js';
import type { SkBuff } from '../../src/vm/skb.js';
import type { Device, HookResult, TcHook } from '../../src/topology/device.js';
import { at, emulator } from './harness.js';
import { frame, parse } from '../datapath/packets.js';

const LXCWEB = 12;

/** Records the metadata of packets towards web (10.0.1.20): the pod's own answers pass by too. */
function hook(run: (skb: SkBuff) => { verdict: number; redirect?: RedirectRecord }, seen: { mark: number; iif: number; pktType: number }[] = []): TcHook {
  return {
    label: 'test',
    run: (skb): HookResult => {
      const d = skb.packet.data();
      if (d.length >= 34 && d[12] === 8 && d[13] === 0 && [...d.subarray(30, 34)].join('.') === '10.0.1.20') {
        seen.push({ mark: skb.mark, iif: skb.ingressIfindex, pktType: skb.pktType });
      }
      const r = run(skb);
      return { verdict: r.verdict, redirect: r.redirect ?? null, clones: [], fault: null };
    },
  };
}

async function setup() {
  const { backend } = await emulator();
  const t = backend.topology!;
  const dev = (place: string, name: string) => t.device(place, name) as Device;
  return { backend, t, dev };
}

const toWebAt = (ps: Parameters<typeof at>[0], point: string) => at(ps, point).filter((p) => p.frame.length > 42 && parse(p.frame).dst === '10.0.1.20');
const toWeb = (dstMac = '02:00:0a:00:01:01') => frame({ srcMac: '0a:58:0a:00:01:0a', dstMac, src: '10.0.1.10', dst: '10.0.1.20', l4: { proto: 'UDP', sport: 1000, dport: 5000 } });
const inject = (frames: Uint8Array[], index = 0) => ({ kind: 'packet' as const, index, at: { place: 'pod:client', device: 'eth0', direction: 'egress' as const }, frames });

describe('verdicts and redirects', () => {
  it('bpf_redirect to egress: the target\'s tc egress runs with the mark; the veth crossing clears it', async () => {
    const { backend, dev } = await setup();
    const atEgress: { mark: number; iif: number; pktType: number }[] = [];
    const inPod: typeof atEgress = [];
    dev('node1', 'lxcclient').hooks.ingress = hook((skb) => { skb.mark = 0x1234; return { verdict: 7, redirect: { helper: 'redirect', ifindex: LXCWEB, flags: 0 } }; });
    dev('node1', 'lxcweb').hooks.egress = hook(() => ({ verdict: 0 }), atEgress);
    dev('pod:web', 'eth0').hooks.ingress = hook(() => ({ verdict: 0 }), inPod);
    await backend.runStep(inject([toWeb('0a:58:0a:00:01:14')]));
    // skb_iif and pkt_type (OTHERHOST on lxcclient: the pod's MAC is not its own) stay as received.
    expect(atEgress).toEqual([{ mark: 0x1234, iif: 11, pktType: 3 }]);
    expect(inPod).toEqual([{ mark: 0, iif: 2, pktType: 0 }]);
    const { packets } = await backend.collect();
    expect(toWebAt(packets, 'node1/lxcweb:egress')).toHaveLength(1);
    expect(toWebAt(packets, 'pod:web/eth0:ingress')).toHaveLength(1);
  });

  it('bpf_redirect_peer: into the pod in the same receive, the host side\'s egress skipped, the mark kept', async () => {
    const { backend, dev } = await setup();
    const atEgress: { mark: number; iif: number; pktType: number }[] = [];
    const inPod: typeof atEgress = [];
    dev('node1', 'lxcclient').hooks.ingress = hook((skb) => { skb.mark = 0x77; return { verdict: 7, redirect: { helper: 'redirect_peer', ifindex: LXCWEB, flags: 0 } }; });
    dev('node1', 'lxcweb').hooks.egress = hook(() => ({ verdict: 2 }), atEgress);
    dev('pod:web', 'eth0').hooks.ingress = hook(() => ({ verdict: 0 }), inPod);
    // Addressed to the router MAC, yet PACKET_HOST in the pod: redirect_peer does no eth_type_trans.
    await backend.runStep(inject([toWeb()]));
    expect(atEgress).toEqual([]);
    expect(inPod).toEqual([{ mark: 0x77, iif: 2, pktType: 0 }]);
    const { packets } = await backend.collect();
    expect(toWebAt(packets, 'node1/lxcweb:egress')).toHaveLength(0);
    const got = toWebAt(packets, 'pod:web/eth0:ingress');
    expect(got).toHaveLength(1);
    expect(got[0]!.timeNs).toBe(at(packets, 'node1/lxcclient:ingress')[0]!.timeNs); // no backlog hop
  });

  it('BPF_F_INGRESS: received on the target (its tap and tc ingress), within the namespace', async () => {
    const { backend, dev } = await setup();
    const atIngress: { mark: number; iif: number; pktType: number }[] = [];
    dev('node1', 'lxcclient').hooks.ingress = hook((skb) => { skb.mark = 5; return { verdict: 7, redirect: { helper: 'redirect', ifindex: LXCWEB, flags: 1 } }; });
    dev('node1', 'lxcweb').hooks.ingress = hook(() => ({ verdict: 2 }), atIngress);
    await backend.runStep(inject([toWeb()]));
    // eth_type_trans on lxcweb: the router MAC is not its own → PACKET_OTHERHOST (3).
    expect(atIngress).toEqual([{ mark: 5, iif: LXCWEB, pktType: 3 }]);
    const { packets } = await backend.collect();
    expect(at(packets, 'node1/lxcweb:ingress')).toHaveLength(1);
  });

  it('SHOT drops after the ingress tap; a redirect to a missing device drops with a note', async () => {
    const { backend, dev } = await setup();
    dev('node1', 'lxcclient').hooks.ingress = hook(() => ({ verdict: 2 }));
    await backend.runStep(inject([toWeb()]));
    dev('node1', 'lxcclient').hooks.ingress = hook(() => ({ verdict: 7, redirect: { helper: 'redirect', ifindex: 99, flags: 0 } }));
    const r = await backend.runStep(inject([toWeb()], 1));
    expect(r.note).toContain('redirect to ifindex 99, no such device');
    const { packets } = await backend.collect();
    expect(packets.map((p) => p.point)).toEqual(['pod:client/eth0:egress', 'node1/lxcclient:ingress', 'pod:client/eth0:egress', 'node1/lxcclient:ingress']);
  });

  it('any other code passes (tcx): the node routes to the pod, ARPs for it on the lxc, forwards with TTL − 1', async () => {
    const { backend, dev } = await setup();
    dev('node1', 'lxcclient').hooks.ingress = hook(() => ({ verdict: 1 }));
    dev('node1', 'lxcweb').hooks.egress = hook(() => ({ verdict: -1 }));
    await backend.runStep(inject([toWeb('fe:54:0a:00:01:0a')]));
    const { packets } = await backend.collect();
    const out = at(packets, 'node1/lxcweb:egress').map((p) => p.frame).slice(0, 2);
    expect(out[0]!.length).toBe(42); // who-has 10.0.1.20 tell 192.168.50.1 (the node's address)
    expect([...out[0]!.subarray(28, 32)]).toEqual([192, 168, 50, 1]);
    expect(parse(out[1]!)).toMatchObject({ ttl: 63, dstMac: '0a:58:0a:00:01:14', srcMac: 'fe:54:0a:00:01:14', dst: '10.0.1.20' });
    // The pod answered the node's ARP (through cil_from_container, which passes replies to the stack).
    expect(at(packets, 'pod:web/eth0:egress').length).toBeGreaterThanOrEqual(1);
  });
});
