// Socket-buffer examples in the VM: context fields, byte loads/stores, reshaping, events
// and redirects, each checked against what the kernel's code says they do.
import { describe, expect, test } from 'vitest';
import { EVENT_PAYLOAD, eventPacket } from './cases/perf-ringbuf-events.js';
import { REDIRECT, redirectPacket } from './cases/redirect-smp-cpu.js';
import { CTX_OUT_OFF, skbCtx } from './cases/skb-ctx-fields.js';
import { LOAD_STORE, loadStorePacket } from './cases/skb-load-store-bytes.js';
import { RESIZE, resizePacket } from './cases/skb-resize-helpers.js';
import { concat, ETH_P, ethernet, MAC, readS32le, readU32le, u8, udpPacket, zeros } from './packets.js';
import { runInVm } from './vm-run.js';

const EINVAL = 22, EFAULT = 14, ENOMEM = 12, ENOTSUPP = 524;
const neg = (errno: number) => -errno >>> 0;

describe('skb_ctx_fields', () => {
  const slot = (out: Uint8Array, i: number) => readU32le(out, CTX_OUT_OFF + 4 * i);
  const frameTo = (dst: readonly number[]) => udpPacket({ dst, payload: zeros(80) });

  test('pkt_type on the loopback device of a test run: its broadcast address is all zeros', async () => {
    const { results } = await runInVm('skb_ctx_fields', [MAC.host, MAC.other, MAC.broadcast, MAC.multicast].map((m) => ({ data: frameTo(m) })));
    // PACKET_HOST 0, PACKET_MULTICAST 2, PACKET_OTHERHOST 3: ff:ff:.. is not lo's broadcast address.
    expect(results.map((r) => r.retval)).toEqual([0, 3, 2, 2]);
  });

  test('protocol reads back in network order; 802.3 frames get ETH_P_802_3 or ETH_P_802_2', async () => {
    const { results } = await runInVm('skb_ctx_fields', [
      { data: frameTo(MAC.other) },
      { data: ethernet(u8(0xff, 0xff, ...zeros(88)), { type: 0x005a }) },
      { data: ethernet(zeros(90), { type: 0x005a }) },
    ]);
    expect(results.map((r) => slot(r.dataOut, 4))).toEqual([0x0008, 0x0100, 0x0400]);
  });

  test('ctx_in fields are read, written fields come back in ctx_out, wire_len is 0 without ctx_in', async () => {
    const data = frameTo(MAC.other);
    const { results } = await runInVm('skb_ctx_fields', [{ data }, { data, ctx: skbCtx({ mark: 5, priority: 3, cb: [1, 2, 3, 4, 0xffffffff] }) }]);
    expect(slot(results[0]!.dataOut, 17)).toBe(0);
    const out = results[1]!.dataOut;
    expect([2, 3, 8, 12, 17].map((i) => slot(out, i))).toEqual([5, 3, 1, 0xffffffff, data.length]);
    expect([18, 19, 20, 21].map((i) => slot(out, i))).toEqual([6, 0x1234, 7, (0xffffffff * 2 + 4) >>> 0]);
    const ctx = new DataView(results[1]!.ctxOut!.buffer);
    expect([ctx.getUint32(8, true), ctx.getUint32(32, true)]).toEqual([6, 7]);
    expect([0, 1, 2, 3].map((i) => ctx.getUint32(48 + 4 * i, true))).toEqual([2, 5, 8, 11]);
  });
});

describe('skb_load_store_bytes', () => {
  test('edges: loads to the end work, a byte past fails and clears the buffer; bad store flags fail', async () => {
    const { results } = await runInVm('skb_load_store_bytes', [{ data: loadStorePacket(64) }]);
    const out = results[0]!.dataOut;
    const rc = Array.from({ length: LOAD_STORE.rcCount }, (_, i) => readS32le(out, LOAD_STORE.rcOff + 4 * i));
    expect(rc).toEqual([0, -EFAULT, -EFAULT, 0, -EINVAL, -EFAULT, 0, -EFAULT]);
    expect([...out.subarray(LOAD_STORE.clearedOff, LOAD_STORE.clearedOff + 8)]).toEqual(new Array(8).fill(0));
    expect(readU32le(out, LOAD_STORE.markerOff)).toBe(0xfeedc0de);
    expect(readU32le(out, 60)).toBe(0xfeedc0de);
  });
});

