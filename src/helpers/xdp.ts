// XDP helpers: moving the packet's start, end and metadata within the frame, with the kernel's
// limits (the xdp_frame at the start of the headroom, 32 bytes of metadata, the frame end).

import type { LoadedObject } from '../vm/loaded-object.js';
import { FaultSignal } from '../vm/fault.js';
import { define, HelperTable, s32, EINVAL } from './args.js';
import { XDP_FRAME_SIZE } from '../vm/xdp.js';

const XDP_FRAME_HDR = 40; // sizeof(struct xdp_frame), kept at the start of the headroom
const EACCES = 13;
const ETH_HLEN = 14;

export function xdpHelpers(obj: LoadedObject, t: HelperTable): void {
  const env = obj.env;
  const xdpOf = (what: string) => {
    if (!env.xdp) throw new FaultSignal('helper-argument', `${what} needs an XDP context`);
    return env.xdp;
  };

  define(t, 'xdp_adjust_head', (vm) => {
    const p = xdpOf('bpf_xdp_adjust_head').packet;
    const delta = s32(vm, 2);
    const metalen = p.head - p.meta;
    const data = p.head + delta;
    if (data < XDP_FRAME_HDR + metalen || data > p.tail - ETH_HLEN) return -EINVAL;
    if (metalen) p.buf.copyWithin(p.meta + delta, p.meta, p.head);
    p.meta += delta;
    p.head = data;
    env.packetChanged();
    return 0;
  });

  define(t, 'xdp_adjust_tail', (vm) => {
    const p = xdpOf('bpf_xdp_adjust_tail').packet;
    const delta = s32(vm, 2);
    const end = p.tail + delta;
    if (end > XDP_FRAME_SIZE || end < p.head + ETH_HLEN) return -EINVAL;
    if (delta > 0) p.buf.fill(0, p.tail, end); // the frame's buffer spans XDP_FRAME_SIZE
    p.tail = end;
    env.packetChanged();
    return 0;
  });

  define(t, 'xdp_adjust_meta', (vm) => {
    const p = xdpOf('bpf_xdp_adjust_meta').packet;
    const meta = p.meta + s32(vm, 2);
    if (meta < XDP_FRAME_HDR || meta > p.head) return -EINVAL;
    const metalen = p.head - meta;
    if (metalen & 3 || metalen > 255) return -EACCES; // skb_shared_info.meta_len is a u8 since 6.x
    p.meta = meta;
    env.packetChanged();
    return 0;
  });
}
