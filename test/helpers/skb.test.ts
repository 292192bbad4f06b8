// Socket-buffer helpers (test/fixtures/vm/skb.c): skb_load_bytes / skb_store_bytes and their
// errors, skb_adjust_room in NET and MAC mode (grow and shrink, with the bytes that result),
// skb_change_head and skb_change_tail. Expected bytes and errnos follow net/core/filter.c.
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedObject } from '../../src/vm/loaded-object.js';
import { haveClang, loadVmFixture } from '../vm/compile.js';
import { ETH_HLEN, IPPROTO_UDP, hexOf, ipv4Packet, ipv6Packet } from './packets.js';
import { EFAULT, EINVAL, ENOTSUPP, Struct, getValue, key0, keyU32, ret, run, setValue } from './run.js';

const ADJ_ROOM_NET = 0n, ADJ_ROOM_MAC = 1n;
const F = {
  FIXED_GSO: 1n << 0n, ENCAP_L3_IPV4: 1n << 1n, ENCAP_L3_IPV6: 1n << 2n, ENCAP_L4_GRE: 1n << 3n, ENCAP_L4_UDP: 1n << 4n,
  NO_CSUM_RESET: 1n << 5n, ENCAP_L2_ETH: 1n << 6n, DECAP_L3_IPV4: 1n << 7n, DECAP_L3_IPV6: 1n << 8n,
  ENCAP_L2: (len: bigint) => (len & 0xffn) << 56n,
};
const BPF_SKB_MAX_LEN = 16384 - 320; // SKB_MAX_ALLOC: 4 pages less skb_shared_info
const IPV4 = ipv4Packet({ proto: IPPROTO_UDP, payload: Uint8Array.from({ length: 8 }, (_, i) => 0xe0 + i) }); // 50 bytes
const IPV6 = ipv6Packet(Uint8Array.from({ length: 16 }, (_, i) => 0x70 + i)); // 70 bytes
const ARP = (() => { const p = IPV4.slice(); p[12] = 0x08; p[13] = 0x06; return p; })();

const cat = (...parts: (Uint8Array | number[])[]): string => hexOf(Uint8Array.from(parts.flatMap((p) => [...p])));
const zeros = (n: number): number[] => new Array(n).fill(0);

