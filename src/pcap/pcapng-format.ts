// pcapng: a sequence of blocks (type, total length, body, total length again). Sections start
// with an SHB that fixes the byte order; IDBs declare interfaces; EPB, SPB and the obsolete
// Packet Block carry packets; every other block type is skipped by its length.
import type { ChunkBuffer } from './chunk-buffer.js';
import { MAX_RECORD_BYTES, PcapError } from './errors.js';
import { clockTimestamp, parseInterface, type TickClock } from './pcapng-interface.js';
import type { OptionArea } from './pcapng-options.js';
import { readPacketOptions } from './pcapng-packet-options.js';
import { parseSection, sectionByteOrder, SHB_MIN_BYTES, SHB_TYPE } from './pcapng-section.js';
import { pad4, type RecordParser } from './record-parser.js';
import type { PcapTimestamp } from './timestamp.js';
import type { PcapInterface, PcapPacket, PcapSection } from './types.js';

const IDB_TYPE = 1;
const OPB_TYPE = 2;
const SPB_TYPE = 3;
const EPB_TYPE = 6;

const BLOCK_OVERHEAD = 12;
const IDB_MIN_BYTES = 20;
const EPB_MIN_BYTES = 32;
const OPB_MIN_BYTES = 32;
const SPB_MIN_BYTES = 16;
/** A packet block may hold a maximal packet plus generous room for options. */
const MAX_BLOCK_BYTES = MAX_RECORD_BYTES + 64 * 1024;

const NO_TIMESTAMP: Readonly<PcapTimestamp> = { seconds: 0, nanos: 0 };

export class PcapngParser implements RecordParser {
  readonly format = 'pcapng' as const;
  readonly interfaces: PcapInterface[] = [];
  readonly sections: PcapSection[] = [];
  missing = { what: '', need: 0 };
  private le = true;
  /** Global interface ids of the current section, by section-local id. */
  private sectionInterfaces: number[] = [];
  private readonly clocks: TickClock[] = [];

  next(input: ChunkBuffer, index: number): PcapPacket | null | undefined {
    if (!input.ensure(8)) return this.need('block header', 8);
    const type = input.view.getUint32(input.pos, this.le);
    if (type === SHB_TYPE) {
      if (!input.ensure(12)) return this.need('section header block', 12);
      this.le = sectionByteOrder(input.view, input.pos + 8, input.offset + 8);
    }
    const length = input.view.getUint32(input.pos + 4, this.le);
    this.checkLength(type, length, input.offset);
    if (!input.ensure(length)) return this.need(`block of type 0x${type.toString(16)} (${length} bytes)`, length);
    const p = input.pos;
    const trailer = input.view.getUint32(p + length - 4, this.le);
    if (trailer !== length) {
      throw new PcapError(`block trailing length ${trailer} does not match its leading length ${length}`, input.offset + length - 4);
    }
    const area: OptionArea = { bytes: input.bytes, view: input.view, le: this.le, base: input.offset - p };
    const end = p + length - 4;
    let packet: PcapPacket | null = null;
    if (type === EPB_TYPE) packet = this.enhancedPacket(area, p, end, index);
    else if (type === SPB_TYPE) packet = this.simplePacket(area, p, end, index);
    else if (type === OPB_TYPE) packet = this.obsoletePacket(area, p, end, index);
    else if (type === IDB_TYPE) this.addInterface(area, p, end);
    else if (type === SHB_TYPE) this.startSection(area, p, end);
    input.advance(length);
    return packet;
  }

  private checkLength(type: number, length: number, offset: number): void {
    const min = type === SHB_TYPE ? SHB_MIN_BYTES : type === EPB_TYPE ? EPB_MIN_BYTES : type === OPB_TYPE ? OPB_MIN_BYTES
      : type === IDB_TYPE ? IDB_MIN_BYTES : type === SPB_TYPE ? SPB_MIN_BYTES : BLOCK_OVERHEAD;
    if (length < min || length % 4 !== 0 || length > MAX_BLOCK_BYTES) {
      const why = length > MAX_BLOCK_BYTES ? `exceeds the ${MAX_BLOCK_BYTES}-byte limit` : length % 4 ? 'is not a multiple of 4' : `is below the minimum ${min}`;
      throw new PcapError(`bad block length ${length} for block type 0x${type.toString(16)}: ${why}`, offset + 4);
    }
  }

