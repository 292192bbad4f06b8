import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue, JsonFieldError, toHex, type Layout } from '../../src/maps/index.js';

const u8: Layout = { kind: 'int', size: 1, signed: false };
const u16: Layout = { kind: 'int', size: 2, signed: false };
const be16: Layout = { kind: 'int', size: 2, signed: false, bigEndian: true };
const be32: Layout = { kind: 'int', size: 4, signed: false, bigEndian: true };
const s32: Layout = { kind: 'int', size: 4, signed: true };
const u64: Layout = { kind: 'int', size: 8, signed: false };
const s64: Layout = { kind: 'int', size: 8, signed: true };

/** struct tuple { __be32 saddr, daddr; __be16 sport, dport; } */
const tuple: Layout = {
  kind: 'struct', size: 12, name: 'tuple',
  fields: [
    { name: 'saddr', offset: 0, layout: be32 },
    { name: 'daddr', offset: 4, layout: be32 },
    { name: 'sport', offset: 8, layout: be16 },
    { name: 'dport', offset: 10, layout: be16 },
  ],
};

/** struct entry { struct tuple t; __u16 ports[3]; __u8 mac[6]; __s32 delta; __u64 bytes; __s64 off; union {..} u; <anon> } */
const entry: Layout = {
  kind: 'struct', size: 64, name: 'entry',
  fields: [
    { name: 't', offset: 0, layout: tuple },
    { name: 'ports', offset: 12, layout: { kind: 'array', size: 6, count: 3, elem: u16 } },
    { name: 'mac', offset: 18, layout: { kind: 'array', size: 6, count: 6, elem: u8 } },
    { name: 'delta', offset: 24, layout: s32 },
    { name: 'bytes', offset: 32, layout: u64 },
    { name: 'off', offset: 40, layout: s64 },
    { name: 'u', offset: 48, layout: { kind: 'union', size: 4, fields: [{ name: 'a', offset: 0, layout: be32 }, { name: 'b', offset: 0, layout: u16 }] } },
    { name: '', offset: 52, layout: { kind: 'struct', size: 4, fields: [{ name: 'x', offset: 0, layout: u16 }, { name: 'y', offset: 2, layout: u16 }] } },
    { name: 'flags', offset: 56, layout: { kind: 'bytes', size: 8 } },
  ],
};

const sample = {
  t: { saddr: 0x0a000001, daddr: 0xc0a80101, sport: 443, dport: 55000 },
  ports: [80, 8080, 65535],
  mac: '0a0b0c0d0e0f',
  delta: -5,
  bytes: '18446744073709551615',
  off: '-9007199254740993',
  u: '0a000001',
  _anon52: { x: 1, y: 2 },
  flags: '0102030405060708',
};

describe('value codec', () => {
  it('round-trips a struct with a nested struct, arrays, bigEndian and 64-bit ints', () => {
    const bytes = encodeValue(entry, sample);
    expect(decodeValue(entry, bytes)).toEqual(sample);
  });

  it('stores bigEndian ints in network order and little-endian ints in host order', () => {
    const bytes = encodeValue(entry, sample);
    expect(toHex(bytes.subarray(0, 12))).toBe('0a000001c0a8010101bbd6d8');
    expect(toHex(bytes.subarray(12, 18))).toBe('5000901fffff');
    expect(toHex(bytes.subarray(24, 28))).toBe('fbffffff');
  });

  it('writes 64-bit values as numbers up to 2^53 and decimal strings beyond', () => {
    expect(decodeValue(u64, encodeValue(u64, 2 ** 53 - 1))).toBe(2 ** 53 - 1);
    expect(decodeValue(u64, encodeValue(u64, '9007199254740992'))).toBe('9007199254740992');
    expect(decodeValue(s64, encodeValue(s64, -1))).toBe(-1);
    expect(decodeValue(s64, encodeValue(s64, '-9223372036854775808'))).toBe('-9223372036854775808');
  });

  it('leaves fields out as zero', () => {
    const bytes = encodeValue(tuple, { dport: 53 });
    expect(toHex(bytes)).toBe('000000000000000000000035');
  });

  it('takes raw hex for a whole value or field (ints with 0x)', () => {
    expect(decodeValue(tuple, encodeValue(tuple, '0a000001c0a8010101bbd6d8'))).toEqual(sample.t);
    expect(decodeValue(tuple, encodeValue(tuple, '0x0A000001C0A8010101BBD6D8'))).toEqual(sample.t);
    expect(decodeValue(s32, encodeValue(s32, '0xfbffffff'))).toBe(-5);
    expect(decodeValue(be16, encodeValue(be16, '0x0035'))).toBe(53);
    expect(decodeValue(entry, encodeValue(entry, { ...sample, mac: [10, 11, 12, 13, 14, 15] }))).toEqual(sample);
    expect((decodeValue(entry, encodeValue(entry, { ...sample, u: { b: 1 } })) as Record<string, unknown>).u).toBe('01000000');
    expect(decodeValue({ kind: 'bytes', size: 2 }, encodeValue({ kind: 'bytes', size: 2 }, 'beef'))).toBe('beef');
  });

  const errors: { name: string; layout: Layout; json: unknown; field: string; reason: RegExp }[] = [
    { name: 'unknown field', layout: entry, json: { t: { sadr: 1 } }, field: 't.sadr', reason: /no such field \(fields: saddr, daddr, sport, dport\)/ },
    { name: 'out of range', layout: entry, json: { t: { sport: 70000 } }, field: 't.sport', reason: /70000 is out of range for u16/ },
    { name: 'negative unsigned', layout: tuple, json: { saddr: -1 }, field: 'saddr', reason: /out of range/ },
    { name: 'wrong element count', layout: entry, json: { ports: [1, 2] }, field: 'ports', reason: /expected 3 elements, got 2/ },
    { name: 'bad element', layout: entry, json: { ports: [1, 'x', 3] }, field: 'ports[1]', reason: /expected an integer/ },
    { name: 'short hex', layout: entry, json: { mac: '0a0b' }, field: 'mac', reason: /expected 6 bytes of hex \(12 digits\), got 4 digits/ },
    { name: 'not hex', layout: entry, json: { flags: 'zz' }, field: 'flags', reason: /hex string/ },
    { name: 'unsafe number', layout: entry, json: { bytes: 2 ** 60 }, field: 'bytes', reason: /beyond 2\^53: write it as a decimal string/ },
    { name: 'fraction', layout: s32, json: 1.5, field: '', reason: /expected an integer/ },
    { name: 'array for struct', layout: tuple, json: [1, 2], field: '', reason: /expected an object with fields of tuple or hex/ },
    { name: 'object for bytes', layout: { kind: 'bytes', size: 2 }, json: {}, field: '', reason: /hex string/ },
  ];
  for (const c of errors) {
    it(`names the field: ${c.name}`, () => {
      try {
        encodeValue(c.layout, c.json);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(JsonFieldError);
        expect((e as JsonFieldError).field).toBe(c.field);
        expect((e as JsonFieldError).reason).toMatch(c.reason);
      }
    });
  }
});
