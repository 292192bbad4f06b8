// Hand-built little-endian pcapng blocks, for the block types and options our writer does not
// produce (SPB, the obsolete Packet Block, if_tsoffset, unknown blocks, several sections).
import { concat } from '../../src/packet/build.js';

export interface Option {
  code: number;
  value: Uint8Array;
}

const utf8 = new TextEncoder();
const pad = (n: number): number => (n + 3) & ~3;

export const textOption = (code: number, text: string): Option => ({ code, value: utf8.encode(text) });
export const byteOption = (code: number, value: number): Option => ({ code, value: new Uint8Array([value]) });
export function u32Option(code: number, value: number): Option {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value, true);
  return { code, value: b };
}
export function u64Option(code: number, value: bigint): Option {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, value, true);
  return { code, value: b };
}

export function encodeOptions(options: readonly Option[]): Uint8Array {
  if (options.length === 0) return new Uint8Array(0);
  const parts = options.map(({ code, value }) => {
    const b = new Uint8Array(4 + pad(value.length));
    const v = new DataView(b.buffer);
    v.setUint16(0, code, true);
    v.setUint16(2, value.length, true);
    b.set(value, 4);
    return b;
  });
  return concat(...parts, new Uint8Array(4));
}

export function block(type: number, body: Uint8Array): Uint8Array {
  const length = 12 + pad(body.length);
  const b = new Uint8Array(length);
  const v = new DataView(b.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, length, true);
  b.set(body, 8);
  v.setUint32(length - 4, length, true);
  return b;
}

function fields(spec: [number, 2 | 4 | 8][]): Uint8Array {
  const b = new Uint8Array(spec.reduce((n, [, w]) => n + w, 0));
  const v = new DataView(b.buffer);
  let at = 0;
  for (const [value, width] of spec) {
    if (width === 2) v.setUint16(at, value, true);
    else if (width === 4) v.setUint32(at, value >>> 0, true);
    else v.setBigInt64(at, BigInt(value), true);
    at += width;
  }
  return b;
}

export const shb = (options: Option[] = []): Uint8Array =>
  block(0x0a0d0d0a, concat(fields([[0x1a2b3c4d, 4], [1, 2], [0, 2], [-1, 8]]), encodeOptions(options)));

export const idb = (linkType: number, snaplen: number, options: Option[] = []): Uint8Array =>
  block(1, concat(fields([[linkType, 2], [0, 2], [snaplen, 4]]), encodeOptions(options)));

export function epb(o: { interfaceId: number; ticks: bigint; data: Uint8Array; originalLength?: number; options?: Option[] }): Uint8Array {
  const head = fields([[o.interfaceId, 4], [Number(o.ticks >> 32n), 4], [Number(o.ticks & 0xffffffffn), 4], [o.data.length, 4], [o.originalLength ?? o.data.length, 4]]);
  return block(6, concat(head, o.data, new Uint8Array(pad(o.data.length) - o.data.length), encodeOptions(o.options ?? [])));
}

export const spb = (originalLength: number, data: Uint8Array): Uint8Array => block(3, concat(fields([[originalLength, 4]]), data));

export function opb(o: { interfaceId: number; drops: number; ticks: bigint; data: Uint8Array; options?: Option[] }): Uint8Array {
  const head = fields([[o.interfaceId, 2], [o.drops, 2], [Number(o.ticks >> 32n), 4], [Number(o.ticks & 0xffffffffn), 4], [o.data.length, 4], [o.data.length, 4]]);
  return block(2, concat(head, o.data, new Uint8Array(pad(o.data.length) - o.data.length), encodeOptions(o.options ?? [])));
}

/** Interface Statistics Block: ISB with one counter (isb_ifrecv, code 4). */
export const isb = (interfaceId: number): Uint8Array => block(5, concat(fields([[interfaceId, 4], [0, 4], [0, 4]]), encodeOptions([u64Option(4, 7n)])));
