// Byte buffers for humans: where two differ, and a hex dump that marks that spot.

/** Offset of the first differing byte, or -1 when equal (a shorter prefix differs at its end). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** 16 bytes a line, "0010: 45 00 ..."; the byte at `mark` is bracketed. */
export function hexDump(bytes: Uint8Array, mark = -1): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const cells = [...bytes.subarray(off, off + 16)].map((b, i) => {
      const cell = b.toString(16).padStart(2, '0');
      return off + i === mark ? `[${cell}]` : ` ${cell} `;
    });
    lines.push(`${off.toString(16).padStart(4, '0')}:${cells.join('')}`);
  }
  if (mark >= bytes.length) lines.push(`${mark.toString(16).padStart(4, '0')}: [end]`);
  return lines.join('\n');
}

/** "42 bytes, byte 22 = 0x3f" and the dump: one side of a buffer divergence. */
export function describeBufferAt(bytes: Uint8Array, at: number): string {
  const where = at < bytes.length ? `byte ${at} = 0x${bytes[at]!.toString(16).padStart(2, '0')}` : `ends before byte ${at}`;
  return `${bytes.length} bytes, ${where}\n${hexDump(bytes, at)}`;
}
