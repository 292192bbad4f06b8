// A deterministic stand-in for the kernel's skb flow hash (which is keyed by a random
// per-boot seed, so no two machines agree): a seeded hash of the IPv4/IPv6 addresses, the L4
// protocol and ports. Anything comparing against a kernel must normalise it.

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x9e3779b1);
  return (h << 13) | (h >>> 19);
}

export function flowHash(frame: Uint8Array, seed: number): number {
  let h = seed | 0;
  if (frame.length < 14) return h >>> 0 || 1;
  const type = (frame[12]! << 8) | frame[13]!;
  let l4 = -1;
  let proto = 0;
  if (type === 0x0800 && frame.length >= 34) {
    const ihl = (frame[14]! & 0xf) * 4;
    proto = frame[23]!;
    for (let i = 26; i < 34; i++) h = mix(h, frame[i]!);
    l4 = 14 + ihl;
  } else if (type === 0x86dd && frame.length >= 54) {
    proto = frame[20]!;
    for (let i = 22; i < 54; i++) h = mix(h, frame[i]!);
    l4 = 54;
  }
  h = mix(h, proto);
  if ((proto === 6 || proto === 17 || proto === 132) && l4 > 0 && frame.length >= l4 + 4) {
    for (let i = l4; i < l4 + 4; i++) h = mix(h, frame[i]!);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0 || 1;
}
