// Options of Enhanced (and obsolete) Packet Blocks: comments, flags, drop counts, ids, hashes.
import { appendComment, forEachOption, OPT_COMMENT, optionString, optionUint, type OptionArea } from './pcapng-options.js';
import type { PcapPacket } from './types.js';

const EPB_FLAGS = 2;
const EPB_HASH = 3;
const EPB_DROPCOUNT = 4;
const EPB_PACKETID = 5;
const EPB_QUEUE = 6;

export function readPacketOptions(area: OptionArea, start: number, end: number, packet: PcapPacket): void {
  forEachOption(area, start, end, (code, at, length) => {
    if (code === OPT_COMMENT) {
      const comment = optionString(area, at, length);
      if (packet.comment !== undefined) ((packet.options ??= {}).comments ??= [packet.comment]).push(comment);
      packet.comment = appendComment(packet.comment, comment);
      return;
    }
    const options = (packet.options ??= {});
    if (code === EPB_FLAGS) options.flags = optionUint(area, code, at, length, 4) as number;
    else if (code === EPB_HASH) (options.hashes ??= []).push(area.bytes.slice(at, at + length));
    else if (code === EPB_DROPCOUNT) options.dropCount = optionUint(area, code, at, length, 8) as bigint;
    else if (code === EPB_PACKETID) options.packetId = optionUint(area, code, at, length, 8) as bigint;
    else if (code === EPB_QUEUE) options.queue = optionUint(area, code, at, length, 4) as number;
  });
  // Only an unknown option was present: do not leave an empty object behind.
  if (packet.options && Object.keys(packet.options).length === 0) delete packet.options;
}