describe('skb_resize_helpers', () => {
  const run = async (mode: number) => (await runInVm('skb_resize_helpers', [{ data: resizePacket(mode) }])).results[0]!;
  const original = (mode: number) => resizePacket(mode);

  test('adjust_room grows and shrinks at the network header, or after the MAC header', async () => {
    const p = original(RESIZE.ROOM_NET_GROW);
    const grown = await run(RESIZE.ROOM_NET_GROW);
    expect(grown.retval).toBe(0);
    expect(grown.dataOut).toEqual(concat(p.subarray(0, 34), zeros(8), p.subarray(34)));
    const shrunk = await run(RESIZE.ROOM_NET_SHRINK);
    expect(shrunk.dataOut).toEqual(concat(original(RESIZE.ROOM_NET_SHRINK).subarray(0, 34), original(RESIZE.ROOM_NET_SHRINK).subarray(42)));
    const mac = await run(RESIZE.ROOM_MAC_GROW);
    const pm = original(RESIZE.ROOM_MAC_GROW);
    expect(mac.dataOut).toEqual(concat(pm.subarray(0, 14), zeros(16), pm.subarray(14)));
  });

  test('change_head pushes zeros in front; change_tail zero-fills or trims', async () => {
    expect((await run(RESIZE.HEAD_PUSH)).dataOut).toEqual(concat(zeros(14), original(RESIZE.HEAD_PUSH)));
    expect((await run(RESIZE.TAIL_GROW)).dataOut).toEqual(concat(original(RESIZE.TAIL_GROW), zeros(10)));
    const p = original(RESIZE.TAIL_TRIM);
    expect((await run(RESIZE.TAIL_TRIM)).dataOut).toEqual(p.subarray(0, p.length - 4));
  });

  test('refusals', async () => {
    const codes = await Promise.all([
      RESIZE.ROOM_BAD_FLAGS, RESIZE.ROOM_BAD_MODE, RESIZE.ROOM_TOO_BIG, RESIZE.HEAD_BAD_FLAGS,
      RESIZE.TAIL_BELOW_MIN, RESIZE.TAIL_TOO_BIG, RESIZE.PULL_PAST_END, RESIZE.PULL_ALL,
    ].map(async (m) => (await run(m)).retval));
    expect(codes).toEqual([neg(EINVAL), neg(ENOTSUPP), neg(EFAULT), neg(EINVAL), neg(EINVAL), neg(EINVAL), neg(ENOMEM), 0]);
    const arp = await runInVm('skb_resize_helpers', [{ data: ethernet(zeros(46), { type: ETH_P.ARP }) }]);
    expect(arp.results[0]!.retval).toBe(neg(ENOTSUPP));
  });
});

describe('perf_ringbuf_events', () => {
  test('perf output carries the payload and appended packet bytes; ring records are exact; discard emits nothing', async () => {
    const data = eventPacket({ perfSize: 5, ringSize: 3, appendLen: 10 });
    const { results } = await runInVm('perf_ringbuf_events', [{ data }]);
    const ev = results[0]!.events.map((e) => ({ map: e.map, kind: e.kind, data: [...e.data] }));
    expect(ev).toEqual([
      { map: 'ring_events', kind: 'ringbuf', data: [...EVENT_PAYLOAD.subarray(0, 3)] },
      { map: 'perf_events', kind: 'perf', data: [...EVENT_PAYLOAD.subarray(0, 5), ...data.subarray(0, 10)] },
      { map: 'ring_events', kind: 'ringbuf', data: [1, 0, 0, 0, data.length, 0, 0, 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11] },
    ]);
    expect(results[0]!.retval).toBe(0);
  });

  test("output to CPU 1's slot from CPU 0 fails with EOPNOTSUPP and emits nothing", async () => {
    const { results } = await runInVm('perf_ringbuf_events', [{ data: eventPacket({ perfSize: 0, ringSize: 0, otherCpu: true }) }]);
    expect(results[0]!.retval).toBe(95 << 8);
    expect(results[0]!.events.filter((e) => e.kind === 'perf')).toEqual([]);
  });
});

describe('redirect_smp_cpu', () => {
  test('redirect returns TC_ACT_REDIRECT (or TC_ACT_SHOT for bad flags) and records the target', async () => {
    const { results } = await runInVm('redirect_smp_cpu', Object.values(REDIRECT).map((m) => ({ data: redirectPacket(m) })));
    expect(results.map((r) => r.retval)).toEqual([7, 7, 2, 0]);
    expect(results.map((r) => r.redirect && { ifindex: r.redirect.ifindex, flags: r.redirect.flags })).toEqual([
      { ifindex: 1, flags: 0 }, { ifindex: 1, flags: 1 }, null, null,
    ]);
    expect(results.map((r) => readU32le(r.dataOut, 15))).toEqual([0, 0, 0, 0]); // CPU 0
  });
});
