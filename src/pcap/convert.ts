// Re-encoding a capture as pcap or pcapng, keeping timestamps exact where the target can hold
// them. Classic pcap holds one link type and no comments: the result says what did not fit.
import type { CaptureTarget } from './byte-sink.js';
import { linkTypeName } from './link-types.js';
import { PcapngWriter } from './pcapng-writer.js';
import { DEFAULT_SNAPLEN, PcapWriter } from './pcap-writer.js';
import { CaptureReader } from './read.js';
import type { CaptureSource } from './source.js';
import type { PcapInterface, PcapPacket } from './types.js';

export interface ConvertOptions {
  format: 'pcap' | 'pcapng';
  /** For pcap: 'ns' (default, exact) or 'us' (the classic magic, which may lose digits). */
  resolution?: 'us' | 'ns';
}

export interface ConvertResult {
  packets: number;
  /** Packets whose timestamp lost sub-resolution digits (only for µs pcap, or coarse IDBs). */
  precisionLoss: number;
  /** Packet comments that pcap cannot hold. */
  droppedComments: number;
}

/** Converts `input` into `output`; a damaged input is converted up to the damage, then its PcapError is thrown. */
export async function convert(input: CaptureSource, output: CaptureTarget, options: ConvertOptions): Promise<ConvertResult> {
  const reader = new CaptureReader(input);
  const sink = options.format === 'pcap' ? new PcapSink(output, options.resolution ?? 'ns') : new PcapngSink(output);
  try {
    for await (const packet of reader) await sink.write(packet, reader.interfaces);
  } finally {
    await sink.close(reader.interfaces);
  }
  return sink.result();
}

class PcapSink {
  private writer: PcapWriter | undefined;
  private linkType = 0;
  private droppedComments = 0;

  constructor(private readonly output: CaptureTarget, private readonly resolution: 'us' | 'ns') {}

  async write(packet: PcapPacket, interfaces: readonly PcapInterface[]): Promise<void> {
    const writer = this.open(interfaces[packet.interfaceId]!);
    if (packet.linkType !== this.linkType) {
      throw new Error(`pcap holds one link type: packet ${packet.index} is ${linkTypeName(packet.linkType)}, the file is ${linkTypeName(this.linkType)} (convert to pcapng instead)`);
    }
    if (packet.comment !== undefined) this.droppedComments++;
    await writer.write(packet);
  }

  async close(interfaces: readonly PcapInterface[]): Promise<void> {
    // A capture without packets still gets a header, from its first interface if it has one.
    await this.open(interfaces[0]).close();
  }

  result(): ConvertResult {
    const stats = this.writer!.stats;
    return { packets: stats.packets, precisionLoss: stats.precisionLoss, droppedComments: this.droppedComments };
  }

  private open(iface: PcapInterface | undefined): PcapWriter {
    if (!this.writer) {
      this.linkType = iface?.linkType ?? 1;
      const snaplen = iface && iface.snaplen > 0 ? iface.snaplen : DEFAULT_SNAPLEN;
      this.writer = new PcapWriter(this.output, { linkType: this.linkType, snaplen, resolution: this.resolution });
    }
    return this.writer;
  }
}

class PcapngSink {
  private readonly writer: PcapngWriter;

  constructor(output: CaptureTarget) {
    this.writer = new PcapngWriter(output);
  }

  async write(packet: PcapPacket, interfaces: readonly PcapInterface[]): Promise<void> {
    this.addInterfaces(interfaces);
    await this.writer.write({ ...packet, comment: packet.options?.comments ?? packet.comment, flags: packet.options?.flags });
  }

  async close(interfaces: readonly PcapInterface[]): Promise<void> {
    this.addInterfaces(interfaces);
    await this.writer.close();
  }

  result(): ConvertResult {
    return { ...this.writer.stats, droppedComments: 0 };
  }

  /** Same ids in and out: every input interface (all sections) becomes one IDB, in order. */
  private addInterfaces(interfaces: readonly PcapInterface[]): void {
    while (this.writer.interfaceCount < interfaces.length) {
      const iface = interfaces[this.writer.interfaceCount]!;
      // Keep decimal resolutions up to ns; anything else is written in ns, which reads back the same.
      const keep = iface.resolution.base === 10 && iface.resolution.exponent <= 9;
      this.writer.addInterface({
        linkType: iface.linkType,
        snaplen: iface.snaplen,
        name: iface.name,
        description: iface.description,
        resolution: keep ? iface.resolution : 'ns',
      });
    }
  }
}
