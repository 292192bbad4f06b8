// dpsim-loader on a live testbed: a tc program on a pod's lxc ingress drops ICMP to one
// destination and counts it; the map dump, a capture at the lxc and ping all agree. Maps
// change while traffic runs, and cleanup detaches and unpins.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { kernelTest } from '../../harness/skip.js';
import { LoaderError } from '../../harness/netns/loader.js';
import { startCapture } from '../../harness/netns/capture.js';
import { createTestbed } from '../../harness/netns/topology.js';
import { inject, ping } from '../../harness/netns/traffic.js';
import { ethernet, icmpEcho, ipv4, IPPROTO, parseIpv4 } from '../../src/packet/build.js';
import { compileNetnsFixture } from './fixtures.js';
import { leftoversOf, twoNodeSpec } from './helpers.js';

const u64 = (v: Uint8Array) => Buffer.from(v).readBigUInt64LE(0);
const u32 = (n: number) => Uint8Array.of(n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24);

/** One line per packet, as `tcpdump -r` prints it. */
function readPcap(file: string): string[] {
  return execFileSync('tcpdump', ['-r', file, '-n', '-q'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').filter(Boolean);
}

describe('dpsim-loader on a testbed', () => {
  kernelTest('drops ICMP to one destination at the lxc ingress, counts it, and detaches on cleanup', async () => {
    const obj = await compileNetnsFixture('drop_icmp');
    const tb = await createTestbed(twoNodeSpec({ kernelRouting: true }));
    try {
      const a = tb.pods['pod-a']!, c = tb.pods['pod-c']!;
      const loader = await tb.loader('node1');
      await loader.open('pod-a', obj, { rodata: [{ section: '.rodata', offset: 0, bytes: parseIpv4(c.ip) }] });
      await loader.load('pod-a');
      expect(await loader.fill('pod-a', [{ map: 'jump', progs: [{ index: 0, prog: 'drop_counted' }] }])).toBe(1);
      const link = await loader.attach('pod-a', 'lxc_ingress', a.lxc.name, 'ingress');
      expect(link.ifindex).toBe(a.lxc.ifindex);
      expect(await loader.links()).toEqual([{ instance: 'pod-a', prog: 'lxc_ingress', dev: a.lxc.name, direction: 'ingress', linkId: link.linkId }]);
      const pinDir = tb.nodes.node1!.pinDir;
      expect(readdirSync(`${pinDir}/pod-a/maps`).sort()).toEqual(['drop_icm_rodata', 'icmp_drops', 'jump']);
      expect(readdirSync(`${pinDir}/globals`)).toEqual(['netns_fixture_seen']);
      expect(existsSync(link.pin)).toBe(true);

      const capture = await startCapture(tb, 'node1', a.lxc.name, { filter: 'icmp' });
      const blocked = await ping(tb, 'pod-a', 'pod-c', { count: 3, timeoutS: 1 });
      const allowed = await ping(tb, 'pod-a', 'pod-d', { count: 2 });
      const pcap = await capture.stop();
      expect([blocked.received, allowed.received]).toEqual([0, 2]);

      const drops = await loader.dump('pod-a', 'icmp_drops');
      expect(drops.map((e) => [Buffer.from(e.key).toString('hex'), u64(e.value)])).toEqual([[Buffer.from(parseIpv4(c.ip)).toString('hex'), 3n]]);
      const seen = await loader.lookup('pod-a', 'netns_fixture_seen', u32(0));
      expect(u64(seen!)).toBeGreaterThanOrEqual(5n);

      // tcpdump sees ingress before tc: the dropped requests are there, replies are not.
      const lines = readPcap(pcap.file);
      expect(lines.filter((l) => l.includes(`${a.ip} > ${c.ip}`))).toHaveLength(3);
      expect(lines.filter((l) => l.includes(`${c.ip} > ${a.ip}`))).toHaveLength(0);
      expect(lines.filter((l) => l.includes(`${tb.pods['pod-d']!.ip} > ${a.ip}`))).toHaveLength(2);
      expect(pcap.packets).toBe(7);

      // A frame written at the pod's eth0 arrives at the lxc ingress and is dropped too.
      const frame = ethernet({ src: a.mac, dst: a.lxc.mac },
        ipv4({ src: a.ip, dst: c.ip, proto: IPPROTO.ICMP }, icmpEcho({ id: 7, seq: 1 })));
      expect(await inject(tb, 'pod-a', 'eth0', [frame, frame])).toBe(2);
      const after = await loader.lookup('pod-a', 'icmp_drops', parseIpv4(c.ip));
      expect(u64(after!)).toBe(5n);

      // Changing maps while running: an empty prog-array slot lets ICMP through.
      await loader.delete('pod-a', 'jump', u32(0));
      expect((await ping(tb, 'pod-a', 'pod-c', { count: 1 })).received).toBe(1);

      await expect(loader.attach('pod-a', 'lxc_ingress', 'nosuchdev', 'egress')).rejects.toThrow(LoaderError);
      await loader.cleanup();
      expect(await loader.links()).toEqual([]);
      expect(existsSync(pinDir)).toBe(false);
      const tcx = execFileSync('bpftool', ['-j', 'link', 'show'], { encoding: 'utf8' });
      expect((JSON.parse(tcx) as { id: number }[]).some((l) => l.id === link.linkId)).toBe(false);
    } finally {
      await tb.teardown();
    }
    expect(leftoversOf(tb.runId)).toEqual([]);
  });

  kernelTest('a verifier rejection and a bad fill line come back as errors, the loader keeps going', async () => {
    const obj = await compileNetnsFixture('drop_icmp');
    const tb = await createTestbed({ ...twoNodeSpec(), nodes: [twoNodeSpec().nodes[0]!], world: [] });
    try {
      const loader = await tb.loader('node1');
      await expect(loader.load('missing')).rejects.toMatchObject({ errno: 22 });
      await loader.open('bad', await compileNetnsFixture('rejected'));
      await expect(loader.load('bad')).rejects.toThrow(/load failed: verifier log:\n[^]*invalid access to packet/);
      await loader.open('x', obj);
      await loader.load('x');
      await expect(loader.fill('x', [{ map: 'icmp_drops', entries: [{ key: u32(1), value: u32(1) }] }])).rejects.toThrow(/fill-.*:2: icmp_drops wants 4-byte keys and 8-byte values/);
      expect(await loader.fill('x', [{ map: 'icmp_drops', entries: [{ key: u32(1), value: new Uint8Array(8) }, { key: u32(2), value: new Uint8Array(8) }] }])).toBe(2);
      expect(await loader.dump('x', 'icmp_drops')).toHaveLength(2);
      expect(await loader.info('x')).toMatchObject({ loaded: true, progs: ['drop_counted', 'lxc_ingress'] });
    } finally {
      await tb.teardown();
    }
    expect(leftoversOf(tb.runId)).toEqual([]);
  });
});
