// Section Header Blocks: the byte-order magic that fixes endianness for the section, the version,
// and descriptive options.
import { PcapError } from './errors.js';
import { appendComment, forEachOption, OPT_COMMENT, optionString, type OptionArea } from './pcapng-options.js';
import type { PcapSection } from './types.js';

export const SHB_TYPE = 0x0a0d0d0a;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** type, length, magic, major, minor, section length (8), trailing length. */
export const SHB_MIN_BYTES = 28;

const SHB_HARDWARE = 2;
const SHB_OS = 3;
const SHB_USERAPPL = 4;

/** Endianness from the byte-order magic at `at`; throws when it is neither order. */
export function sectionByteOrder(view: DataView, at: number, fileOffset: number): boolean {
  if (view.getUint32(at, true) === BYTE_ORDER_MAGIC) return true;
  if (view.getUint32(at, false) === BYTE_ORDER_MAGIC) return false;
  throw new PcapError(`bad pcapng byte-order magic 0x${view.getUint32(at, false).toString(16).padStart(8, '0')}`, fileOffset);
}

/** Parses an SHB whose first byte is at `at`; `end` is where its trailing length starts. */
export function parseSection(area: OptionArea, at: number, end: number, index: number): PcapSection {
  const major = area.view.getUint16(at + 12, area.le);
  const minor = area.view.getUint16(at + 14, area.le);
  if (major !== 1) throw new PcapError(`unsupported pcapng version ${major}.${minor} (expected 1.x)`, area.base + at + 12);
  const section: PcapSection = { index, byteOrder: area.le ? 'little' : 'big', version: `${major}.${minor}` };
  forEachOption(area, at + 24, end, (code, valueAt, length) => {
    if (code === OPT_COMMENT) section.comment = appendComment(section.comment, optionString(area, valueAt, length));
    else if (code === SHB_HARDWARE) section.hardware = optionString(area, valueAt, length);
    else if (code === SHB_OS) section.os = optionString(area, valueAt, length);
    else if (code === SHB_USERAPPL) section.userApplication = optionString(area, valueAt, length);
  });
  return section;
}
