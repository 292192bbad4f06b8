// pcapng output: one little-endian section, an IDB per interface (with if_tsresol), and an
// Enhanced Packet Block per packet with optional comment and flags.
import { ByteSink, type CaptureTarget } from './byte-sink.js';
import { LinkType } from './link-types.js';
import { commentOption, optionsLength, stringOption, uint32Option, writeOptions, type EncodedOption } from './pcapng-option-writer.js';
import { BYTE_ORDER_MAGIC, SHB_TYPE } from './pcapng-section.js';
import { DEFAULT_SNAPLEN, type PacketToWrite, type WriterStats } from './pcap-writer.js';
import { pad4 } from './record-parser.js';
import { toDecimalTicks, splitTicks } from './timestamp.js';
import type { TimestampResolution } from './types.js';

const IDB_TYPE = 1;
const EPB_TYPE = 6;
const EPB_FIXED_BYTES = 32;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const SHB_HARDWARE = 2;
const SHB_OS = 3;
const SHB_USERAPPL = 4;
const EPB_FLAGS = 2;

export interface InterfaceToWrite {
  linkType?: number;
  /** 0 means no limit; default 262144. */
  snaplen?: number;
  name?: string;
  description?: string;
  /** Timestamp units: 'ns' (default), 'us', or base^-exponent (base 10 or 2). */
  resolution?: 'us' | 'ns' | TimestampResolution;
}

export interface PcapngPacketToWrite extends PacketToWrite {
  /** Index returned by addInterface; default 0. */
  interfaceId?: number;
  /** One opt_comment, or several. */
  comment?: string | readonly string[];
  /** epb_flags (direction, reception type, ...). */
  flags?: number;
}

export interface PcapngWriterOptions {
  userApplication?: string;
  hardware?: string;
  os?: string;
  comment?: string;
  /** End the target stream on close (default true). */
  end?: boolean;
}

interface OutputInterface {
  snaplen: number;
  resolution: TimestampResolution;
  /** Units per second when a power of ten up to 1e9; 0 otherwise. */
  decimalUnits: number;
}

export class PcapngWriter {
  readonly stats: WriterStats = { packets: 0, precisionLoss: 0 };
  private readonly sink: ByteSink;
  private readonly interfaces: OutputInterface[] = [];

  /** Without a target the file is kept in memory: see toBytes(). */
  constructor(target?: CaptureTarget, options: PcapngWriterOptions = {}) {
    this.sink = new ByteSink(target, options.end ?? true);
    const shbOptions: EncodedOption[] = [stringOption(SHB_USERAPPL, options.userApplication ?? 'dpsim')];
    if (options.hardware) shbOptions.push(stringOption(SHB_HARDWARE, options.hardware));
    if (options.os) shbOptions.push(stringOption(SHB_OS, options.os));
    if (options.comment) shbOptions.push(commentOption(options.comment));
    const { at, view } = this.block(SHB_TYPE, 16, shbOptions);
    view.setUint32(at + 8, BYTE_ORDER_MAGIC, true);
    view.setUint16(at + 12, 1, true);
    view.setUint16(at + 14, 0, true);
    view.setBigInt64(at + 16, -1n, true); // section length not given
    writeOptions(this.sink.bytes, view, at + 24, shbOptions);
  }

  get interfaceCount(): number {
    return this.interfaces.length;
  }

  /** Writes an Interface Description Block; returns the id packets use to refer to it. */
  addInterface(spec: InterfaceToWrite = {}): number {
    const resolution = spec.resolution === 'us' ? { base: 10 as const, exponent: 6 } : spec.resolution === 'ns' || !spec.resolution ? { base: 10 as const, exponent: 9 } : spec.resolution;
    if (resolution.exponent < 0 || resolution.exponent > 127 || !Number.isInteger(resolution.exponent)) throw new RangeError(`bad timestamp resolution exponent ${resolution.exponent}`);
    const snaplen = spec.snaplen ?? DEFAULT_SNAPLEN;
    const tsresol = new Uint8Array([resolution.exponent | (resolution.base === 2 ? 0x80 : 0)]);
    const idbOptions: EncodedOption[] = [{ code: IF_TSRESOL, value: tsresol }];
    if (spec.name) idbOptions.push(stringOption(IF_NAME, spec.name));
    if (spec.description) idbOptions.push(stringOption(IF_DESCRIPTION, spec.description));
    const { at, view } = this.block(IDB_TYPE, 8, idbOptions);
    view.setUint16(at + 8, spec.linkType ?? LinkType.ETHERNET, true);
    view.setUint32(at + 12, snaplen, true);
    writeOptions(this.sink.bytes, view, at + 16, idbOptions);
    const decimalUnits = resolution.base === 10 && resolution.exponent <= 9 ? 10 ** resolution.exponent : 0;
    this.interfaces.push({ snaplen, resolution, decimalUnits });
    return this.interfaces.length - 1;
  }

