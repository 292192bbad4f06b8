// A real capture: tcpdump on the loopback of a network namespace made (and always deleted) by
// the test, while ping runs there. Never captures in the host namespace.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect } from 'vitest';
import { kernelTest } from '../../harness/skip.js';
import { formatTimestamp, pcapInfo, readPackets, toEthernetFrame, type PcapPacket } from '../../src/pcap/index.js';
import { missingTools, run, tempDir, tsharkFrames } from './tools.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Starts tcpdump in `ns` and resolves once it is listening. */
function startTcpdump(ns: string, args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, 'tcpdump', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start: ${stderr}`)), 10_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('listening on')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump exited with ${code}: ${stderr}`));
    });
  });
}

function exited(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tcpdump did not stop after its packet count')), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function collect(path: string): Promise<PcapPacket[]> {
  const packets: PcapPacket[] = [];
  for await (const packet of readPackets(path)) packets.push(packet);
  return packets;
}

describe('capture in a network namespace', () => {
  kernelTest('tcpdump -i lo (Ethernet) and -i any (SLL2, ns): our reader agrees with tshark and capinfos', async () => {
    const missing = missingTools(['tcpdump', 'tshark', 'capinfos', 'ping', 'ip']);
    if (missing.length > 0) throw new Error(`kernel test needs ${missing.join(', ')}`);
    const ns = `dpsim-pcaptest-${randomBytes(4).toString('hex')}`;
    const loFile = tmp.path('lo.pcap');
    const anyFile = tmp.path('any.pcap');
    const children: ChildProcess[] = [];
    await run('ip', ['netns', 'add', ns]);
    try {
      await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      children.push(await startTcpdump(ns, ['-i', 'lo', '-w', loFile, '-c', '6', '-U']));
      children.push(await startTcpdump(ns, ['-i', 'any', '-y', 'LINUX_SLL2', '--time-stamp-precision=nano', '-w', anyFile, '-c', '6', '-U']));
      await run('ip', ['netns', 'exec', ns, 'ping', '-c', '3', '-i', '0.2', '127.0.0.1']);
      for (const child of children) expect(await exited(child, 10_000)).toBe(0);
    } finally {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
      await run('ip', ['netns', 'del', ns]);
    }

    const lo = await collect(loFile);
    expect(lo).toHaveLength(6);
    expect(lo.every((p) => p.linkType === 1)).toBe(true);
    const any = await collect(anyFile);
    expect(any).toHaveLength(6);
    expect(any.every((p) => p.linkType === 276)).toBe(true);
    for (const file of [loFile, anyFile]) {
      const ours = await collect(file);
      const theirs = await tsharkFrames(file);
      expect(ours.map((p) => [formatTimestamp(p.timestamp), p.originalLength, hex(p.data)])).toEqual(theirs.map((f) => [f.epoch, f.len, f.hex]));
      const info = await pcapInfo(file);
      expect(info.packetCount).toBe(Number((await run('capinfos', ['-M', '-c', file])).match(/Number of packets:\s+(\d+)/)![1]));
      expect(info.protocols.network.ipv4).toBe(6);
      expect(info.protocols.transport.icmp).toBe(6);
    }
    expect((await pcapInfo(anyFile)).interfaces[0]!.resolution).toEqual({ base: 10, exponent: 9 });
    // lo frames have zero MACs, so the frames synthesised from the cooked capture are the same bytes.
    const loFrames = new Set(lo.map((p) => hex(p.data)));
    for (const p of any) expect(loFrames.has(hex(toEthernetFrame(p)!))).toBe(true);
  }, 60_000);
});
