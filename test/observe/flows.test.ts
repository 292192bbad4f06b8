// Flows decoded from the datapath's events carry Hubble's field names and values, and the
// filters and compact form behave like `hubble observe`'s.
import { describe, it, expect } from 'vitest';
import { eventToFlow, matchesFilter, compactLine, rfc3339, type EndpointDirectory } from '../../src/observe/flows.js';
import { tcpFrame, udpFrame } from '../../src/packet/build.js';

const dir: EndpointDirectory = {
  byIp: (ip) => (ip === '10.244.1.10' ? { id: 101, namespace: 'default', podName: 'client' } : ip === '10.244.1.11' ? { id: 102, namespace: 'default', podName: 'server' } : undefined),
  labels: (id) => (id === 256 ? ['k8s:app=client', 'k8s:io.kubernetes.pod.namespace=default'] : id === 257 ? ['k8s:app=server'] : []),
  interfaceName: (_n, ifindex) => (ifindex === 11 ? 'lxcclient' : undefined),
};

/** A trace notify (48 bytes) or drop notify (40 bytes) followed by the packet, as docs/datapath-events.md lays them out. */
function event(kind: 'trace' | 'drop', sub: number, frame: Uint8Array, o: { src: number; dst: number; dstId?: number; source?: number; reason?: number; ifindex: number }): Uint8Array {
  const size = kind === 'trace' ? 48 : 40;
  const b = new Uint8Array(size + frame.length);
  const v = new DataView(b.buffer);
  b[0] = kind === 'trace' ? 4 : 1;
  b[1] = sub;
  v.setUint16(2, o.source ?? 0, true);
  v.setUint32(8, frame.length, true);
  v.setUint16(12, frame.length, true);
  b[14] = 1;
  v.setUint32(16, o.src, true);
  v.setUint32(20, o.dst, true);
  if (kind === 'trace') { v.setUint16(24, o.dstId ?? 0, true); b[26] = o.reason ?? 0; v.setUint32(28, o.ifindex, true); }
  else { v.setUint32(24, o.dstId ?? 0, true); v.setUint32(32, o.ifindex, true); }
  b.set(frame, size);
  return b;
}

const syn = tcpFrame({ src: '10.244.1.10', dst: '10.244.1.11', sport: 40000, dport: 80, flags: 'S' });

describe('flows from datapath events', () => {
  it('a trace notify becomes a FORWARDED flow with Hubble\'s field names', () => {
    const r = eventToFlow(event('trace', 5, syn, { src: 256, dst: 0, ifindex: 11, reason: 0 }), 'node1', 1_700_000_000_123_456_789n, dir)!;
    expect(r.node_name).toBe('node1');
    expect(r.time).toBe('2023-11-14T22:13:20.123456789Z');
    const f = r.flow as unknown as Record<string, unknown>;
    expect(Object.keys(f)).toEqual(expect.arrayContaining(['time', 'verdict', 'ethernet', 'IP', 'l4', 'source', 'destination', 'Type', 'node_name', 'event_type', 'traffic_direction', 'trace_observation_point', 'is_reply', 'interface', 'Summary']));
    expect(f).toMatchObject({
      verdict: 'FORWARDED', Type: 'L3_L4', trace_observation_point: 'FROM_ENDPOINT', traffic_direction: 'EGRESS', is_reply: false,
      IP: { source: '10.244.1.10', destination: '10.244.1.11', ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 40000, destination_port: 80, flags: { SYN: true } } },
      source: { ID: 101, identity: 256, namespace: 'default', pod_name: 'client', labels: ['k8s:app=client', 'k8s:io.kubernetes.pod.namespace=default'] },
      destination: { identity: 0, namespace: 'default', pod_name: 'server' },
      event_type: { type: 4, sub_type: 5 },
      interface: { index: 11, name: 'lxcclient' },
      Summary: 'TCP Flags: SYN',
    });
    expect(f).not.toHaveProperty('drop_reason_desc');
  });

  it('a drop notify becomes a DROPPED flow with the reason\'s Hubble name', () => {
    const r = eventToFlow(event('drop', 133, syn, { src: 256, dst: 257, dstId: 102, source: 102, ifindex: 12 }), 'node1', 0n, dir)!;
    expect(r.flow).toMatchObject({ verdict: 'DROPPED', drop_reason: 133, drop_reason_desc: 'POLICY_DENIED', traffic_direction: 'INGRESS', destination: { ID: 102, identity: 257 } });
  });

  it('replies and TO_ENDPOINT', () => {
    const reply = tcpFrame({ src: '10.244.1.11', dst: '10.244.1.10', sport: 80, dport: 40000, flags: 'SA' });
    const r = eventToFlow(event('trace', 0, reply, { src: 257, dst: 256, dstId: 101, ifindex: 11, reason: 2 }), 'node1', 0n, dir)!;
    expect(r.flow).toMatchObject({ trace_observation_point: 'TO_ENDPOINT', traffic_direction: 'INGRESS', is_reply: true });
  });

  it('filters and the compact form', () => {
    const fwd = eventToFlow(event('trace', 5, syn, { src: 256, dst: 0, ifindex: 11 }), 'node1', 0n, dir)!;
    const drop = eventToFlow(event('drop', 133, udpFrame({ src: '10.244.1.10', dst: '10.244.1.11', dport: 53 }), { src: 256, dst: 257, dstId: 102, source: 102, ifindex: 12 }), 'node1', 0n, dir)!;
    expect(matchesFilter(fwd, { verdict: ['dropped'] })).toBe(false);
    expect(matchesFilter(drop, { verdict: ['DROPPED'], protocol: ['udp'], port: [53] })).toBe(true);
    expect(matchesFilter(fwd, { fromPod: ['default/client'], toPod: ['server'] })).toBe(true);
    expect(matchesFilter(fwd, { fromPod: ['server'] })).toBe(false);
    expect(compactLine(drop)).toMatch(/default\/client:12345 \(ID:256\) -> default\/server:53 \(ID:257\) DROPPED POLICY_DENIED \(UDP\)/);
    expect(rfc3339(0n)).toBe('1970-01-01T00:00:00.000000000Z');
  });

  it('unknown or truncated events are not flows', () => {
    expect(eventToFlow(new Uint8Array(10), 'n', 0n, dir)).toBeUndefined();
    const bad = event('trace', 5, syn, { src: 1, dst: 2, ifindex: 1 });
    bad[0] = 9;
    expect(eventToFlow(bad, 'n', 0n, dir)).toBeUndefined();
  });
});
