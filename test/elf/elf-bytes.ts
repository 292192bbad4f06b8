// Independent ELF64 section lookup for tests that corrupt objects on purpose.

export interface SectionRef {
  /** Byte offset of the section header. */
  header: number;
  offset: number;
  size: number;
}

export function findSection(bytes: Uint8Array, name: string): SectionRef {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(v.getBigUint64(40, true));
  const shnum = v.getUint16(60, true);
  const hdr = (i: number) => shoff + i * 64;
  const names = Number(v.getBigUint64(hdr(v.getUint16(62, true)) + 24, true));
  for (let i = 0; i < shnum; i++) {
    let at = names + v.getUint32(hdr(i), true);
    let s = '';
    while (bytes[at] !== 0) s += String.fromCharCode(bytes[at++]!);
    if (s === name) {
      return { header: hdr(i), offset: Number(v.getBigUint64(hdr(i) + 24, true)), size: Number(v.getBigUint64(hdr(i) + 32, true)) };
    }
  }
  throw new Error(`no section ${name}`);
}

export function sectionBytes(bytes: Uint8Array, name: string): Uint8Array {
  const s = findSection(bytes, name);
  return bytes.subarray(s.offset, s.offset + s.size);
}

export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
