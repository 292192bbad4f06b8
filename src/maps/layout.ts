// The shape of a map key or value, as far as the JSON map-contents format needs it.
// The ELF loader derives it from BTF; without BTF a key or value is plain bytes.

export type Layout =
  /** An integer; `bigEndian` for __be16/__be32/__be64 typedefs (network byte order). */
  | { kind: 'int'; size: 1 | 2 | 4 | 8; signed: boolean; bigEndian?: boolean; name?: string }
  /** A struct or union: named fields at byte offsets (bitfields are not split: see `bytes`). */
  | { kind: 'struct' | 'union'; size: number; name?: string; fields: LayoutField[] }
  /** A fixed-size array; char arrays are still arrays (the JSON codec may print them as hex). */
  | { kind: 'array'; size: number; count: number; elem: Layout }
  /** Opaque bytes (no BTF, bitfields, pointers, unknown types): a hex string in JSON. */
  | { kind: 'bytes'; size: number };

export interface LayoutField {
  name: string;
  offset: number; // in bytes
  layout: Layout;
}

export function bytesLayout(size: number): Layout {
  return { kind: 'bytes', size };
}
