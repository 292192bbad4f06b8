// Pacing in virtual time: dpsim never sleeps; instead the VM's clock (bpf_ktime_get_ns) is
// advanced by the spacing a rate implies, so time-dependent state (conntrack lifetimes,
// rate limits) sees the packets as if they were sent at that rate.
//
// - default and --topspeed: the clock advances by the capture's own inter-packet gaps (a
//   backwards gap counts as 0; a loop restart adds no gap). Wall-clock speed is always "top".
// - --multiplier X: the capture's gaps divided by X.
// - --pps N: packet k is at k/N seconds.
// - --mbps N: each packet is at the time the previous packets' bits take at N Mbit/s.

import type { PcapTimestamp } from '../pcap/index.js';

export type Pacing =
  | { kind: 'capture'; multiplier: number }
  | { kind: 'pps'; pps: number }
  | { kind: 'mbps'; mbps: number };

export function describePacing(p: Pacing): string {
  switch (p.kind) {
    case 'capture': return p.multiplier === 1 ? "the capture's timestamps" : `the capture's timestamps x${p.multiplier}`;
    case 'pps': return `${p.pps} packets/s`;
    case 'mbps': return `${p.mbps} Mbit/s`;
  }
}

/** Virtual nanoseconds since the first packet, packet by packet. */
export class VirtualPacer {
  private offsetNs = 0;
  private packets = 0;
  private bits = 0;
  private previous: PcapTimestamp | undefined;

  constructor(private readonly pacing: Pacing) {}

  /** The offset of the next packet (call once per packet, in order). */
  next(timestamp: PcapTimestamp, bytes: number, loopStart: boolean): number {
    const p = this.pacing;
    if (p.kind === 'pps') {
      this.offsetNs = Math.round((this.packets * 1e9) / p.pps);
    } else if (p.kind === 'mbps') {
      this.offsetNs = Math.round((this.bits * 1e3) / p.mbps);
      this.bits += bytes * 8;
    } else if (this.previous && !loopStart) {
      // Whole seconds and nanoseconds apart, so that epoch-sized numbers do not lose precision.
      const gap = (timestamp.seconds - this.previous.seconds) * 1e9 + (timestamp.nanos - this.previous.nanos);
      if (gap > 0) this.offsetNs += gap / p.multiplier;
    }
    this.previous = timestamp;
    this.packets++;
    return Math.round(this.offsetNs);
  }
}

/** The pcap timestamp of an output packet: the first input packet's time plus the virtual offset. */
export function outputTimestamp(base: PcapTimestamp, offsetNs: number): PcapTimestamp {
  const total = base.nanos + offsetNs;
  const carry = Math.floor(total / 1e9);
  return { seconds: base.seconds + carry, nanos: total - carry * 1e9 };
}
