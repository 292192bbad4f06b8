// IPv4 arithmetic for IPAM and CIDR rules (dotted quads and prefixes as numbers).

export function ipToNum(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new Error(`bad IPv4 address ${ip}`);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

export function numToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

export function parseCidr(cidr: string): { base: number; len: number } {
  const [ip, lenStr] = cidr.split('/');
  const len = Number(lenStr ?? 32);
  if (!Number.isInteger(len) || len < 0 || len > 32) throw new Error(`bad prefix length in ${cidr}`);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return { base: (ipToNum(ip!) & mask) >>> 0, len };
}

export function inCidr(ip: string, cidr: string): boolean {
  const { base, len } = parseCidr(cidr);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return ((ipToNum(ip) & mask) >>> 0) === base;
}

/** `cidr` minus the `except` prefixes, as a list of disjoint prefixes (for CIDR rules with except). */
export function subtractCidrs(cidr: string, except: string[]): string[] {
  let parts = [parseCidr(cidr)];
  for (const ex of except.map(parseCidr)) {
    const next: { base: number; len: number }[] = [];
    for (const p of parts) {
      const contains = (outer: { base: number; len: number }, inner: { base: number; len: number }) => {
        if (inner.len < outer.len) return false;
        const mask = outer.len === 0 ? 0 : (0xffffffff << (32 - outer.len)) >>> 0;
        return ((inner.base & mask) >>> 0) === outer.base;
      };
      if (contains(ex, p)) continue; // fully excluded
      if (!contains(p, ex)) { next.push(p); continue; }
      // split p until ex is carved out
      let cur = p;
      while (cur.len < ex.len) {
        const len = cur.len + 1;
        const bit = 2 ** (32 - len);
        const lo = { base: cur.base, len }, hi = { base: (cur.base + bit) >>> 0, len };
        if (contains(lo, ex)) { next.push(hi); cur = lo; } else { next.push(lo); cur = hi; }
      }
    }
    parts = next;
  }
  return parts.map((p) => `${numToIp(p.base)}/${p.len}`).sort();
}
