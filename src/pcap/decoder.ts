// Push-style capture decoder shared by the streaming and the synchronous readers: feed chunks,
// pull packets. It picks the format from the magic number and turns any failure into a
// PcapError that records how many packets came before it.
import { ChunkBuffer } from './chunk-buffer.js';
import { ClassicParser, classicMagic } from './classic-format.js';
import { PcapError } from './errors.js';
import { PcapngParser } from './pcapng-format.js';
import { SHB_TYPE } from './pcapng-section.js';
import type { RecordParser } from './record-parser.js';
import type { CaptureFormat, PcapInterface, PcapPacket, PcapSection } from './types.js';

export class CaptureDecoder {
  private readonly input = new ChunkBuffer();
  private parser: RecordParser | undefined;
  private failure: PcapError | undefined;
  /** Packets handed out so far. */
  count = 0;

  get format(): CaptureFormat | undefined {
    return this.parser?.format;
  }

  /** Interfaces seen so far (IDBs may appear anywhere in a pcapng section). */
  get interfaces(): readonly PcapInterface[] {
    return this.parser?.interfaces ?? [];
  }

  get sections(): readonly PcapSection[] {
    return this.parser?.sections ?? [];
  }

  push(chunk: Uint8Array): void {
    this.input.push(chunk);
  }

  /** The next packet, or undefined when the bytes pushed so far hold no complete one. */
  next(): PcapPacket | undefined {
    if (this.failure) throw this.failure;
    try {
      for (;;) {
        const parser = this.parser ?? this.detect();
        if (!parser) return undefined;
        const packet = parser.next(this.input, this.count);
        if (packet === undefined) return undefined;
        if (packet !== null) {
          this.count++;
          return packet;
        }
      }
    } catch (err) {
      throw this.fail(err);
    }
  }

  /** Declares the input complete: throws PcapError if it ends inside a record or is empty. */
  finish(): void {
    if (this.failure) throw this.failure;
    const have = this.input.available;
    if (!this.parser) {
      throw this.fail(new PcapError(have === 0 ? 'empty file: no pcap or pcapng header' : `truncated file: ${have} bytes, too short for a magic number`, 0));
    }
    if (have > 0) {
      const { what, need } = this.parser.missing;
      throw this.fail(new PcapError(`truncated ${what}: need ${need} bytes, have ${have}`, this.input.offset));
    }
  }

  private detect(): RecordParser | undefined {
    if (!this.input.ensure(4)) return undefined;
    const { view, pos } = this.input;
    const classic = classicMagic(view, pos);
    if (classic) this.parser = new ClassicParser(classic.littleEndian, classic.nanos);
    else if (view.getUint32(pos, true) === SHB_TYPE) this.parser = new PcapngParser();
    else throw new PcapError(unknownMagic(this.input.bytes.subarray(pos, pos + 4)), 0);
    return this.parser;
  }

  private fail(err: unknown): PcapError {
    const error = err instanceof PcapError ? err : new PcapError(`internal reader error: ${(err as Error).message}`, this.input.offset);
    this.failure = new PcapError(error.reason, error.offset, this.count);
    return this.failure;
  }
}

function unknownMagic(magic: Uint8Array): string {
  const hex = Buffer.from(magic).toString('hex');
  if (magic[0] === 0x1f && magic[1] === 0x8b) return `unknown magic ${hex}: gzip-compressed (decompress it first)`;
  return `unknown magic ${hex}: not a pcap (a1b2c3d4, a1b23c4d) or pcapng (0a0d0d0a) file`;
}
