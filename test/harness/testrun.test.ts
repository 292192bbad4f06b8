// KernelTestRun against the real kernel: load, info, maps, rodata, runs, events, tail calls.
import { describe, expect } from 'vitest';
import { KernelTestRun, splitPerCpu, type RodataPatch } from '../../harness/testrun.js';
import { kernelTest } from '../../harness/skip.js';
import { compileFixture } from './fixtures.js';
import {
  IP_OFFSET, SKB_CTX_SIZE, SKB_MARK_OFFSET, hex, ipv4Checksum, ipv4Packet, readU32le, readU64le, u32le, u64le,
} from './packets.js';

const TCP = 6;
const UDP = 17;
const TC_ACT_OK = 0;
const TC_ACT_SHOT = 2;
const TC_ACT_PIPE = 3;
const SRC = [10, 0, 0, 1];
const DST = [10, 0, 0, 2];
const tcpPacket = () => ipv4Packet({ protocol: TCP, saddr: SRC, daddr: DST });
const udpPacket = () => ipv4Packet({ protocol: UDP, saddr: SRC, daddr: DST });

async function withFixture(fn: (kt: KernelTestRun) => Promise<void>, rodata?: RodataPatch[]): Promise<void> {
  const kt = await KernelTestRun.open(await compileFixture('testrun_fixture'), { rodata });
  try {
    await kt.load();
    await fn(kt);
  } finally {
    await kt.close();
  }
}

