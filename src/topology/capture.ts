// Packet captures at every device and direction, as tcpdump -Q in|out would take them:
// ingress before the device's tc ingress program runs, egress after its tc egress program.

import type { CapturedPacket } from '../backends/types.js';
import type { Device, Direction } from './device.js';
import type { SkBuff } from '../vm/skb.js';

export class CaptureLog {
  readonly packets: CapturedPacket[] = [];
  step = -1;

  constructor(
    private readonly clock: () => number,
    private readonly startNs: number,
    /** Which devices are observation points (the kernel backend captures the plan's devices only). */
    private readonly observed: (dev: Device) => boolean = () => true,
  ) {}

  record(dev: Device, dir: Direction, skb: SkBuff): void {
    if (!this.observed(dev)) return;
    this.packets.push({ point: `${dev.point}:${dir}`, timeNs: this.clock() - this.startNs, frame: skb.packet.copy(), step: this.step });
  }
}
