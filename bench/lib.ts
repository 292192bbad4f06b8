// Shared by bench/run.ts and test/bench: compiling bench/progs/*.c, the benchmark packets,
// and the map contents of the datapath benchmark (the same for the VM and the kernel).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoPath } from '../src/repo-root.js';

export const BENCH_DIR = repoPath('bench');
export const PROGS_DIR = join(BENCH_DIR, 'progs');
export const BUILD_DIR = join(BENCH_DIR, 'build');
export const CLANG = process.env.CLANG ?? 'clang-19';

/** asm/types.h lives in the multiarch include dir, which -target bpf does not search. */
function multiarchIncludes(): string[] {
  if (!existsSync('/usr/include')) return [];
  return readdirSync('/usr/include')
    .filter((d) => d.endsWith('-linux-gnu') && existsSync(join('/usr/include', d, 'asm')))
    .map((d) => `-I/usr/include/${d}`);
}

/**
 * Compiles bench/progs/NAME.c into bench/build/NAME.o (git-ignored) unless the object is
 * newer than its source. Written to a temp file and renamed, so a parallel process never
 * reads half an object. Throws with clang's output on failure.
 */
export function buildProg(name: string): string {
  const src = join(PROGS_DIR, `${name}.c`);
  const out = join(BUILD_DIR, `${name}.o`);
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs) return out;
  mkdirSync(BUILD_DIR, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const args = ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', '-Wall', '-Wextra', '-Werror', ...multiarchIncludes(), '-c', src, '-o', tmp];
  const res = spawnSync(CLANG, args, { encoding: 'utf8' });
  if (res.error) throw new Error(`cannot run ${CLANG} (apt-get install clang-19): ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${CLANG} ${args.join(' ')} failed:\n${res.stderr}`);
  renameSync(tmp, out);
  return out;
}

// ---- packets ----

const ETH_P_IP = 0x0800;

function ethHeader(pkt: Uint8Array, ethertype = ETH_P_IP): void {
  pkt.set([0x02, 0, 0, 0, 0, 0x02], 0); // dst
  pkt.set([0x02, 0, 0, 0, 0, 0x01], 6); // src
  pkt[12] = ethertype >> 8;
  pkt[13] = ethertype & 0xff;
}

/** A deterministic byte stream (xorshift32), so packets are the same in every run. */
export function fillPseudoRandom(bytes: Uint8Array, seed = 0x12345678): void {
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    bytes[i] = x & 0xff;
  }
}

/** alu_loop's input: an Ethernet header and the two 64-bit seeds (little-endian) at 14 and 22. */
export function aluPacket(a: bigint = 0x0123456789abcdefn, b: bigint = 0xfedcba9876543210n): Uint8Array {
  const pkt = new Uint8Array(64);
  ethHeader(pkt);
  const v = new DataView(pkt.buffer);
  v.setBigUint64(14, BigInt.asUintN(64, a), true);
  v.setBigUint64(22, BigInt.asUintN(64, b), true);
  return pkt;
}

/** csum_loop's input: LEN bytes (an Ethernet header, then pseudo-random bytes). */
export function csumPacket(len = 1500, seed = 0x12345678): Uint8Array {
  const pkt = new Uint8Array(len);
  fillPseudoRandom(pkt, seed);
  ethHeader(pkt);
  return pkt;
}

// ---- the datapath benchmark (route_lpm.c) ----

export const ROUTE_IFINDEX = 42;
export const ROUTE_SMAC = [0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f];
export const ROUTE_DMAC = [0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f];
const DST = [10, 1, 2, 3];
const DPORT = 53;
const UDP = 17;

