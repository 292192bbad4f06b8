// Checksum examples in the VM, checked against checksums computed here from scratch.
import { describe, expect, test } from 'vitest';
import { CSUM_DIFF_INPUTS, CSUM_DIFF_RESULTS_OFF, csumDiffPacket } from './cases/csum-diff-modes.js';
import { NAT_TOS, udpMangledZeroPacket } from './cases/csum-nat-rewrite.js';
import { IPPROTO, internetChecksum, l4Checksum, readS64le, readU16be, tcpPacket, udpPacket } from './packets.js';
import { runInVm } from './vm-run.js';

const IP = 14, L4 = 34;
const ipHeaderValid = (p: Uint8Array) => internetChecksum(p.subarray(IP, L4)) === 0;
const daddrOf = (p: Uint8Array) => [...p.subarray(IP + 16, IP + 20)].join('.');

/** The L4 checksum the rewritten packet should carry, computed over its bytes with the field zeroed. */
function freshL4Checksum(p: Uint8Array, protocol: number): number {
  const seg = p.slice(L4);
  const at = protocol === IPPROTO.UDP ? 6 : 16;
  seg[at] = 0;
  seg[at + 1] = 0;
  return l4Checksum(seg, protocol, [...p.subarray(IP + 12, IP + 16)].join('.'), daddrOf(p));
}

describe('ttl_rewrite', () => {
  test('decrements the TTL and leaves a valid IPv4 header checksum; drops TTL 1', async () => {
    const { results } = await runInVm('ttl_rewrite', [{ data: udpPacket({ ip: { ttl: 64 } }) }, { data: udpPacket({ ip: { ttl: 1 } }) }]);
    const out = results[0]!.dataOut;
    expect(out[IP + 8]).toBe(63);
    expect(ipHeaderValid(out)).toBe(true);
    expect(results[1]!.retval).toBe(2); // TC_ACT_SHOT
  });
});

describe('csum_nat_rewrite', () => {
  const modes = [['by value', NAT_TOS.BY_VALUE], ['by csum_diff', NAT_TOS.BY_DIFF]] as const;
  test.each(modes)('%s: rewrites to 10.0.0.99:8080 with valid IPv4, UDP and TCP checksums', async (_, tos) => {
    const { results } = await runInVm('csum_nat_rewrite', [{ data: udpPacket({ ip: { tos } }) }, { data: tcpPacket({ ip: { tos } }) }]);
    for (const [i, protocol, csumAt] of [[0, IPPROTO.UDP, L4 + 6], [1, IPPROTO.TCP, L4 + 16]] as const) {
      const out = results[i]!.dataOut;
      expect(results[i]!.retval).toBe(0);
      expect(daddrOf(out)).toBe('10.0.0.99');
      expect(readU16be(out, L4 + 2)).toBe(8080);
      expect(ipHeaderValid(out)).toBe(true);
      expect(readU16be(out, csumAt)).toBe(freshL4Checksum(out, protocol));
    }
  });

  test.each(modes)('%s: an absent UDP checksum stays 0, a zero result is written as 0xffff', async (_, tos) => {
    const { results } = await runInVm('csum_nat_rewrite', [{ data: udpPacket({ zeroChecksum: true, ip: { tos } }) }, { data: udpMangledZeroPacket(tos) }]);
    expect(readU16be(results[0]!.dataOut, L4 + 6)).toBe(0);
    expect(readU16be(results[1]!.dataOut, L4 + 6)).toBe(0xffff);
  });

  test('helper refusals: bad size and pseudo-header flag on l3 (EINVAL), past the end (EFAULT), from with size 0 (EINVAL)', async () => {
    const { results } = await runInVm('csum_nat_rewrite', [{ data: udpPacket({ ip: { tos: NAT_TOS.ERRORS } }) }]);
    const [badSize, pastEnd, l3Pseudo, diffWithFrom] = [0, 8, 16, 24].map((s) => (results[0]!.retval >>> s) & 0xff);
    expect({ badSize, pastEnd, l3Pseudo, diffWithFrom }).toEqual({ badSize: 22, pastEnd: 14, l3Pseudo: 22, diffWithFrom: 22 });
  });
});

describe('csum_diff_modes', () => {
  /** Sum of little-endian 16-bit words modulo 0xffff: ones' complement arithmetic, byte order as on x86. */
  const sum = (b: Uint8Array) => { let s = 0; for (let i = 0; i < b.length; i += 2) s += b[i]! | ((b[i + 1] ?? 0) << 8); return s % 0xffff; };
  const congruent = (a: number, b: number) => (((a - b) % 0xffff) + 0xffff) % 0xffff === 0;

  test.each(CSUM_DIFF_INPUTS.map((i) => [i]))('results are 16-bit folded and congruent to seed + to - from (%o)', async (input) => {
    const { results } = await runInVm('csum_diff_modes', [{ data: csumDiffPacket(input) }]);
    const r = Array.from({ length: 5 }, (_, i) => Number(readS64le(results[0]!.dataOut, CSUM_DIFF_RESULTS_OFF + 8 * i)));
    const seed = input.seed % 0xffff;
    for (const v of r) expect(v >= 0 && v <= 0xffff).toBe(true);
    expect(congruent(r[0]!, seed + sum(input.to) - sum(input.from))).toBe(true);
    expect(congruent(r[1]!, seed + sum(input.to))).toBe(true);
    expect(congruent(r[2]!, seed - sum(input.from))).toBe(true);
    // Neither buffer: the seed itself, folded the way csum_from32to16 folds.
    const half = (input.seed & 0xffff) + (input.seed >>> 16);
    expect(r[3]).toBe((half & 0xffff) + (half >>> 16));
    // A 6-byte `from` is summed as 6 bytes: no -EINVAL since Linux 6.13.
    expect(congruent(r[4]!, seed + sum(input.to) - sum(input.from.subarray(0, 6)))).toBe(true);
  });
});
