// Turns little-endian captures into big-endian ones, field by field, so big-endian reading can be
// tested on the same packets (and checked against tshark). Knows the fields of the blocks and
// options our tests write; other blocks get only their framing swapped.

function swap(b: Uint8Array, at: number, width: number): void {
  b.subarray(at, at + width).reverse();
}

export function swapClassicPcap(input: Uint8Array): Uint8Array {
  const b = new Uint8Array(input); // a copy that starts at offset 0 of its own buffer
  const v = new DataView(b.buffer);
  swap(b, 0, 4);
  swap(b, 4, 2);
  swap(b, 6, 2);
  for (const at of [8, 12, 16, 20]) swap(b, at, 4);
  for (let at = 24; at + 16 <= b.length; ) {
    const captured = v.getUint32(at + 8, true);
    for (let f = 0; f < 16; f += 4) swap(b, at + f, 4);
    at += 16 + captured;
  }
  return b;
}

/** Widths of numeric option values, by block type then option code. */
const NUMERIC_OPTIONS: Record<number, Record<number, number>> = {
  1: { 8: 8, 14: 8 }, // if_speed, if_tsoffset
  6: { 2: 4, 4: 8, 5: 8, 6: 4 }, // epb_flags, epb_dropcount, epb_packetid, epb_queue
  2: { 2: 4 }, // pack_flags
  5: { 4: 8, 5: 8, 6: 8, 7: 8, 8: 8 }, // isb_ifrecv .. isb_osdrop
};

export function swapPcapng(input: Uint8Array): Uint8Array {
  const b = new Uint8Array(input); // a copy that starts at offset 0 of its own buffer
  const v = new DataView(b.buffer);
  for (let at = 0; at + 12 <= b.length; ) {
    const type = v.getUint32(at, true);
    const length = v.getUint32(at + 4, true);
    const body = at + 8;
    let optionsAt = -1;
    if (type === 0x0a0d0d0a) {
      swap(b, body, 4);
      swap(b, body + 4, 2);
      swap(b, body + 6, 2);
      swap(b, body + 8, 8);
      optionsAt = body + 16;
    } else if (type === 1) {
      swap(b, body, 2);
      swap(b, body + 2, 2);
      swap(b, body + 4, 4);
      optionsAt = body + 8;
    } else if (type === 6) {
      const captured = v.getUint32(body + 12, true);
      for (let f = 0; f < 20; f += 4) swap(b, body + f, 4);
      optionsAt = body + 20 + ((captured + 3) & ~3);
    } else if (type === 3) {
      swap(b, body, 4);
    } else if (type === 5) {
      for (let f = 0; f < 12; f += 4) swap(b, body + f, 4);
      optionsAt = body + 12;
    } else if (type === 0x0bad || type === 0x40000bad) {
      swap(b, body, 4); // Private Enterprise Number
    } else if (type === 2) {
      const captured = v.getUint32(body + 12, true);
      swap(b, body, 2);
      swap(b, body + 2, 2);
      for (let f = 4; f < 20; f += 4) swap(b, body + f, 4);
      optionsAt = body + 20 + ((captured + 3) & ~3);
    }
    if (optionsAt >= 0) swapOptions(b, v, optionsAt, at + length - 4, NUMERIC_OPTIONS[type] ?? {});
    swap(b, at, 4);
    swap(b, at + 4, 4);
    swap(b, at + length - 4, 4);
    at += length;
  }
  return b;
}

function swapOptions(b: Uint8Array, v: DataView, at: number, end: number, numeric: Record<number, number>): void {
  while (at + 4 <= end) {
    const code = v.getUint16(at, true);
    const length = v.getUint16(at + 2, true);
    swap(b, at, 2);
    swap(b, at + 2, 2);
    if (code === 0) return;
    if (numeric[code] === length) swap(b, at + 4, length);
    at += 4 + ((length + 3) & ~3);
  }
}
