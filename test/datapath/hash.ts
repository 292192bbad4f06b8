// The datapath's flow hash (bpf/lib/hash.h), rewritten here from the algorithm (Linux's
// jhash_3words), so tests and a control plane can predict backend and SNAT port choices.

const rol32 = (w: number, s: number) => ((w << s) | (w >>> (32 - s))) >>> 0;

export function jhash3(a: number, b: number, c: number, initval: number): number {
  const iv = (initval + 0xdeadbeef + (3 << 2)) >>> 0;
  a = (a + iv) >>> 0;
  b = (b + iv) >>> 0;
  c = (c + iv) >>> 0;
  c = ((c ^ b) - rol32(b, 14)) >>> 0;
  a = ((a ^ c) - rol32(c, 11)) >>> 0;
  b = ((b ^ a) - rol32(a, 25)) >>> 0;
  c = ((c ^ b) - rol32(b, 16)) >>> 0;
  a = ((a ^ c) - rol32(c, 4)) >>> 0;
  b = ((b ^ a) - rol32(a, 14)) >>> 0;
  c = ((c ^ b) - rol32(b, 24)) >>> 0;
  return c;
}

/** flow_hash4: jhash3(saddr, daddr, sport << 16 | dport, seed ^ proto), addresses as numbers. */
export function flowHash4(saddr: number, daddr: number, sport: number, dport: number, proto: number, seed: number): number {
  return jhash3(saddr >>> 0, daddr >>> 0, ((sport << 16) | dport) >>> 0, (seed ^ proto) >>> 0);
}

/** The backend slot (1-based) a new flow to a service with `count` backends gets. */
export function backendSlot(hash: number, count: number): number {
  return (hash % count) + 1;
}

/** The SNAT port of attempt i (0 first) in [min, max]. */
export function snatPort(hash: number, i: number, min: number, max: number): number {
  return min + (((hash + i) >>> 0) % (max - min + 1));
}
