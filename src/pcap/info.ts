// A capinfos-like summary of a capture, read in one streaming pass. A damaged file yields the
// summary of the packets before the damage plus the error.
import { PcapError } from './errors.js';
import { linkTypeName } from './link-types.js';
import { countProtocols, emptyProtocolCounts, type ProtocolCounts } from './protocols.js';
import { CaptureReader } from './read.js';
import type { CaptureSource } from './source.js';
import { compareTimestamps, timestampDiffNanos, type PcapTimestamp } from './timestamp.js';
import type { CaptureFormat, PcapInterface } from './types.js';

export interface InterfaceInfo extends PcapInterface {
  linkTypeName: string;
  packets: number;
}

export interface CaptureInfo {
  /** Undefined when not even the magic number could be read. */
  fileType: CaptureFormat | undefined;
  byteOrder: 'little' | 'big' | undefined;
  sections: number;
  interfaces: InterfaceInfo[];
  /** Distinct link types, in order of appearance. */
  linkTypes: number[];
  /** The largest snaplen of any interface (0: no limit given). */
  snaplen: number;
  packetCount: number;
  /** Earliest and latest packet times (as capinfos: not necessarily the first and last records). */
  firstTimestamp?: PcapTimestamp;
  lastTimestamp?: PcapTimestamp;
  /** latest - earliest, in nanoseconds. */
  durationNanos: bigint;
  /** Sum of original (on-the-wire) lengths, as capinfos' "Data size". */
  dataBytes: number;
  /** Sum of captured lengths. */
  capturedBytes: number;
  /** dataBytes / packetCount (0 without packets). */
  averagePacketSize: number;
  /** Every packet's time is >= the previous one's. */
  strictTimeOrder: boolean;
  protocols: ProtocolCounts;
  /** Set when the file is damaged: everything above describes the packets before it. */
  error?: PcapError;
}

export async function pcapInfo(source: CaptureSource): Promise<CaptureInfo> {
  const reader = new CaptureReader(source);
  const perInterface: number[] = [];
  const protocols = emptyProtocolCounts();
  let packetCount = 0;
  let dataBytes = 0;
  let capturedBytes = 0;
  let first: PcapTimestamp | undefined;
  let last: PcapTimestamp | undefined;
  let previous: PcapTimestamp | undefined;
  let strictTimeOrder = true;
  let error: PcapError | undefined;
  try {
    for await (const packet of reader) {
      packetCount++;
      dataBytes += packet.originalLength;
      capturedBytes += packet.capturedLength;
      perInterface[packet.interfaceId] = (perInterface[packet.interfaceId] ?? 0) + 1;
      countProtocols(protocols, packet);
      const ts = packet.timestamp;
      if (previous && compareTimestamps(ts, previous) < 0) strictTimeOrder = false;
      if (!first || compareTimestamps(ts, first) < 0) first = ts;
      if (!last || compareTimestamps(ts, last) > 0) last = ts;
      previous = ts;
    }
  } catch (err) {
    if (!(err instanceof PcapError)) throw err;
    error = err;
  }
  const interfaces = reader.interfaces.map((iface) => ({ ...iface, linkTypeName: linkTypeName(iface.linkType), packets: perInterface[iface.id] ?? 0 }));
  return {
    fileType: reader.format,
    byteOrder: reader.sections[0]?.byteOrder,
    sections: reader.sections.length,
    interfaces,
    linkTypes: [...new Set(interfaces.map((iface) => iface.linkType))],
    snaplen: Math.max(0, ...interfaces.map((iface) => iface.snaplen)),
    packetCount,
    firstTimestamp: first,
    lastTimestamp: last,
    durationNanos: first && last ? timestampDiffNanos(first, last) : 0n,
    dataBytes,
    capturedBytes,
    averagePacketSize: packetCount ? dataBytes / packetCount : 0,
    strictTimeOrder,
    protocols,
    ...(error ? { error } : {}),
  };
}