describe.skipIf(!haveClang)('socket-buffer helpers', () => {
  let obj: LoadedObject;
  beforeAll(async () => {
    obj = await loadVmFixture('skb');
    setValue(obj, 'buf', key0(), Uint8Array.from({ length: 64 }, (_, i) => 0xc0 + (i & 15)));
  });

  function call(prog: string, data: Uint8Array, a: bigint, b: bigint, c = 0n): { r: number; out: Uint8Array } {
    setValue(obj, 'args', key0(), new Struct(32).u64(0, a).u64(8, b).u64(16, c).bytes);
    const res = run(obj, prog, { dataIn: data });
    return { r: ret(res), out: res.dataOut };
  }

  describe('skb_load_bytes', () => {
    function load(offset: bigint, len: number) {
      const { r } = call('load_bytes', IPV4, offset, BigInt(len));
      return { r, buf: getValue(obj, 'buf', keyU32(1))! };
    }

    it('copies bytes from the packet', () => {
      const { r, buf } = load(0n, 14);
      expect(r).toBe(0);
      expect(hexOf(buf.subarray(0, 14))).toBe(hexOf(IPV4.subarray(0, 14)));
      expect([...buf.subarray(14)]).toEqual(new Array(50).fill(0xaa));
    });

    it('reads up to the last byte (offset + len = skb->len)', () => {
      const { r, buf } = load(40n, 10);
      expect(r).toBe(0);
      expect(hexOf(buf.subarray(0, 10))).toBe(hexOf(IPV4.subarray(40, 50)));
    });

    it.each([
      ['one byte past the end', 41n, 10],
      ['an offset over INT_MAX', 0x80000000n, 4],
      ['offset 0xffffffff', 0xffffffffn, 4],
    ])('%s: -EFAULT and the destination is zeroed', (_n, offset, len) => {
      const { r, buf } = load(offset, len);
      expect(r).toBe(-EFAULT);
      expect([...buf.subarray(0, len)]).toEqual(zeros(len));
      expect([...buf.subarray(len)]).toEqual(new Array(64 - len).fill(0xaa));
    });
  });

  describe('skb_store_bytes', () => {
    const FROM = Array.from({ length: 4 }, (_, i) => 0xc0 + i);
    it('writes bytes into the packet', () => {
      const { r, out } = call('store_bytes', IPV4, 6n, 4n, 0n);
      expect(r).toBe(0);
      expect(hexOf(out)).toBe(cat(IPV4.subarray(0, 6), FROM, IPV4.subarray(10)));
    });

    it('accepts BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH', () => {
      expect(call('store_bytes', IPV4, 46n, 4n, 3n).r).toBe(0);
    });

    it.each([
      ['past the end', 47n, 4n, 0n, -EFAULT],
      ['an unknown flag', 0n, 4n, 4n, -EINVAL],
      ['an unknown flag with a bad offset (flags are checked first)', 100n, 4n, 4n, -EINVAL],
      ['an offset over INT_MAX', 0x80000000n, 4n, 0n, -EFAULT],
    ])('%s, packet unchanged', (_n, offset, len, flags, want) => {
      const { r, out } = call('store_bytes', IPV4, offset, len, flags);
      expect(r).toBe(want);
      expect(hexOf(out)).toBe(hexOf(IPV4));
    });
  });

  describe('skb_adjust_room', () => {
    const adjust = (data: Uint8Array, diff: bigint, mode: bigint, flags = 0n) => call('adjust_room', data, diff, mode, flags);

    it('NET grow: room opens after the IPv4 header, zero-filled', () => {
      const { r, out } = adjust(IPV4, 8n, ADJ_ROOM_NET);
      expect(r).toBe(0);
      expect(hexOf(out)).toBe(cat(IPV4.subarray(0, 34), zeros(8), IPV4.subarray(34)));
    });

    it('NET grow on IPv6: room opens after the 40-byte IPv6 header', () => {
      const { r, out } = adjust(IPV6, 8n, ADJ_ROOM_NET);
      expect(r).toBe(0);
      expect(hexOf(out)).toBe(cat(IPV6.subarray(0, 54), zeros(8), IPV6.subarray(54)));
    });

    it('MAC grow: room opens after the Ethernet header', () => {
      const { r, out } = adjust(IPV4, 8n, ADJ_ROOM_MAC);
      expect(r).toBe(0);
      expect(hexOf(out)).toBe(cat(IPV4.subarray(0, 14), zeros(8), IPV4.subarray(14)));
    });

    it('NET shrink: the bytes after the IPv4 header go', () => {
      const { r, out } = adjust(IPV4, -8n, ADJ_ROOM_NET);
      expect(r).toBe(0);
      expect(hexOf(out)).toBe(cat(IPV4.subarray(0, 34), IPV4.subarray(42)));
    });

    it('MAC shrink: the bytes after the Ethernet header go', () => {
      const { r, out } = adjust(IPV4, -8n, ADJ_ROOM_MAC);
      expect(r).toBe(0);
      expect(hexOf(out)).toBe(cat(IPV4.subarray(0, 14), IPV4.subarray(22)));
    });

    it('encapsulation flags on a grow: the room is opened (headers are the program\'s job)', () => {
      const flags = F.ENCAP_L3_IPV4 | F.ENCAP_L2_ETH | F.ENCAP_L2(14n);
      const { r, out } = adjust(IPV4, 24n, ADJ_ROOM_MAC, flags);
      expect(r).toBe(0);
      expect(hexOf(out)).toBe(cat(IPV4.subarray(0, 14), zeros(24), IPV4.subarray(14)));
      expect(adjust(IPV4, 8n, ADJ_ROOM_NET, F.ENCAP_L3_IPV4 | F.ENCAP_L4_UDP).r).toBe(0);
    });

    it('a length difference of 0 changes nothing', () => {
      const { r, out } = adjust(IPV4, 0n, ADJ_ROOM_NET);
      expect(r).toBe(0);
      expect(hexOf(out)).toBe(hexOf(IPV4));
    });

    it('shrinking to exactly the base header length is allowed; one byte more is not', () => {
      // len_cur = skb->len - ETH_HLEN = 36; the IPv4 base header (20) must remain
      expect(adjust(IPV4, -16n, ADJ_ROOM_NET).r).toBe(0);
      expect(adjust(IPV4, -17n, ADJ_ROOM_NET).r).toBe(-ENOTSUPP);
      expect(adjust(IPV4, -16n, ADJ_ROOM_MAC).r).toBe(0);
      expect(adjust(IPV4, -17n, ADJ_ROOM_MAC).r).toBe(-ENOTSUPP);
      expect(adjust(IPV4, -36n, ADJ_ROOM_MAC).r).toBe(-ENOTSUPP);
    });

    it('decap flags set the minimum that must remain', () => {
      expect(adjust(IPV4, -8n, ADJ_ROOM_NET, F.DECAP_L3_IPV4).r).toBe(0);
      expect(adjust(IPV4, -8n, ADJ_ROOM_NET, F.DECAP_L3_IPV6).r).toBe(-ENOTSUPP); // 28 < 40
      expect(adjust(IPV4, -8n, ADJ_ROOM_NET, F.FIXED_GSO | F.NO_CSUM_RESET).r).toBe(0);
    });

    it.each<[string, Uint8Array, bigint, bigint, bigint, number]>([
      ['|len_diff| > 0xfff', IPV4, 0x1000n, ADJ_ROOM_NET, 0n, -EFAULT],
      ['an unknown mode (2)', IPV4, 8n, 2n, 0n, -ENOTSUPP],
      ['a non-IP packet (ARP)', ARP, 8n, ADJ_ROOM_NET, 0n, -ENOTSUPP],
      ['an unknown flag (1 << 20)', IPV4, 8n, ADJ_ROOM_NET, 1n << 20n, -EINVAL],
      ['a decap flag on a grow', IPV4, 8n, ADJ_ROOM_NET, F.DECAP_L3_IPV4, -EINVAL],
      ['both L3 encap flags', IPV4, 8n, ADJ_ROOM_NET, F.ENCAP_L3_IPV4 | F.ENCAP_L3_IPV6, -EINVAL],
      ['both L4 encap flags', IPV4, 8n, ADJ_ROOM_NET, F.ENCAP_L3_IPV4 | F.ENCAP_L4_GRE | F.ENCAP_L4_UDP, -EINVAL],
      ['an inner L2 header longer than the room', IPV4, 8n, ADJ_ROOM_MAC, F.ENCAP_L3_IPV4 | F.ENCAP_L2(14n), -EINVAL],
      // bpf_skb_net_shrink accepts only FIXED_GSO, DECAP_L3_* and NO_CSUM_RESET (checked on
      // Linux 6.18). fixed in dpsim (helpers/skb.ts); it was: the shrink path ignores encap flags and returns 0.
      ['an encap flag on a shrink', IPV4, -8n, ADJ_ROOM_NET, F.ENCAP_L3_IPV4, -EINVAL],
    ])('%s, packet unchanged', (_n, data, diff, mode, flags, want) => {
      const { r, out } = adjust(data, diff, mode, flags);
      expect(r).toBe(want);
      expect(hexOf(out)).toBe(hexOf(data));
    });
  });

  describe('skb_change_head', () => {
    it('prepends zeroed room', () => {
      const { r, out } = call('change_head', IPV4, 8n, 0n);
      expect(r).toBe(0);
      expect(hexOf(out)).toBe(cat(zeros(8), IPV4));
    });

    it('grows up to BPF_SKB_MAX_LEN but not past it', () => {
      const up = call('change_head', IPV4, BigInt(BPF_SKB_MAX_LEN - IPV4.length), 0n);
      expect(up.r).toBe(0);
      expect(up.out.length).toBe(BPF_SKB_MAX_LEN);
      expect(hexOf(up.out.subarray(BPF_SKB_MAX_LEN - IPV4.length))).toBe(hexOf(IPV4));
      expect(call('change_head', IPV4, BigInt(BPF_SKB_MAX_LEN - IPV4.length + 1), 0n).r).toBe(-EINVAL);
    });

    it('refuses flags', () => {
      const { r, out } = call('change_head', IPV4, 8n, 1n);
      expect(r).toBe(-EINVAL);
      expect(hexOf(out)).toBe(hexOf(IPV4));
    });
  });

  describe('skb_change_tail', () => {
    it('grows with zeros', () => {
      const { r, out } = call('change_tail', IPV4, 60n, 0n);
      expect(r).toBe(0);
      expect(hexOf(out)).toBe(cat(IPV4, zeros(10)));
    });

    it('trims', () => {
      const { r, out } = call('change_tail', IPV4, 30n, 0n);
      expect(r).toBe(0);
      expect(hexOf(out)).toBe(hexOf(IPV4.subarray(0, 30)));
    });

    it('keeps at least the Ethernet header (the network offset)', () => {
      expect(call('change_tail', IPV4, 14n, 0n)).toMatchObject({ r: 0 });
      expect(call('change_tail', IPV4, 13n, 0n).r).toBe(-EINVAL);
      expect(call('change_tail', IPV6, BigInt(ETH_HLEN), 0n).r).toBe(0);
    });

    it('grows up to BPF_SKB_MAX_LEN, not past it, and refuses flags', () => {
      expect(call('change_tail', IPV4, BigInt(BPF_SKB_MAX_LEN), 0n).out.length).toBe(BPF_SKB_MAX_LEN);
      expect(call('change_tail', IPV4, BigInt(BPF_SKB_MAX_LEN + 1), 0n).r).toBe(-EINVAL);
      expect(call('change_tail', IPV4, 60n, 1n).r).toBe(-EINVAL);
    });

    it('the program sees the new length in skb->len and data_end - data', () => {
      expect(call('change_tail_len', IPV4, 77n, 0n).r).toBe(77);
    });
  });
});
