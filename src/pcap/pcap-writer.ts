// Classic pcap output: little-endian, microsecond or nanosecond magic, one link type.
import { PCAP_FILE_HEADER_BYTES, PCAP_MAGIC_MICROS, PCAP_MAGIC_NANOS, PCAP_RECORD_HEADER_BYTES } from './classic-format.js';
import { ByteSink, type CaptureTarget } from './byte-sink.js';
import { LinkType } from './link-types.js';
import type { PcapTimestamp } from './timestamp.js';

export const DEFAULT_SNAPLEN = 262144;

export interface PacketToWrite {
  timestamp: PcapTimestamp;
  data: Uint8Array;
  /** Length on the wire; defaults to data.length. */
  originalLength?: number;
}

export interface PcapWriterOptions {
  linkType?: number;
  /** Longer packets are cut to this; default 262144. */
  snaplen?: number;
  /** 'us' (the classic magic, default) or 'ns' (the nanosecond magic). */
  resolution?: 'us' | 'ns';
  /** End the target stream on close (default true). */
  end?: boolean;
}

export interface WriterStats {
  packets: number;
  /** Packets whose timestamp had digits finer than the file's resolution (truncated). */
  precisionLoss: number;
}

export class PcapWriter {
  readonly stats: WriterStats = { packets: 0, precisionLoss: 0 };
  private readonly sink: ByteSink;
  private readonly snaplen: number;
  private readonly nanosPerUnit: number;

  /** Without a target the file is kept in memory: see toBytes(). */
  constructor(target?: CaptureTarget, options: PcapWriterOptions = {}) {
    this.sink = new ByteSink(target, options.end ?? true);
    this.snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    const nanos = options.resolution === 'ns';
    this.nanosPerUnit = nanos ? 1 : 1000;
    const at = this.sink.reserve(PCAP_FILE_HEADER_BYTES);
    const view = this.sink.view;
    view.setUint32(at, nanos ? PCAP_MAGIC_NANOS : PCAP_MAGIC_MICROS, true);
    view.setUint16(at + 4, 2, true);
    view.setUint16(at + 6, 4, true);
    view.setUint32(at + 16, this.snaplen, true);
    view.setUint32(at + 20, options.linkType ?? LinkType.ETHERNET, true);
  }

  async write(packet: PacketToWrite): Promise<void> {
    const { seconds, nanos } = packet.timestamp;
    if (!(seconds >= 0 && seconds <= 0xffffffff && Number.isInteger(seconds))) throw new RangeError(`pcap cannot store timestamp seconds ${seconds}`);
    const captured = this.snaplen > 0 ? Math.min(packet.data.length, this.snaplen) : packet.data.length;
    const at = this.sink.reserve(PCAP_RECORD_HEADER_BYTES + captured);
    const view = this.sink.view;
    view.setUint32(at, seconds, true);
    view.setUint32(at + 4, Math.floor(nanos / this.nanosPerUnit), true);
    view.setUint32(at + 8, captured, true);
    view.setUint32(at + 12, Math.max(packet.originalLength ?? packet.data.length, captured), true);
    this.sink.bytes.set(captured === packet.data.length ? packet.data : packet.data.subarray(0, captured), at + PCAP_RECORD_HEADER_BYTES);
    this.stats.packets++;
    if (nanos % this.nanosPerUnit !== 0) this.stats.precisionLoss++;
    if (this.sink.hasPending) await this.sink.flush();
  }

  /** Flushes and (by default) ends the target. */
  close(): Promise<void> {
    return this.sink.close();
  }

  /** The file so far, when writing to memory. */
  toBytes(): Uint8Array {
    return this.sink.toBytes();
  }
}
