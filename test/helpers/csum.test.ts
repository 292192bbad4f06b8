// bpf_l3_csum_replace, bpf_l4_csum_replace and bpf_csum_diff (test/fixtures/vm/csum.c). The
// incremental updates must leave exactly the checksums a full recomputation gives (computed here
// with an independent RFC 1071 implementation); csum_diff is checked against ones' complement
// arithmetic done with plain numbers.
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedObject } from '../../src/vm/loaded-object.js';
import { haveClang, loadVmFixture } from '../vm/compile.js';
import { Rng } from '../vm/ref.js';
import {
  ETH_HLEN, IPPROTO_TCP, IPPROTO_UDP, expectedIpChecksum, expectedL4Checksum, getBe16, hexOf, ipv4Packet,
  l4CsumOffset, rawL4Checksum,
} from './packets.js';
import { EFAULT, EINVAL, Struct, getValue, key0, ret, run, s32At, setValue } from './run.js';

const BPF_F_MARK_MANGLED_0 = 0x20;
const BPF_F_PSEUDO_HDR = 0x10;
const IP_CSUM_OFF = ETH_HLEN + 10;

const randIp = (rng: Rng): number[] => [10 + rng.int(200), rng.int(256), rng.int(256), 1 + rng.int(254)];

/** struct nat_cfg: saddr 0, daddr 4, dport 8 (be16), l4_flags 12, use_diff 16, rets[8] 20. */
function natCfg(saddr: number[], daddr: number[], opts: { dport?: number; l4Flags?: number; useDiff?: boolean } = {}): Uint8Array {
  const s = new Struct(52).bytesAt(0, saddr).bytesAt(4, daddr).u32(12, opts.l4Flags ?? 0).u32(16, opts.useDiff ? 1 : 0);
  if (opts.dport) s.u8(8, opts.dport >> 8).u8(9, opts.dport & 0xff);
  return s.bytes;
}

