// The shapes a reader hands out: packets, the interfaces they were captured on, the file format.
import type { PcapTimestamp } from './timestamp.js';

export type CaptureFormat = 'pcap' | 'pcap-nsec' | 'pcapng';

export interface PcapPacket {
  /** 0-based position among the file's packets. */
  index: number;
  /** Index into the reader's `interfaces`, global across pcapng sections (the id written in the file is `interfaces[i].sectionInterfaceId`). */
  interfaceId: number;
  linkType: number;
  /** Exact; if_tsoffset applied. Simple Packet Blocks carry none: 0.000000000. */
  timestamp: PcapTimestamp;
  capturedLength: number;
  originalLength: number;
  /** The captured bytes: a read-only view into the input, valid after iteration goes on. */
  data: Uint8Array;
  /** opt_comment; several are joined with "\n" (options.comments keeps them apart). */
  comment?: string;
  /** Other pcapng packet options, when present. */
  options?: PacketOptions;
}

export interface PacketOptions {
  /** Every opt_comment, when there is more than one. */
  comments?: string[];
  /** epb_flags / pack_flags: direction, reception type, FCS length, link-layer errors. */
  flags?: number;
  dropCount?: bigint;
  packetId?: bigint;
  queue?: number;
  /** epb_hash values, raw (algorithm byte first). */
  hashes?: Uint8Array[];
  /** OPB's drops count field. */
  obsoleteDrops?: number;
}

export type TimestampResolution = { base: 10 | 2; exponent: number };

export interface PcapInterface {
  /** Global index across sections: what packets' `interfaceId` refers to. */
  id: number;
  /** 0-based pcapng section (always 0 for pcap). */
  section: number;
  /** The id packets of its section use in the file (what tshark shows as frame.interface_id). */
  sectionInterfaceId: number;
  linkType: number;
  /** 0 means "no limit" (pcapng allows it). */
  snaplen: number;
  /** Units per second are base^exponent: 10^6 for pcap and by default, 10^9 for nanosecond pcap. */
  resolution: TimestampResolution;
  /** if_tsoffset: seconds added to every timestamp. */
  tsOffset: number;
  name?: string;
  description?: string;
  comment?: string;
}

export interface PcapSection {
  index: number;
  byteOrder: 'little' | 'big';
  /** pcap: 2.4; pcapng: 1.0. */
  version: string;
  hardware?: string;
  os?: string;
  userApplication?: string;
  comment?: string;
}
