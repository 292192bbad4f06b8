// What the decoder needs from a file format: read one record at a time from a ChunkBuffer.
import type { ChunkBuffer } from './chunk-buffer.js';
import type { CaptureFormat, PcapInterface, PcapPacket, PcapSection } from './types.js';

export interface RecordParser {
  readonly format: CaptureFormat;
  readonly interfaces: PcapInterface[];
  readonly sections: PcapSection[];
  /**
   * The next packet; null after a record that holds no packet (a file header, an IDB, an unknown
   * block); undefined when the input does not yet hold the whole record (see `missing`). Throws
   * PcapError on corruption.
   */
  next(input: ChunkBuffer, index: number): PcapPacket | null | undefined;
  /** After next() returned undefined: what the record is and how many bytes it needs in all. */
  readonly missing: { what: string; need: number };
}

/** Rounds a length up to the 32-bit boundary pcapng pads to. */
export const pad4 = (n: number): number => (n + 3) & ~3;
