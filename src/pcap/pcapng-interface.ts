// Interface Description Blocks: link type, snaplen and the options that shape timestamps
// (if_tsresol, if_tsoffset), turned into a clock that converts a packet's ticks exactly.
import { PcapError } from './errors.js';
import { appendComment, forEachOption, OPT_COMMENT, optionString, optionUint, type OptionArea } from './pcapng-options.js';
import { splitDecimalTicks, splitTicks, type PcapTimestamp } from './timestamp.js';
import type { PcapInterface, TimestampResolution } from './types.js';

const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
/** if_tsresol's high bit: the rest is a negative power of two rather than of ten. */
const TSRESOL_POWER_OF_TWO = 0x80;

export interface TickClock {
  /** Units per second when a power of ten up to 1e9 (the fast path); 0 otherwise. */
  decimalUnits: number;
  units: bigint;
  /** if_tsoffset seconds. */
  offset: number;
}

/** Parses the IDB body at `at` (after type and length); `end` is where the trailing length starts. */
export function parseInterface(
  area: OptionArea,
  at: number,
  end: number,
  ids: { id: number; section: number; sectionInterfaceId: number },
): { iface: PcapInterface; clock: TickClock } {
  const iface: PcapInterface = {
    ...ids,
    linkType: area.view.getUint16(at, area.le),
    snaplen: area.view.getUint32(at + 4, area.le),
    resolution: { base: 10, exponent: 6 },
    tsOffset: 0,
  };
  forEachOption(area, at + 8, end, (code, valueAt, length) => {
    if (code === OPT_COMMENT) iface.comment = appendComment(iface.comment, optionString(area, valueAt, length));
    else if (code === IF_NAME) iface.name = optionString(area, valueAt, length);
    else if (code === IF_DESCRIPTION) iface.description = optionString(area, valueAt, length);
    else if (code === IF_TSRESOL) {
      const value = optionUint(area, code, valueAt, length, 1) as number;
      iface.resolution = value & TSRESOL_POWER_OF_TWO ? { base: 2, exponent: value & 0x7f } : { base: 10, exponent: value };
    } else if (code === IF_TSOFFSET) {
      if (length !== 8) throw new PcapError(`if_tsoffset has length ${length}, expected 8`, area.base + valueAt - 4);
      const offset = area.view.getBigInt64(valueAt, area.le);
      if (offset > BigInt(Number.MAX_SAFE_INTEGER) || offset < -BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new PcapError(`if_tsoffset ${offset} seconds is out of range`, area.base + valueAt);
      }
      iface.tsOffset = Number(offset);
    }
  });
  return { iface, clock: clockFor(iface.resolution, iface.tsOffset) };
}

export function clockFor(resolution: TimestampResolution, offset: number): TickClock {
  const units = BigInt(resolution.base) ** BigInt(resolution.exponent);
  const decimalUnits = resolution.base === 10 && resolution.exponent <= 9 ? Number(units) : 0;
  return { decimalUnits, units, offset };
}

/** The timestamp for ticks `hi:lo`; undefined when the seconds overflow a safe integer. */
export function clockTimestamp(clock: TickClock, hi: number, lo: number): PcapTimestamp | undefined {
  const ts = clock.decimalUnits
    ? splitDecimalTicks(hi, lo, clock.decimalUnits)
    : splitTicks((BigInt(hi) << 32n) | BigInt(lo), clock.units);
  if (ts && clock.offset !== 0) {
    ts.seconds += clock.offset;
    if (!Number.isSafeInteger(ts.seconds)) return undefined;
  }
  return ts;
}
