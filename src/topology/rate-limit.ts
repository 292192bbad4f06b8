// Token buckets per peer, as inet_peer_xrlim_allow (ICMP errors: 1 s cost, burst 6) and
// ip_error (unreachable routes: 1 s cost, burst 5) use them. A new peer starts full.

export class PeerRateLimit {
  private readonly peers = new Map<number, { tokens: number; last: number }>();

  constructor(private readonly costNs: number, private readonly burst: number) {}

  allow(peer: number, nowNs: number): boolean {
    const max = this.costNs * this.burst;
    const p = this.peers.get(peer) ?? { tokens: max, last: nowNs };
    p.tokens = Math.min(max, p.tokens + (nowNs - p.last));
    p.last = nowNs;
    const ok = p.tokens >= this.costNs;
    if (ok) p.tokens -= this.costNs;
    this.peers.set(peer, p);
    return ok;
  }
}
