// Classic libpcap files: a 24-byte file header, then records of a 16-byte header and the bytes.
// The magic number gives the byte order (as written) and the resolution (µs or ns).
import type { ChunkBuffer } from './chunk-buffer.js';
import { MAX_RECORD_BYTES, PcapError } from './errors.js';
import type { RecordParser } from './record-parser.js';
import type { PcapInterface, PcapPacket, PcapSection } from './types.js';

export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
export const PCAP_FILE_HEADER_BYTES = 24;
export const PCAP_RECORD_HEADER_BYTES = 16;

/** Reads the magic in both byte orders; undefined when it is not classic pcap. */
export function classicMagic(view: DataView, pos: number): { littleEndian: boolean; nanos: boolean } | undefined {
  for (const littleEndian of [true, false]) {
    const magic = view.getUint32(pos, littleEndian);
    if (magic === PCAP_MAGIC_MICROS) return { littleEndian, nanos: false };
    if (magic === PCAP_MAGIC_NANOS) return { littleEndian, nanos: true };
  }
  return undefined;
}

export class ClassicParser implements RecordParser {
  readonly format;
  readonly interfaces: PcapInterface[] = [];
  readonly sections: PcapSection[] = [];
  missing = { what: '', need: 0 };
  private headerRead = false;
  private linkType = 0;
  private readonly subsecondScale: number;
  private readonly subsecondLimit: number;

  constructor(private readonly le: boolean, nanos: boolean) {
    this.format = nanos ? ('pcap-nsec' as const) : ('pcap' as const);
    this.subsecondScale = nanos ? 1 : 1000;
    this.subsecondLimit = nanos ? 1e9 : 1e6;
  }

  next(input: ChunkBuffer, index: number): PcapPacket | null | undefined {
    if (!this.headerRead) return this.readFileHeader(input);
    if (!input.ensure(PCAP_RECORD_HEADER_BYTES)) return this.need('record header', PCAP_RECORD_HEADER_BYTES);
    const le = this.le;
    const capturedLength = input.view.getUint32(input.pos + 8, le);
    if (capturedLength > MAX_RECORD_BYTES) {
      throw new PcapError(`record captured length ${capturedLength} exceeds the ${MAX_RECORD_BYTES}-byte limit (corrupt record header)`, input.offset);
    }
    const total = PCAP_RECORD_HEADER_BYTES + capturedLength;
    if (!input.ensure(total)) return this.need(`record body (${capturedLength} captured bytes)`, total);
    const view = input.view;
    const p = input.pos;
    let seconds = view.getUint32(p, le);
    let subsecond = view.getUint32(p + 4, le);
    if (subsecond >= this.subsecondLimit) {
      // Out-of-range fractions exist in the wild; carry them into the seconds.
      seconds += Math.floor(subsecond / this.subsecondLimit);
      subsecond %= this.subsecondLimit;
    }
    const packet: PcapPacket = {
      index,
      interfaceId: 0,
      linkType: this.linkType,
      timestamp: { seconds, nanos: subsecond * this.subsecondScale },
      capturedLength,
      originalLength: view.getUint32(p + 12, le),
      data: input.bytes.subarray(p + PCAP_RECORD_HEADER_BYTES, p + total),
    };
    input.advance(total);
    return packet;
  }

  private readFileHeader(input: ChunkBuffer): null | undefined {
    if (!input.ensure(PCAP_FILE_HEADER_BYTES)) return this.need('file header', PCAP_FILE_HEADER_BYTES);
    const view = input.view;
    const p = input.pos;
    const major = view.getUint16(p + 4, this.le);
    const minor = view.getUint16(p + 6, this.le);
    if (major !== 2) throw new PcapError(`unsupported pcap version ${major}.${minor} (expected 2.4)`, input.offset + 4);
    // The link-type field's upper bits carry FCS information; the type is the low 16 bits.
    this.linkType = view.getUint32(p + 20, this.le) & 0xffff;
    this.interfaces.push({
      id: 0,
      section: 0,
      sectionInterfaceId: 0,
      linkType: this.linkType,
      snaplen: view.getUint32(p + 16, this.le),
      resolution: { base: 10, exponent: this.format === 'pcap-nsec' ? 9 : 6 },
      tsOffset: 0,
    });
    this.sections.push({ index: 0, byteOrder: this.le ? 'little' : 'big', version: `${major}.${minor}` });
    input.advance(PCAP_FILE_HEADER_BYTES);
    this.headerRead = true;
    return null;
  }

  private need(what: string, need: number): undefined {
    this.missing = { what, need };
    return undefined;
  }
}
