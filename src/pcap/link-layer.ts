// Link-layer headers of the supported link types, and the Ethernet frame dpsim's programs take:
// Ethernet records pass through, raw-IP and Linux cooked records get a synthesised header with
// zero MACs and the right ethertype.
import { LinkType } from './link-types.js';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
/** Protocol fields below this are 802.3 lengths / Linux pseudo-protocols, not ethertypes. */
const ETHERTYPE_MIN = 0x0600;
const ETHERNET_HEADER_BYTES = 14;
const SLL_HEADER_BYTES = 16;
const SLL2_HEADER_BYTES = 20;
/** ARPHRD_ types whose cooked payload is not an ethertype-tagged L3 packet. */
const NON_L3_ARPHRD = new Set([770 /* FRAD */, 778 /* IPGRE */, 803 /* radiotap */, 823 /* IP6GRE */, 824 /* NETLINK */]);

export interface LinkLayer {
  linkType: number;
  /** Ethertype of the network-layer packet (inner one after VLAN tags), when known. */
  l3Protocol?: number;
  /** Where the network-layer packet starts in the record's data. */
  l3Offset?: number;
  /** The record as an Ethernet frame (the data itself for Ethernet records). */
  ethernetFrame?: Uint8Array;
}

/** Decodes the link header; fields are absent when the link type or the bytes do not allow them. */
export function decodeLinkLayer(packet: { linkType: number; data: Uint8Array }): LinkLayer {
  const { linkType, data } = packet;
  const l3 = networkLayer(linkType, data);
  if (linkType === LinkType.ETHERNET) return l3 ? { linkType, l3Protocol: l3.protocol, l3Offset: l3.offset, ethernetFrame: data } : { linkType, ethernetFrame: data };
  if (!l3) return { linkType };
  return { linkType, l3Protocol: l3.protocol, l3Offset: l3.offset, ethernetFrame: synthesiseEthernet(l3.protocol, data.subarray(l3.offset)) };
}

/** The record as an Ethernet frame, or undefined for unsupported link types or unknown payloads. */
export function toEthernetFrame(packet: { linkType: number; data: Uint8Array }): Uint8Array | undefined {
  return decodeLinkLayer(packet).ethernetFrame;
}

/** Ethertype and offset of the network-layer packet. */
export function networkLayer(linkType: number, data: Uint8Array): { protocol: number; offset: number } | undefined {
  switch (linkType) {
    case LinkType.ETHERNET:
      return ethernetPayload(data);
    case LinkType.RAW: {
      const version = data.length > 0 ? data[0]! >> 4 : 0;
      if (version === 4) return { protocol: ETHERTYPE_IPV4, offset: 0 };
      if (version === 6) return { protocol: ETHERTYPE_IPV6, offset: 0 };
      return undefined;
    }
    case LinkType.IPV4:
      return { protocol: ETHERTYPE_IPV4, offset: 0 };
    case LinkType.IPV6:
      return { protocol: ETHERTYPE_IPV6, offset: 0 };
    case LinkType.LINUX_SLL:
      return data.length < SLL_HEADER_BYTES ? undefined : cooked(be16(data, 2), be16(data, 14), SLL_HEADER_BYTES);
    case LinkType.LINUX_SLL2:
      return data.length < SLL2_HEADER_BYTES ? undefined : cooked(be16(data, 8), be16(data, 0), SLL2_HEADER_BYTES);
    default:
      return undefined;
  }
}

function ethernetPayload(data: Uint8Array): { protocol: number; offset: number } | undefined {
  if (data.length < ETHERNET_HEADER_BYTES) return undefined;
  let offset = 12;
  let protocol = be16(data, offset);
  while ((protocol === ETHERTYPE_VLAN || protocol === ETHERTYPE_QINQ) && offset + 6 <= data.length) {
    offset += 4;
    protocol = be16(data, offset);
  }
  return protocol < ETHERTYPE_MIN ? undefined : { protocol, offset: offset + 2 };
}

function cooked(arphrd: number, protocol: number, headerBytes: number): { protocol: number; offset: number } | undefined {
  if (NON_L3_ARPHRD.has(arphrd) || protocol < ETHERTYPE_MIN) return undefined;
  return { protocol, offset: headerBytes };
}

function synthesiseEthernet(ethertype: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(ETHERNET_HEADER_BYTES + payload.length);
  frame[12] = ethertype >> 8;
  frame[13] = ethertype & 0xff;
  frame.set(payload, ETHERNET_HEADER_BYTES);
  return frame;
}

const be16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
