// pcap and pcapng: streaming reader, writers, conversion, capinfos-like summaries.
export { PcapError, MAX_RECORD_BYTES } from './errors.js';
export type { CaptureFormat, PcapPacket, PacketOptions, PcapInterface, PcapSection, TimestampResolution } from './types.js';
export { type PcapTimestamp, compareTimestamps, timestampDiffNanos, formatTimestamp } from './timestamp.js';
export { LinkType, linkTypeName } from './link-types.js';
export { type LinkLayer, decodeLinkLayer, toEthernetFrame, networkLayer } from './link-layer.js';
export { type CaptureSource } from './source.js';
export { CaptureDecoder } from './decoder.js';
export { CaptureReader, readPackets, parsePcap, PartialCaptureError, type ParsedCapture } from './read.js';
export { type CaptureTarget } from './byte-sink.js';
export { PcapWriter, DEFAULT_SNAPLEN, type PcapWriterOptions, type PacketToWrite, type WriterStats } from './pcap-writer.js';
export { PcapngWriter, type PcapngWriterOptions, type InterfaceToWrite, type PcapngPacketToWrite } from './pcapng-writer.js';
export { convert, type ConvertOptions, type ConvertResult } from './convert.js';
export { pcapInfo, type CaptureInfo, type InterfaceInfo } from './info.js';
export { formatCaptureInfo } from './info-format.js';
export { classifyPacket, countProtocols, emptyProtocolCounts, VXLAN_PORTS, type ProtocolCounts, type NetworkClass, type TransportClass } from './protocols.js';