  private startSection(area: OptionArea, p: number, end: number): void {
    this.sections.push(parseSection(area, p, end, this.sections.length));
    this.sectionInterfaces = [];
  }

  private addInterface(area: OptionArea, p: number, end: number): void {
    if (this.sections.length === 0) throw new PcapError('interface description block before any section header', area.base + p);
    const { iface, clock } = parseInterface(area, p + 8, end, {
      id: this.interfaces.length,
      section: this.sections.length - 1,
      sectionInterfaceId: this.sectionInterfaces.length,
    });
    this.sectionInterfaces.push(iface.id);
    this.interfaces.push(iface);
    this.clocks.push(clock);
  }

  private enhancedPacket(area: OptionArea, p: number, end: number, index: number): PcapPacket {
    return this.timedPacket(area, p, end, index, area.view.getUint32(p + 8, area.le));
  }

  /**
   * EPB and the obsolete Packet Block share a layout from offset 12 on (timestamp, captured and
   * original lengths, data, options); they differ in the interface id's width.
   */
  private timedPacket(area: OptionArea, p: number, end: number, index: number, localInterface: number): PcapPacket {
    const { view, le } = area;
    const interfaceId = this.interfaceOf(localInterface, area.base + p + 8);
    const capturedLength = view.getUint32(p + 20, le);
    this.checkCaptured(capturedLength, end - p - 28, area.base + p + 20);
    const packet: PcapPacket = {
      index,
      interfaceId,
      linkType: this.interfaces[interfaceId]!.linkType,
      timestamp: this.timestamp(interfaceId, view.getUint32(p + 12, le), view.getUint32(p + 16, le), area.base + p + 12),
      capturedLength,
      originalLength: view.getUint32(p + 24, le),
      data: area.bytes.subarray(p + 28, p + 28 + capturedLength),
    };
    const optionsAt = p + 28 + pad4(capturedLength);
    if (optionsAt < end) readPacketOptions(area, optionsAt, end, packet);
    return packet;
  }

  private simplePacket(area: OptionArea, p: number, end: number, index: number): PcapPacket {
    const interfaceId = this.interfaceOf(0, area.base + p);
    const iface = this.interfaces[interfaceId]!;
    const originalLength = area.view.getUint32(p + 8, area.le);
    // SPBs store no captured length: it is the original length cut to the first IDB's snaplen.
    const capturedLength = iface.snaplen > 0 ? Math.min(originalLength, iface.snaplen) : originalLength;
    this.checkCaptured(capturedLength, end - p - 12, area.base + p + 8);
    return {
      index,
      interfaceId,
      linkType: iface.linkType,
      timestamp: { ...NO_TIMESTAMP },
      capturedLength,
      originalLength,
      data: area.bytes.subarray(p + 12, p + 12 + capturedLength),
    };
  }

  private obsoletePacket(area: OptionArea, p: number, end: number, index: number): PcapPacket {
    const packet = this.timedPacket(area, p, end, index, area.view.getUint16(p + 8, area.le));
    (packet.options ??= {}).obsoleteDrops = area.view.getUint16(p + 10, area.le);
    return packet;
  }

  private interfaceOf(localId: number, offset: number): number {
    const id = this.sectionInterfaces[localId];
    if (id === undefined) {
      throw new PcapError(`packet refers to interface ${localId} but the section has ${this.sectionInterfaces.length} interface description block(s)`, offset);
    }
    return id;
  }

  private checkCaptured(capturedLength: number, room: number, offset: number): void {
    if (capturedLength > room) throw new PcapError(`captured length ${capturedLength} overruns its block (${room} bytes of room)`, offset);
  }

  private timestamp(interfaceId: number, hi: number, lo: number, offset: number): PcapTimestamp {
    const ts = clockTimestamp(this.clocks[interfaceId]!, hi, lo);
    if (!ts) throw new PcapError(`timestamp ticks 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} overflow the seconds range`, offset);
    return ts;
  }

  private need(what: string, need: number): undefined {
    this.missing = { what, need };
    return undefined;
  }
}
