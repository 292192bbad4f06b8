// A pcapng file exercising most of the format: two sections, three interfaces with different
// link types and clocks (ns, 2^-20 s, ms with an offset), EPB options, an OPB, and blocks a
// reader must skip.
import { concat, udpFrame } from '../../src/packet/build.js';
import { LinkType } from '../../src/pcap/index.js';
import { block, byteOption, epb, idb, isb, opb, shb, textOption, u32Option, u64Option } from './blocks.js';

export const frame = udpFrame();
const TSRESOL = 9;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSOFFSET = 14;
const OPT_COMMENT = 1;

/** Two sections; the first has three interfaces with different link types and clocks. */
export function multiSectionFile(): Uint8Array {
  return concat(
    shb([textOption(4, 'dpsim test'), textOption(OPT_COMMENT, 'section one')]),
    idb(LinkType.ETHERNET, 0, [textOption(IF_NAME, 'eth0'), textOption(IF_DESCRIPTION, 'uplink'), byteOption(TSRESOL, 9)]),
    idb(LinkType.RAW, 65535, [byteOption(TSRESOL, 0x80 | 20)]), // 2^-20 s
    idb(LinkType.LINUX_SLL2, 128, [byteOption(TSRESOL, 3), u64Option(IF_TSOFFSET, 1000n)]), // ms, +1000 s
    epb({ interfaceId: 0, ticks: 1_700_000_000_123_456_789n, data: frame, options: [textOption(OPT_COMMENT, 'first'), u32Option(2, 1), u64Option(4, 5n), u64Option(5, 77n), u32Option(6, 3)] }),
    epb({ interfaceId: 1, ticks: (1_700_000_001n << 20n) + 0x5a5a5n, data: frame.subarray(14) }),
    block(0x0bad, new Uint8Array(6)), // a custom block: skipped
    block(0x12345678, new Uint8Array(0)), // an unknown block: skipped
    isb(0),
    epb({ interfaceId: 2, ticks: 1_700_000_002_345n, data: concat(sll2Header(0x0800), frame.subarray(14)), options: [textOption(OPT_COMMENT, 'a'), textOption(OPT_COMMENT, 'b')] }),
    opb({ interfaceId: 0, drops: 2, ticks: 1_700_000_003_000_000_007n, data: frame, options: [u32Option(2, 2)] }),
    shb(),
    idb(LinkType.IPV4, 0, [byteOption(TSRESOL, 6)]),
    epb({ interfaceId: 0, ticks: 1_700_000_004_000_001n, data: frame.subarray(14) }),
  );
}

export function sll2Header(protocol: number): Uint8Array {
  const h = new Uint8Array(20);
  const v = new DataView(h.buffer);
  v.setUint16(0, protocol);
  v.setUint32(4, 1);
  v.setUint16(8, 1); // ARPHRD_ETHER
  h[10] = 4; // outgoing
  h[11] = 6;
  return h;
}