describe('KernelTestRun', () => {
  kernelTest('load and info list programs with their types and instruction counts, and maps', async () => {
    const kt = await KernelTestRun.open(await compileFixture('testrun_fixture'));
    try {
      const before = await kt.info();
      expect(before.loaded).toBe(false);
      expect(before.progs.find((p) => p.name === 'fixture_main')?.xlatedInsns).toBe(0);
      await kt.load();
      const info = await kt.info();
      expect(info.loaded).toBe(true);
      expect(info.possibleCpus).toBeGreaterThanOrEqual(1);
      const progs = Object.fromEntries(info.progs.map((p) => [p.name, p]));
      expect(progs.fixture_main).toMatchObject({ section: 'tc', type: 'sched_cls' });
      expect(progs.fixture_tail).toMatchObject({ section: 'tc/tail', type: 'sched_cls' }); // unknown to libbpf 1.1
      expect(progs.fixture_xdp).toMatchObject({ section: 'xdp', type: 'xdp' });
      expect(progs.fixture_main!.insns).toBeGreaterThan(50);
      expect(progs.fixture_main!.xlatedInsns).toBeGreaterThan(0);
      expect(progs.fixture_main!.verifiedInsns).toBeGreaterThan(0);
      const maps = Object.fromEntries(info.maps.map((m) => [m.name, m]));
      expect(maps.seen).toMatchObject({ type: 'hash', keySize: 4, valueSize: 8, maxEntries: 64 });
      expect(maps.runs).toMatchObject({ type: 'percpu_array', valueSize: 8, maxEntries: 2 });
      expect(maps.ring_events?.type).toBe('ringbuf');
      expect(maps.perf_events?.type).toBe('perf_event_array');
      expect(maps.jump?.type).toBe('prog_array');
      expect(info.maps.some((m) => m.name.endsWith('.rodata'))).toBe(true);
    } finally {
      await kt.close();
    }
  });

  kernelTest('map update, lookup, dump, delete and clear round-trip', async () => {
    await withFixture(async (kt) => {
      const dst = new Uint8Array(DST);
      expect(await kt.lookup('verdicts', dst)).toBeUndefined();
      await kt.update('verdicts', dst, u32le(TC_ACT_SHOT));
      expect(hex((await kt.lookup('verdicts', dst))!)).toBe(hex(u32le(TC_ACT_SHOT)));
      await kt.update('verdicts', new Uint8Array([10, 0, 0, 9]), u32le(7));
      const dump = await kt.dump('verdicts');
      expect(dump.map((e) => `${hex(e.key)}=${hex(e.value)}`).sort()).toEqual(['0a000002=02000000', '0a000009=07000000']);
      await kt.delete('verdicts', dst);
      expect(await kt.lookup('verdicts', dst)).toBeUndefined();
      await kt.clear('verdicts');
      expect(await kt.dump('verdicts')).toEqual([]);

      // Per-CPU: every possible CPU's slot, 8 bytes each.
      const cpus = kt.possibleCpus;
      const slots = new Uint8Array(8 * cpus);
      slots.set(u64le(41n), 0);
      await kt.update('runs', u32le(1), slots);
      const back = await kt.lookup('runs', u32le(1));
      expect(splitPerCpu(back!, 8).map((s) => readU64le(s))).toEqual([41n, ...Array(cpus - 1).fill(0n)]);
      await kt.clear('runs');
      expect(readU64le((await kt.lookup('runs', u32le(1)))!)).toBe(0n);
      await expect(kt.update('runs', u32le(1), u32le(1))).rejects.toMatchObject({ errno: 22 }); // not 8 bytes per CPU
    });
  });

  kernelTest('rodata set before load changes the verdict; .rodata reads back', async () => {
    await withFixture(async (kt) => {
      expect((await kt.run('fixture_main', tcpPacket())).retval).toBe(TC_ACT_OK);
      expect(hex((await kt.lookup('.rodata', u32le(0)))!)).toBe('00000000ed5e0000');
      await expect(kt.setRodata('.rodata', 0, u32le(1))).rejects.toMatchObject({ errno: 16 });
    });
    await withFixture(
      async (kt) => {
        expect((await kt.run('fixture_main', tcpPacket())).retval).toBe(TC_ACT_SHOT);
        // A per-destination verdict from the hash map wins over the default.
        await kt.update('verdicts', new Uint8Array(DST), u32le(TC_ACT_PIPE));
        expect((await kt.run('fixture_main', tcpPacket())).retval).toBe(TC_ACT_PIPE);
      },
      [{ section: '.rodata', offset: 0, bytes: u32le(TC_ACT_SHOT) }],
    );
  });

  kernelTest('data_out carries the rewritten packet with a valid IPv4 checksum', async () => {
    await withFixture(async (kt) => {
      const input = tcpPacket();
      const { dataOut } = await kt.run('fixture_main', input);
      expect(dataOut.length).toBe(input.length);
      const ip = dataOut.subarray(IP_OFFSET, IP_OFFSET + 20);
      expect(ip[8]).toBe(63); // TTL decremented by bpf_skb_store_bytes
      expect(ipv4Checksum(ip)).toBe(0); // fixed up by bpf_l3_csum_replace
      expect(hex(ip.subarray(10, 12))).not.toBe(hex(input.subarray(IP_OFFSET + 10, IP_OFFSET + 12)));
    });
  });

  kernelTest('ctx_out returns the mark the program wrote', async () => {
    await withFixture(async (kt) => {
      const result = await kt.run('fixture_main', tcpPacket(), { ctx: new Uint8Array(SKB_CTX_SIZE) });
      expect(result.ctxOut?.length).toBe(SKB_CTX_SIZE);
      expect(readU32le(result.ctxOut!, SKB_MARK_OFFSET)).toBe(0x5eed);
      expect((await kt.run('fixture_main', tcpPacket())).ctxOut).toBeUndefined();
    });
  });

  kernelTest('repeat runs the program N times on CPU 0', async () => {
    await withFixture(async (kt) => {
      expect(kt.pinnedToCpu0).toBe(true);
      const result = await kt.run('fixture_main', tcpPacket(), { repeat: 5 });
      expect(result.durationNs).toBeGreaterThanOrEqual(0);
      const perCpu = splitPerCpu((await kt.lookup('runs', u32le(0)))!, 8).map((s) => readU64le(s));
      expect(perCpu[0]).toBe(5n);
      expect(perCpu.slice(1).every((n) => n === 0n)).toBe(true);
      expect(readU64le((await kt.lookup('seen', new Uint8Array(SRC)))!)).toBe(5n);
      expect(result.events.filter((e) => e.map === 'ring_events')).toHaveLength(5);
    });
  });

  kernelTest('ring buffer and perf events come back with the run', async () => {
    await withFixture(async (kt) => {
      const input = tcpPacket();
      const { events, lostEvents } = await kt.run('fixture_main', input);
      expect(lostEvents).toBe(0);
      expect(events.map((e) => e.map)).toEqual(['ring_events', 'perf_events']);
      const expected = hex(new Uint8Array([...SRC, ...u32le(0), ...u32le(input.length)])); // saddr, cpu 0, skb->len
      expect(events.map((e) => hex(e.data))).toEqual([expected, expected]);
      // Drained: the next run reports only its own events.
      expect((await kt.run('fixture_main', input)).events).toHaveLength(2);
    });
  });

  kernelTest('prog array slots drive tail calls', async () => {
    await withFixture(async (kt) => {
      const ctx = new Uint8Array(SKB_CTX_SIZE);
      expect((await kt.run('fixture_main', udpPacket(), { ctx })).retval).toBe(TC_ACT_OK); // empty slot: falls through
      await kt.setProg('jump', 0, 'fixture_tail');
      expect((await kt.dump('jump')).map((e) => hex(e.key))).toEqual(['00000000']);
      const tail = await kt.run('fixture_main', udpPacket(), { ctx });
      expect(tail.retval).toBe(TC_ACT_PIPE);
      expect(readU32le(tail.ctxOut!, SKB_MARK_OFFSET)).toBe(0x7a11);
      expect((await kt.run('fixture_main', tcpPacket())).retval).toBe(TC_ACT_OK); // TCP does not jump
      await kt.clear('jump');
      expect(await kt.dump('jump')).toEqual([]);
      expect((await kt.run('fixture_main', udpPacket())).retval).toBe(TC_ACT_OK);
    });
  });

  kernelTest('map-in-map: an inner map set by name is seen by the program', async () => {
    await withFixture(async (kt) => {
      expect((await kt.run('fixture_inner', tcpPacket())).retval).toBe(99);
      await kt.update('inner_spare', u32le(0), u32le(7));
      await kt.setInnerMap('outer', u32le(0), 'inner_spare');
      expect((await kt.run('fixture_inner', tcpPacket())).retval).toBe(7);
      await kt.delete('outer', u32le(0));
      expect((await kt.run('fixture_inner', tcpPacket())).retval).toBe(99);
    });
  });

  kernelTest('xdp programs run too', async () => {
    await withFixture(async (kt) => {
      expect((await kt.run('fixture_xdp', tcpPacket())).retval).toBe(2); // XDP_PASS
    });
  });
});
