// IPv4 identification the way Linux picks it (include/net/ip.h ip_select_ident_segs):
// a connected socket counts from its own random start; an unconnected sender with DF
// writes 0; everything else (ICMP, tunnels) takes __ip_select_ident, a hashed per-path
// counter (modelled as a counter per source/destination/protocol with a seeded start).
// The comparison with the kernel normalises IP IDs, so only the shape matters.

import type { Prng } from '../vm/env.js';

export class IpIds {
  private readonly paths = new Map<string, number>();

  constructor(private readonly rng: Prng) {}

  /** __ip_select_ident. */
  hashed(src: number, dst: number, proto: number): number {
    const k = `${src}/${dst}/${proto}`;
    const id = this.paths.get(k) ?? this.rng.nextU32() & 0xffff;
    this.paths.set(k, (id + 1) & 0xffff);
    return id;
  }

  /** inet_id of a newly connected socket: get_random_u16(). */
  socketStart(): number {
    return this.rng.nextU32() & 0xffff;
  }
}
