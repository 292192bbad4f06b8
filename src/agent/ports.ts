// Port ranges as the datapath's policy map stores them: (port, prefix length) pairs covering
// a range exactly, so a k8s endPort range becomes a few LPM entries.

export interface PortPrefix {
  port: number;
  /** Number of leading bits of the 16-bit port that must match (16 = exact port, 0 = any). */
  prefixLen: number;
}

export function portRangeToPrefixes(start: number, end: number): PortPrefix[] {
  if (start < 0 || end > 65535 || start > end) throw new Error(`bad port range ${start}-${end}`);
  const out: PortPrefix[] = [];
  let p = start;
  while (p <= end) {
    let size = 1;
    let len = 16;
    // grow the block while it stays aligned and inside the range
    while (len > 0 && p % (size * 2) === 0 && p + size * 2 - 1 <= end) { size *= 2; len--; }
    out.push({ port: p, prefixLen: len });
    p += size;
  }
  return out;
}
