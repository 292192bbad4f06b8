// The xdp_md context of an XDP program: packet pointers and read-only queue/ifindex fields,
// with the kernel's 256-byte XDP headroom (bpf_xdp_adjust_head may not grow past it).

import { PacketBuffer } from '../packet/buffer.js';
import { CtxAccessor, Region, RegPair } from './memory.js';
import { FaultSignal } from './fault.js';

export const XDP_CTX_SIZE = 24;
export const XDP_PACKET_HEADROOM = 256;
/** Room after the packet that bpf_xdp_adjust_tail may grow into (a 4 KiB frame less skb_shared_info). */
export const XDP_FRAME_SIZE = 4096 - 320;

export const XDP_MD = { data: 0, data_end: 4, data_meta: 8, ingress_ifindex: 12, rx_queue_index: 16, egress_ifindex: 20 } as const;

export class XdpBuff {
  ingressIfindex = 1;
  rxQueueIndex = 0;
  constructor(public packet: PacketBuffer) {}
}

export class XdpContext implements CtxAccessor {
  constructor(readonly xdp: XdpBuff, readonly packetRegion: Region, readonly region: Region) {
    region.name = 'ctx (xdp_md)';
    region.ctx = this;
    region.setBounds(0, 0, false);
    this.syncPacket();
  }

  syncPacket(): void {
    const p = this.xdp.packet;
    this.packetRegion.rebind(p.buf, Math.min(p.meta, p.head), p.tail, true);
  }

  load(off: number, size: number, out: RegPair): void {
    if (size !== 4 || off % 4 !== 0 || off < 0 || off >= XDP_CTX_SIZE) {
      throw new FaultSignal('ctx-access', `invalid read of ${size} bytes at xdp_md offset ${off}`);
    }
    const p = this.xdp.packet;
    out.hi = 0;
    switch (off) {
      case XDP_MD.data: case XDP_MD.data_end: case XDP_MD.data_meta:
        out.lo = this.packetRegion.addrLo(off === XDP_MD.data ? p.head : off === XDP_MD.data_end ? p.tail : p.meta);
        out.hi = this.packetRegion.addrHi;
        return;
      case XDP_MD.ingress_ifindex: out.lo = this.xdp.ingressIfindex; return;
      case XDP_MD.rx_queue_index: out.lo = this.xdp.rxQueueIndex; return;
      default: out.lo = 0; // egress_ifindex: only set for devmap programs
    }
  }

  store(off: number, size: number): void {
    throw new FaultSignal('ctx-access', `invalid write of ${size} bytes at xdp_md offset ${off}: xdp_md is read-only`);
  }
}
