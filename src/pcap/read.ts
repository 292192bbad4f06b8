// The readers: an async iterator over a stream in constant memory, and a synchronous parse of a
// buffer already in memory. Both hand out every readable packet before a PcapError.
import { CaptureDecoder } from './decoder.js';
import { PcapError } from './errors.js';
import { chunksOf, type CaptureSource } from './source.js';
import type { CaptureFormat, PcapInterface, PcapPacket, PcapSection } from './types.js';

/**
 * Iterates a capture's packets. The format and the interfaces seen so far are available while
 * iterating (`interfaces[packet.interfaceId]`).
 */
export class CaptureReader implements AsyncIterable<PcapPacket> {
  private readonly decoder = new CaptureDecoder();
  private started = false;

  constructor(private readonly source: CaptureSource) {}

  get format(): CaptureFormat | undefined {
    return this.decoder.format;
  }

  get interfaces(): readonly PcapInterface[] {
    return this.decoder.interfaces;
  }

  get sections(): readonly PcapSection[] {
    return this.decoder.sections;
  }

  /** Reads the source once: a second iteration throws. */
  async *[Symbol.asyncIterator](): AsyncGenerator<PcapPacket, void, undefined> {
    if (this.started) throw new Error('a CaptureReader reads its source once; create another to read it again');
    this.started = true;
    const decoder = this.decoder;
    for await (const chunk of chunksOf(this.source)) {
      decoder.push(chunk);
      for (let packet = decoder.next(); packet !== undefined; packet = decoder.next()) yield packet;
    }
    decoder.finish();
  }
}

/** Every packet of a pcap or pcapng source, streamed; throws PcapError after the last good one. */
export function readPackets(source: CaptureSource): AsyncGenerator<PcapPacket, void, undefined> {
  return new CaptureReader(source)[Symbol.asyncIterator]();
}

export interface ParsedCapture {
  format: CaptureFormat | undefined;
  interfaces: readonly PcapInterface[];
  sections: readonly PcapSection[];
  packets: PcapPacket[];
}

/** A PcapError from parsePcap, carrying everything read before the damage. */
export class PartialCaptureError extends PcapError {
  constructor(error: PcapError, readonly partial: ParsedCapture) {
    super(error.reason, error.offset, error.packetsRead);
  }
}

/** Parses a whole capture held in memory; packets are views into `bytes`. */
export function parsePcap(bytes: Uint8Array): ParsedCapture {
  const decoder = new CaptureDecoder();
  const packets: PcapPacket[] = [];
  const parsed = (): ParsedCapture => ({ format: decoder.format, interfaces: decoder.interfaces, sections: decoder.sections, packets });
  try {
    decoder.push(bytes);
    for (let packet = decoder.next(); packet !== undefined; packet = decoder.next()) packets.push(packet);
    decoder.finish();
  } catch (err) {
    if (err instanceof PcapError) throw new PartialCaptureError(err, parsed());
    throw err;
  }
  return parsed();
}
