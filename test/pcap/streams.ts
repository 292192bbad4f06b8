// Feeding readers from memory in chunks of a chosen size, and collecting what they yield.
import { readPackets, type CaptureSource, type PcapPacket } from '../../src/pcap/index.js';

export async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

/** The packets a stream yields, and the error it ended with (if any). */
export async function readAll(source: CaptureSource): Promise<{ packets: PcapPacket[]; error?: unknown }> {
  const packets: PcapPacket[] = [];
  try {
    for await (const packet of readPackets(source)) packets.push(packet);
  } catch (error) {
    return { packets, error };
  }
  return { packets };
}

/** A comparable summary of a packet. */
export const summary = (p: PcapPacket): string =>
  `${p.index} if${p.interfaceId} lt${p.linkType} ${p.timestamp.seconds}.${p.timestamp.nanos} ${p.capturedLength}/${p.originalLength} ${Buffer.from(p.data).toString('hex')} ${p.comment ?? ''}`;