  async write(packet: PcapngPacketToWrite): Promise<void> {
    const interfaceId = packet.interfaceId ?? 0;
    const iface = this.interfaces[interfaceId];
    if (!iface) throw new RangeError(`no interface ${interfaceId}: call addInterface() first`);
    const { hi, lo, exact } = this.ticks(iface, packet);
    const captured = iface.snaplen > 0 ? Math.min(packet.data.length, iface.snaplen) : packet.data.length;
    const epbOptions: EncodedOption[] = [];
    if (typeof packet.comment === 'string') epbOptions.push(commentOption(packet.comment));
    else if (packet.comment) for (const comment of packet.comment) epbOptions.push(commentOption(comment));
    if (packet.flags !== undefined) epbOptions.push(uint32Option(EPB_FLAGS, packet.flags));
    const { at, view } = this.block(EPB_TYPE, 20 + pad4(captured), epbOptions);
    view.setUint32(at + 8, interfaceId, true);
    view.setUint32(at + 12, hi, true);
    view.setUint32(at + 16, lo, true);
    view.setUint32(at + 20, captured, true);
    view.setUint32(at + 24, Math.max(packet.originalLength ?? packet.data.length, captured), true);
    this.sink.bytes.set(captured === packet.data.length ? packet.data : packet.data.subarray(0, captured), at + 28);
    if (epbOptions.length > 0) writeOptions(this.sink.bytes, view, at + 28 + pad4(captured), epbOptions);
    this.stats.packets++;
    if (!exact) this.stats.precisionLoss++;
    if (this.sink.hasPending) await this.sink.flush();
  }

  close(): Promise<void> {
    return this.sink.close();
  }

  toBytes(): Uint8Array {
    return this.sink.toBytes();
  }

  /** Reserves a block of `bodyBytes` + options, writing type and both lengths. */
  private block(type: number, bodyBytes: number, options: readonly EncodedOption[]): { at: number; view: DataView } {
    const length = 12 + bodyBytes + optionsLength(options);
    const at = this.sink.reserve(length);
    const view = this.sink.view;
    view.setUint32(at, type, true);
    view.setUint32(at + 4, length, true);
    view.setUint32(at + length - 4, length, true);
    return { at, view };
  }

  private ticks(iface: OutputInterface, packet: PacketToWrite): { hi: number; lo: number; exact: boolean } {
    const ts = packet.timestamp;
    if (iface.decimalUnits) {
      const { hi, lo } = toDecimalTicks(ts, iface.decimalUnits);
      return { hi, lo, exact: ts.nanos % (1e9 / iface.decimalUnits) === 0 };
    }
    if (ts.seconds < 0 || !Number.isSafeInteger(ts.seconds)) throw new RangeError(`timestamp seconds ${ts.seconds} cannot be stored`);
    const units = BigInt(iface.resolution.base) ** BigInt(iface.resolution.exponent);
    const ticks = BigInt(ts.seconds) * units + (BigInt(ts.nanos) * units) / 1_000_000_000n;
    if (ticks >= 1n << 64n) throw new RangeError('timestamp overflows 64-bit ticks');
    const readBack = splitTicks(ticks, units);
    return { hi: Number(ticks >> 32n), lo: Number(ticks & 0xffffffffn), exact: readBack?.nanos === ts.nanos && readBack.seconds === ts.seconds };
  }
}
