import type { AgreementCase } from '../case.js';
import { ETH_P, ethernet, MAC, u8, udpPacket, zeros } from '../packets.js';

export const CTX_SLOTS = 22;
export const CTX_OUT_OFF = 14;

/** A struct __sk_buff with only the fields BPF_PROG_TEST_RUN accepts set. */
export function skbCtx(f: { mark?: number; priority?: number; ingressIfindex?: number; ifindex?: number; cb?: number[]; tstamp?: bigint; wireLen?: number; gsoSegs?: number; gsoSize?: number }): Uint8Array {
  const ctx = new Uint8Array(192);
  const v = new DataView(ctx.buffer);
  v.setUint32(8, f.mark ?? 0, true);
  v.setUint32(32, f.priority ?? 0, true);
  v.setUint32(36, f.ingressIfindex ?? 0, true);
  v.setUint32(40, f.ifindex ?? 0, true);
  (f.cb ?? []).forEach((c, i) => v.setUint32(48 + 4 * i, c, true));
  v.setBigUint64(152, f.tstamp ?? 0n, true);
  v.setUint32(160, f.wireLen ?? 0, true);
  v.setUint32(164, f.gsoSegs ?? 0, true);
  v.setUint32(176, f.gsoSize ?? 0, true);
  return ctx;
}

const withRoom = (p: Uint8Array) => (p.length >= 14 + CTX_SLOTS * 4 ? p : new Uint8Array([...p, ...zeros(14 + CTX_SLOTS * 4 - p.length)]));
const ipFrame = (dst: readonly number[]) => withRoom(udpPacket({ dst, payload: zeros(80) }));

export const ctxCases: AgreementCase[] = [
  {
    name: 'packet type from the destination MAC; protocol from the EtherType',
    example: 'skb_ctx_fields',
    inputs: [
      { data: ipFrame(MAC.host) },
      { data: ipFrame(MAC.other) },
      { data: ipFrame(MAC.broadcast) },
      { data: ipFrame(MAC.multicast) },
      { data: withRoom(ethernet(zeros(90), { type: ETH_P.ARP })) },
      { data: withRoom(ethernet(zeros(90), { type: ETH_P.IPV6 })) },
      { data: withRoom(ethernet(u8(0xff, 0xff, ...zeros(88)), { type: 0x005a })) }, // 802.3 length field, raw IPX
      { data: withRoom(ethernet(zeros(90), { type: 0x005a })) }, // 802.3 length field, LLC
    ],
  },
  {
    name: 'ctx_in fields in, written fields out',
    example: 'skb_ctx_fields',
    inputs: [
      { data: ipFrame(MAC.other), ctx: skbCtx({}) },
      { data: ipFrame(MAC.other), ctx: skbCtx({ mark: 5, priority: 3, cb: [1, 2, 3, 4, 0xffffffff] }) },
      { data: ipFrame(MAC.other), ctx: skbCtx({ ifindex: 1, ingressIfindex: 1 }) },
      { data: ipFrame(MAC.other), ctx: skbCtx({ mark: 0xffffffff, tstamp: 123456789n, wireLen: 1000, gsoSegs: 2, gsoSize: 500 }) },
      { data: ipFrame(MAC.other), ctx: skbCtx({ cb: [7] }).subarray(0, 64) }, // a shorter ctx_in is zero-extended
    ],
  },
  {
    name: 'ctx_in the kernel refuses',
    example: 'skb_ctx_fields',
    inputs: [
      { data: ipFrame(MAC.other), ctx: (() => { const c = skbCtx({}); c[0] = 1; return c; })() }, // len is not settable
      { data: ipFrame(MAC.other), ctx: skbCtx({ wireLen: 10 }) }, // wire_len below the packet length
      { data: ipFrame(MAC.other), ctx: skbCtx({ gsoSegs: 70000 }) }, // over GSO_MAX_SEGS
      { data: ipFrame(MAC.other), ctx: skbCtx({ ifindex: 999999 }) }, // no such device: ENODEV
    ],
  },
];
