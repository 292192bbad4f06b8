// Shared by the replay tests: temp files, small captures, reading an output capture back.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parsePcap, PcapWriter, PcapngWriter, type PcapngPacketToWrite } from '../../src/pcap/index.js';
import { decodeFrame } from '../../src/packet/decode.js';

export const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), `dpsim-${prefix}-`));

export async function writePcap(path: string, frames: Uint8Array[], gapNs = 1000): Promise<void> {
  const w = new PcapWriter(path, { resolution: 'ns' });
  for (const [i, data] of frames.entries()) await w.write({ timestamp: { seconds: 1_700_000_000, nanos: i * gapNs }, data });
  await w.close();
}

export async function writePcapng(path: string, packets: (PcapngPacketToWrite & { linkType: number })[]): Promise<void> {
  const w = new PcapngWriter(path);
  const ids = new Map<number, number>();
  for (const p of packets) {
    if (!ids.has(p.linkType)) ids.set(p.linkType, w.addInterface({ linkType: p.linkType }));
    await w.write({ ...p, interfaceId: ids.get(p.linkType)! });
  }
  await w.close();
}

/** A capture truncated in the middle of its last record's bytes. */
export function truncateLastRecord(path: string, out: string): void {
  const bytes = readFileSync(path);
  writeFileSync(out, bytes.subarray(0, bytes.length - 20));
}

export function readBack(path: string) {
  return parsePcap(readFileSync(path)).packets;
}

export function field(frame: Uint8Array, name: string): string | undefined {
  return decodeFrame(frame).fields.find((f) => f.name === name)?.value?.toString();
}