describe.skipIf(!haveClang)('checksum helpers', () => {
  let obj: LoadedObject;
  beforeAll(async () => {
    obj = await loadVmFixture('csum');
  });

  function nat(pkt: Uint8Array, cfg: Uint8Array): { out: Uint8Array; rets: number[] } {
    setValue(obj, 'nat', key0(), cfg);
    const res = run(obj, 'nat4', { dataIn: pkt });
    expect(ret(res)).toBe(0);
    const v = getValue(obj, 'nat', key0())!;
    return { out: res.dataOut, rets: Array.from({ length: 8 }, (_, i) => s32At(v, 20 + 4 * i)) };
  }

  function expectChecksumsRight(out: Uint8Array, what: string): void {
    expect(getBe16(out, IP_CSUM_OFF).toString(16), `${what}: IPv4 header checksum`).toBe(expectedIpChecksum(out).toString(16));
    expect(getBe16(out, l4CsumOffset(out)).toString(16), `${what}: L4 checksum`).toBe(expectedL4Checksum(out).toString(16));
  }

  for (const [name, proto, l4Flags] of [['TCP', IPPROTO_TCP, 0], ['UDP', IPPROTO_UDP, BPF_F_MARK_MANGLED_0]] as const) {
    for (const useDiff of [false, true]) {
      it(`${name}: rewriting both addresses ${useDiff ? 'via csum_diff and size-0 replaces' : 'with 4-byte replaces'} keeps both checksums equal to a recomputation`, () => {
        const rng = new Rng(proto * 31 + (useDiff ? 7 : 0));
        for (let i = 0; i < 25; i++) {
          const payload = Uint8Array.from({ length: 1 + rng.int(40) }, () => rng.int(256));
          const pkt = ipv4Packet({ proto, src: randIp(rng).join('.'), dst: randIp(rng).join('.'), payload, id: rng.int(65536), ttl: 1 + rng.int(255) });
          expectChecksumsRight(pkt, 'input'); // the builder is right to begin with
          const saddr = randIp(rng), daddr = randIp(rng);
          const { out, rets } = nat(pkt, natCfg(saddr, daddr, { l4Flags, useDiff }));
          expect(rets.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
          expect([...out.subarray(ETH_HLEN + 12, ETH_HLEN + 20)]).toEqual([...saddr, ...daddr]);
          // Everything but the addresses and the two checksum fields is untouched.
          const masked = (b: Uint8Array) => { const c = b.slice(); c.fill(0, ETH_HLEN + 12, ETH_HLEN + 20); c.fill(0, IP_CSUM_OFF, IP_CSUM_OFF + 2); c.fill(0, l4CsumOffset(b), l4CsumOffset(b) + 2); return hexOf(c); };
          expect(masked(out)).toBe(masked(pkt));
          expectChecksumsRight(out, `case ${i}`);
        }
      });
    }
  }

  it('TCP: a port rewrite with a 2-byte, non-pseudo l4_csum_replace keeps the checksum right', () => {
    const rng = new Rng(99);
    for (let i = 0; i < 20; i++) {
      const pkt = ipv4Packet({ proto: IPPROTO_TCP, dport: 1 + rng.int(65535), payload: Uint8Array.from({ length: rng.int(30) }, () => rng.int(256)) });
      const src = [...pkt.subarray(ETH_HLEN + 12, ETH_HLEN + 16)], dst = [...pkt.subarray(ETH_HLEN + 16, ETH_HLEN + 20)];
      const dport = 1 + rng.int(65535);
      const { out, rets } = nat(pkt, natCfg(src, dst, { dport }));
      expect(rets[6]).toBe(0);
      expect(rets[7]).toBe(0);
      expect(getBe16(out, ETH_HLEN + 20 + 2)).toBe(dport);
      expectChecksumsRight(out, `port ${dport}`);
    }
  });

  it('l3_csum_replace with size 2 (TTL decrement) keeps the header checksum right', () => {
    for (const ttl of [64, 1, 255, 128]) {
      const pkt = ipv4Packet({ proto: IPPROTO_UDP, ttl });
      const res = run(obj, 'ttl_dec', { dataIn: pkt });
      expect(ret(res)).toBe(0);
      expect(res.dataOut[ETH_HLEN + 8]).toBe(ttl - 1);
      expect(getBe16(res.dataOut, IP_CSUM_OFF)).toBe(expectedIpChecksum(res.dataOut));
    }
  });

  describe('BPF_F_MARK_MANGLED_0', () => {
    it('a UDP checksum of 0 (none) is left at 0 while the IP checksum is updated', () => {
      const pkt = ipv4Packet({ proto: IPPROTO_UDP, src: '10.1.1.1', dst: '10.2.2.2', udpNoChecksum: true });
      expect(getBe16(pkt, l4CsumOffset(pkt))).toBe(0);
      const { out, rets } = nat(pkt, natCfg([10, 1, 1, 1], [192, 168, 7, 9], { l4Flags: BPF_F_MARK_MANGLED_0 }));
      expect(rets.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(getBe16(out, l4CsumOffset(out))).toBe(0);
      expect(getBe16(out, IP_CSUM_OFF)).toBe(expectedIpChecksum(out));
    });

    it('without the flag, the 0 of a checksum-less UDP packet is updated like a checksum', () => {
      const pkt = ipv4Packet({ proto: IPPROTO_UDP, src: '10.1.1.1', dst: '10.2.2.2', udpNoChecksum: true });
      const { out } = nat(pkt, natCfg([10, 1, 1, 1], [192, 168, 7, 9], { l4Flags: 0 }));
      expect(getBe16(out, l4CsumOffset(out))).not.toBe(0);
    });

    /** A destination address whose UDP checksum computes to 0x0000 for this packet. */
    function zeroChecksumDaddr(pkt: Uint8Array): number[] {
      for (let w = 1; w < 0xffff; w++) {
        const trial = pkt.slice();
        trial[ETH_HLEN + 18] = w >> 8;
        trial[ETH_HLEN + 19] = w & 0xff;
        if (rawL4Checksum(trial) === 0) return [...trial.subarray(ETH_HLEN + 16, ETH_HLEN + 20)];
      }
      throw new Error('no address gives a zero checksum');
    }

    it('an update whose result is 0 stores 0xffff (CSUM_MANGLED_0), as a recomputation would for UDP', () => {
      const pkt = ipv4Packet({ proto: IPPROTO_UDP, src: '10.1.1.1', dst: '10.2.2.2' });
      const daddr = zeroChecksumDaddr(pkt);
      const { out } = nat(pkt, natCfg([10, 1, 1, 1], daddr, { l4Flags: BPF_F_MARK_MANGLED_0 }));
      expect(rawL4Checksum(out)).toBe(0);
      expect(getBe16(out, l4CsumOffset(out)).toString(16)).toBe('ffff');
      expect(getBe16(out, l4CsumOffset(out))).toBe(expectedL4Checksum(out));
    });

    it('the same update without the flag stores 0x0000', () => {
      const pkt = ipv4Packet({ proto: IPPROTO_UDP, src: '10.1.1.1', dst: '10.2.2.2' });
      const daddr = zeroChecksumDaddr(pkt);
      const { out } = nat(pkt, natCfg([10, 1, 1, 1], daddr, { l4Flags: 0 }));
      expect(getBe16(out, l4CsumOffset(out))).toBe(0);
    });
  });

  describe('argument checks', () => {
    /** struct raw_args: offset 0, which 4, from 8, to 16, flags 24. */
    function raw(which: 3 | 4, offset: number, from: bigint, to: bigint, flags: bigint): { r: number; out: Uint8Array; pkt: Uint8Array } {
      const pkt = ipv4Packet({ proto: IPPROTO_TCP });
      setValue(obj, 'raw', key0(), new Struct(32).u32(0, offset).u32(4, which).u64(8, from).u64(16, to).u64(24, flags).bytes);
      const res = run(obj, 'csum_raw', { dataIn: pkt });
      return { r: ret(res), out: res.dataOut, pkt };
    }

    const TCP_LEN = ipv4Packet({ proto: IPPROTO_TCP }).length; // 62: an even offset past the end

    // The kernel refuses an odd offset (`offset > 0xffff || offset & 1` → -EFAULT, checked on Linux
    // 6.18 with BPF_PROG_TEST_RUN). fixed in dpsim (helpers/csum.ts); it was: no odd-offset check; the VM
    // updates the misaligned field and returns 0.
    it.each<[string, 3 | 4, number, bigint, bigint, bigint, number]>([
      ['l3: an odd offset', 3, IP_CSUM_OFF + 1, 0n, 1n, 4n, -EFAULT],
      ['l4: an odd offset', 4, ETH_HLEN + 20 + 17, 0n, 1n, 4n, -EFAULT],
      ['l3: the field does not fit in the packet', 3, TCP_LEN, 0n, 1n, 4n, -EFAULT],
      ['l4: the field does not fit in the packet', 4, TCP_LEN, 0n, 1n, 4n, -EFAULT],
      ['l3: an offset over 0xffff', 3, 0x10000, 0n, 1n, 4n, -EFAULT],
      ['l3: BPF_F_PSEUDO_HDR is not an l3 flag', 3, IP_CSUM_OFF, 0n, 1n, BigInt(BPF_F_PSEUDO_HDR | 4), -EINVAL],
      ['l3: size 1', 3, IP_CSUM_OFF, 0n, 1n, 1n, -EINVAL],
      ['l3: size 0 with from != 0', 3, IP_CSUM_OFF, 1n, 1n, 0n, -EINVAL],
      ['l4: an unknown flag (0x100)', 4, ETH_HLEN + 36, 0n, 1n, 0x104n, -EINVAL],
      ['l4: size 3', 4, ETH_HLEN + 36, 0n, 1n, 3n, -EINVAL],
      ['l4: size 0 with from != 0', 4, ETH_HLEN + 36, 5n, 1n, 0n, -EINVAL],
    ])('%s', (_name, which, offset, from, to, flags, want) => {
      const { r, out, pkt } = raw(which, offset, from, to, flags);
      expect(r).toBe(want);
      expect(hexOf(out), 'a refused update leaves the packet alone').toBe(hexOf(pkt));
    });

    it('valid neighbours succeed (even offset, size 4, flags 0 for l3)', () => {
      expect(raw(3, IP_CSUM_OFF, 0n, 1n, 4n).r).toBe(0);
      expect(raw(4, ETH_HLEN + 36, 0n, 1n, BigInt(BPF_F_PSEUDO_HDR | 4)).r).toBe(0);
    });
  });

  describe('csum_diff', () => {
    /** Ones' complement sum of little-endian 16-bit words (a trailing byte is a low byte). */
    const sum16 = (b: ArrayLike<number>): number => {
      let s = 0;
      for (let i = 0; i < b.length; i += 2) s += b[i]! | ((i + 1 < b.length ? b[i + 1]! : 0) << 8);
      return s;
    };
    /** The residue modulo 0xffff that seed + Σto − Σfrom has in ones' complement arithmetic. */
    const residue = (from: number[], to: number[], seed: number): number => {
      const seedSum = (seed & 0xffff) + (seed >>> 16);
      return ((((seedSum + sum16(to) - sum16(from)) % 0xffff) + 0xffff) % 0xffff);
    };

    function diff(from: number[], to: number[], seed: number): number {
      const s = new Struct(144).u32(0, from.length).u32(4, to.length).u32(8, seed).bytesAt(16, from).bytesAt(80, to);
      setValue(obj, 'diff', key0(), s.bytes);
      return ret(run(obj, 'csum_diff', { dataIn: ipv4Packet({ proto: IPPROTO_UDP }) }));
    }

    it('hand-computed: pushing 0xdeadbeefdeadbeef gives 0x3b3b', () => {
      // LE words beef, dead, beef, dead: 2 * 0x19d9c = 0x33b38 → 0x3b38 + 3 = 0x3b3b
      expect(diff([], [0xef, 0xbe, 0xad, 0xde, 0xef, 0xbe, 0xad, 0xde], 0).toString(16)).toBe('3b3b');
    });

    it('hand-computed: diffing a buffer against itself gives 0xffff (x + ~x)', () => {
      expect(diff([1, 2, 3, 4], [1, 2, 3, 4], 0)).toBe(0xffff);
    });

    it('hand-computed: a bare seed is folded to 16 bits (0x12345678 → 0x68ac)', () => {
      // 0x1234 + 0x5678 = 0x68ac
      expect(diff([], [], 0x12345678).toString(16)).toBe('68ac');
    });

    it('hand-computed: sizes need not be multiples of 4 (Linux >= 6.13: 0x0604 - 0x0204 = 0x400)', () => {
      expect(diff([1, 2, 3], [1, 2, 3, 4], 0)).toBe(0x400);
    });

    it('random push, pull and diff cases agree with ones\' complement arithmetic', () => {
      const rng = new Rng(0xc5);
      const bad: string[] = [];
      for (let i = 0; i < 300; i++) {
        const mode = i % 3; // 0 push, 1 pull, 2 diff
        const n = () => 4 * (1 + rng.int(16));
        const from = mode === 0 ? [] : Array.from({ length: n() }, () => rng.int(256));
        const to = mode === 1 ? [] : Array.from({ length: n() }, () => rng.int(256));
        const seed = rng.int(4) === 0 ? 0 : rng.u32();
        const got = diff(from, to, seed);
        const r = residue(from, to, seed);
        // A non-zero residue has exactly one 16-bit representative; zero has two (0 and 0xffff).
        const ok = got >= 0 && got <= 0xffff && (r === 0 ? got === 0 || got === 0xffff : got === r);
        if (!ok) bad.push(`mode ${mode} seed ${seed.toString(16)}: got ${got.toString(16)}, residue ${r.toString(16)}`);
      }
      expect(bad.slice(0, 10)).toEqual([]);
    });
  });
});