/** An Ethernet + IPv4 + UDP packet to 10.1.2.3:53 (LEN bytes). */
export function routePacket(len = 128): Uint8Array {
  const pkt = new Uint8Array(len);
  ethHeader(pkt);
  const ip = 14;
  pkt[ip] = 0x45;
  const totLen = len - 14;
  pkt[ip + 2] = totLen >> 8; pkt[ip + 3] = totLen & 0xff;
  pkt[ip + 8] = 64; // ttl
  pkt[ip + 9] = UDP;
  pkt.set([10, 0, 0, 1], ip + 12);
  pkt.set(DST, ip + 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += (pkt[ip + i]! << 8) | pkt[ip + i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const csum = ~sum & 0xffff;
  pkt[ip + 10] = csum >> 8; pkt[ip + 11] = csum & 0xff;
  const udp = ip + 20;
  pkt[udp] = 0x30; pkt[udp + 1] = 0x39; // sport 12345
  pkt[udp + 2] = DPORT >> 8; pkt[udp + 3] = DPORT & 0xff;
  const udpLen = len - udp;
  pkt[udp + 4] = udpLen >> 8; pkt[udp + 5] = udpLen & 0xff;
  return pkt;
}

export interface MapEntry {
  map: string;
  key: Uint8Array;
  value: Uint8Array;
}

function routeEntry(prefixlen: number, addr: number[], ifindex: number, smac: number[], dmac: number[]): MapEntry {
  const key = new Uint8Array(8);
  new DataView(key.buffer).setUint32(0, prefixlen, true);
  key.set(addr, 4);
  const value = new Uint8Array(16);
  new DataView(value.buffer).setUint32(0, ifindex, true);
  value.set(smac, 4);
  value.set(dmac, 10);
  return { map: 'routes', key, value };
}

/**
 * The datapath benchmark's maps: 256 routes (a default route, a /8, 250 /24s elsewhere, and
 * the /16 that matches the packet, 10.1.0.0/16 → ifindex 42) and 64 policies, one of them
 * (10.1.2.3, 53, UDP).
 */
export function routeMapEntries(): MapEntry[] {
  const out: MapEntry[] = [];
  out.push(routeEntry(0, [0, 0, 0, 0], 1, [1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2]));
  out.push(routeEntry(8, [10, 0, 0, 0], 2, [3, 3, 3, 3, 3, 3], [4, 4, 4, 4, 4, 4]));
  for (let i = 0; i < 250; i++) out.push(routeEntry(24, [172, 16 + (i >> 4), (i * 7) & 0xff, 0], 100 + i, [5, 5, 5, 5, 5, i], [6, 6, 6, 6, 6, i]));
  out.push(routeEntry(16, [10, 1, 0, 0], ROUTE_IFINDEX, ROUTE_SMAC, ROUTE_DMAC));
  out.push(routeEntry(24, [10, 2, 0, 0], 3, [7, 7, 7, 7, 7, 7], [8, 8, 8, 8, 8, 8]));
  for (let i = 0; i < 64; i++) {
    const key = new Uint8Array(8);
    const port = i === 0 ? DPORT : 1000 + i;
    key.set(i === 0 ? DST : [10, 1, 9, i], 0);
    key[4] = port >> 8; key[5] = port & 0xff; // network order
    key[6] = UDP;
    out.push({ map: 'policies', key, value: new Uint8Array(16) });
  }
  return out;
}

// ---- the helper-call benchmark (helper_loop.c) ----

/** helper_loop's input: 128 bytes, an Ethernet header of an unassigned ethertype, then pseudo-random bytes. */
export function helperPacket(len = 128): Uint8Array {
  const pkt = new Uint8Array(len);
  fillPseudoRandom(pkt, 0x0badcafe);
  ethHeader(pkt, 0x88b5); // not IP: the test run takes the frame as it is
  return pkt;
}

const u32Key = (i: number): Uint8Array => {
  const key = new Uint8Array(4);
  new DataView(key.buffer).setUint32(0, i, true);
  return key;
};

/** helper_loop's maps: `table` (64 pseudo-random u64 values) and `keys` (all 256 keys, pseudo-random u64 values). */
export function helperMapEntries(): MapEntry[] {
  const values = new Uint8Array(8 * (64 + 256));
  fillPseudoRandom(values, 0x5eed1e55);
  const out: MapEntry[] = [];
  for (let i = 0; i < 64; i++) out.push({ map: 'table', key: u32Key(i), value: values.slice(8 * i, 8 * i + 8) });
  for (let k = 0; k < 256; k++) out.push({ map: 'keys', key: u32Key(k), value: values.slice(8 * (64 + k), 8 * (64 + k) + 8) });
  return out;
}
