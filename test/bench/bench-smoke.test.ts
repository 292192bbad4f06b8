// The benchmark programs of bench/progs do what bench/run.ts says they do: each runs in the
// VM with a small repeat and its result is checked against an independent computation in
// TypeScript (the ALU mix in BigInt, RFC 1071 over network-order words). No timing here.
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { loadObjectSpec } from '../../src/elf/index.js';
import { LoadedObject, testRun } from '../../src/vm/index.js';
import {
  CLANG, buildProg, aluPacket, csumPacket, routePacket, routeMapEntries, fillPseudoRandom, ROUTE_IFINDEX, ROUTE_SMAC, ROUTE_DMAC,
} from '../../bench/lib.js';

const haveClang = spawnSync(CLANG, ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveClang) console.log(`test/bench: skipping: ${CLANG} is not installed (needed to compile bench/progs)`);

const M64 = (1n << 64n) - 1n;
const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (64n - k))) & M64;

/** alu_loop.c's loop, in BigInt. */
function aluReference(a: bigint, b: bigint): number {
  a &= M64; b &= M64;
  for (let i = 0n; i < 4096n; i++) {
    a = (a + (b ^ i)) & M64;
    b ^= (a << 13n) & M64;
    a = (rotl(a, 17n) * 0x9e3779b97f4a7c15n) & M64;
    b = (b + (a >> 7n)) & M64;
    b = rotl(b, 41n) ^ (a >> 29n);
  }
  return Number((a ^ b) & 0xffffffffn);
}

/** RFC 1071 Internet checksum over big-endian 16-bit words (an odd byte is padded with zero). */
function internetChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length % 2) sum += bytes[bytes.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

const bswap16 = (x: number) => ((x & 0xff) << 8) | (x >> 8);

/** A frame too short for an IP header must not say IPv4 (the kernel refuses it): use 0x88b5. */
function notIp(pkt: Uint8Array): Uint8Array {
  pkt[12] = 0x88; pkt[13] = 0xb5;
  return pkt;
}

async function load(name: string): Promise<LoadedObject> {
  return LoadedObject.load(await loadObjectSpec(buildProg(name)));
}

describe.skipIf(!haveClang)('bench programs (VM)', () => {
  test('alu_loop computes the 64-bit mix of its two packet seeds', async () => {
    const obj = await load('alu_loop');
    const prog = obj.program('alu_loop');
    const seeds: [bigint, bigint][] = [
      [0x0123456789abcdefn, 0xfedcba9876543210n], // bench/run.ts's seeds
      [0n, 0n],
      [M64, M64],
      [1n, 0x8000000000000000n],
      [0xdeadbeefcafebaben, 0x0badf00d12345678n],
    ];
    for (const [a, b] of seeds) {
      const r = testRun(obj, prog, { dataIn: aluPacket(a, b), repeat: 3 });
      expect(r.fault).toBeNull();
      expect(r.retval, `seeds ${a.toString(16)} ${b.toString(16)}`).toBe(aluReference(a, b));
      // The loop really runs 4096 times (about 24 instructions a round), not folded away.
      expect(r.insnCount).toBeGreaterThan(4096 * 20);
    }
    // Too short for the seeds: returns 0 without looping.
    const short = testRun(obj, prog, { dataIn: notIp(aluPacket().slice(0, 29)) });
    expect(short.retval).toBe(0);
    expect(short.insnCount).toBeLessThan(20);
  });

  test('csum_loop returns the ones\' complement checksum of the whole packet', async () => {
    const obj = await load('csum_loop');
    const prog = obj.program('csum_loop');
    for (const len of [1500, 1499, 14, 15, 64, 2048]) {
      const pkt = csumPacket(len, 0x9e3779b9 + len);
      if (len < 34) notIp(pkt);
      const r = testRun(obj, prog, { dataIn: pkt, repeat: 3 });
      expect(r.fault).toBeNull();
      // Words are loaded little-endian, so the result is the byte-swapped network-order sum.
      expect(r.retval, `length ${len}`).toBe(bswap16(internetChecksum(pkt)));
      // One bounds-checked step per 16-bit word.
      expect(r.insnCount).toBeGreaterThan(Math.floor(len / 2) * 8);
    }
    // A packet that carries its own checksum sums to zero (checked the other way round).
    const pkt = new Uint8Array(1500);
    fillPseudoRandom(pkt, 7);
    pkt[100] = 0; pkt[101] = 0;
    const c = internetChecksum(pkt);
    pkt[100] = c >> 8; pkt[101] = c & 0xff;
    expect(testRun(obj, prog, { dataIn: pkt }).retval).toBe(0);
    // The benchmark packet itself.
    const bench = csumPacket(1500);
    expect(testRun(obj, prog, { dataIn: bench }).retval).toBe(bswap16(internetChecksum(bench)));
  });

  test('route_lpm routes by longest prefix, checks the policy, counts and rewrites the MACs', async () => {
    const obj = await load('route_lpm');
    const prog = obj.program('route_lpm');
    for (const e of routeMapEntries()) {
      const map = obj.map(e.map) as unknown as { userUpdate(key: Uint8Array, value: Uint8Array): number };
      expect(map.userUpdate(e.key, e.value)).toBe(0);
    }
    const pkt = routePacket(128);
    const r = testRun(obj, prog, { dataIn: pkt, repeat: 5 });
    expect(r.fault).toBeNull();
    expect(r.retval).toBe(ROUTE_IFINDEX); // 10.1.0.0/16 wins over 10.0.0.0/8 and the default route
    expect([...r.dataOut.subarray(0, 6)]).toEqual(ROUTE_DMAC);
    expect([...r.dataOut.subarray(6, 12)]).toEqual(ROUTE_SMAC);
    expect([...r.dataOut.subarray(12)]).toEqual([...pkt.subarray(12)]);
    // The policy entry counted every run: 5 packets of 128 bytes.
    const key = routeMapEntries().find((e) => e.map === 'policies')!.key;
    const counters = obj.map('policies').userLookup(key) as Uint8Array;
    const v = new DataView(counters.buffer, counters.byteOffset);
    expect(v.getBigUint64(0, true)).toBe(5n);
    expect(v.getBigUint64(8, true)).toBe(5n * 128n);

    // No policy for another port: dropped (TC_ACT_SHOT); the /8 route is found but not used.
    const otherPort = routePacket(128);
    otherPort[14 + 20 + 3] = 54;
    expect(testRun(obj, prog, { dataIn: otherPort }).retval).toBe(2);
    // Not IPv4: TC_ACT_OK, untouched.
    const arp = routePacket(64);
    arp[12] = 0x08; arp[13] = 0x06;
    const ra = testRun(obj, prog, { dataIn: arp });
    expect(ra.retval).toBe(0);
    expect([...ra.dataOut]).toEqual([...arp]);
  });
});
