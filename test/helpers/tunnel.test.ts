// bpf_skb_set_tunnel_key / bpf_skb_get_tunnel_key (test/fixtures/vm/tunnel.c). The kernel keeps
// the key as an ip_tunnel_info: set (a TX key) stores remote_ipv4 as the tunnel's destination
// and local_ipv4 as its source; get (written for RX) reports the source as remote_ipv4 and the
// destination as local_ipv4 (net/core/filter.c). A set followed by a get therefore returns the
// two addresses swapped; checked with BPF_PROG_TEST_RUN on Linux 6.18.
import { beforeEach, describe, expect, it } from 'vitest';
import type { LoadedObject } from '../../src/vm/loaded-object.js';
import type { TunnelKey } from '../../src/vm/skb.js';
import { haveClang, loadVmFixture } from '../vm/compile.js';
import { IPPROTO_UDP, ipv4Packet } from './packets.js';
import { EINVAL, EPROTO, Struct, getValue, key0, ret, run, s32At, setValue, u32At } from './run.js';

const PKT = ipv4Packet({ proto: IPPROTO_UDP });
const F = { TUNINFO_IPV6: 1n, ZERO_CSUM_TX: 2n, DONT_FRAGMENT: 4n, SEQ_NUMBER: 8n, NO_TUNNEL_KEY: 16n, TUNINFO_FLAGS: 16n };
/** ip_tunnel_flags_to_be16: TUNNEL_CSUM 0x01, TUNNEL_KEY 0x04, TUNNEL_SEQ 0x08, DONT_FRAGMENT 0x0100, NOCACHE 0x2000. */
const TUNNEL = { CSUM: 0x0001, KEY: 0x0004, SEQ: 0x0008, DONT_FRAGMENT: 0x0100, NOCACHE: 0x2000 };

interface KeyIn {
  id?: number; remote?: number; remote6?: number[]; tos?: number; ttl?: number; ext?: number; label?: number; local?: number; local6?: number[];
  setSize?: number; setFlags?: bigint; getSize?: number; getFlags?: bigint;
}

/** struct tk_args: key 0..44, set_size 44, set_flags 48, get_size 56, get_flags 64. */
function args(o: KeyIn): Uint8Array {
  const s = new Struct(72).u32(0, o.id ?? 0).u32(4, o.remote ?? 0).u8(20, o.tos ?? 0).u8(21, o.ttl ?? 0)
    .u16(22, o.ext ?? 0).u32(24, o.label ?? 0).u32(28, o.local ?? 0);
  if (o.remote6) s.bytesAt(4, o.remote6);
  if (o.local6) s.bytesAt(28, o.local6);
  return s.u32(44, o.setSize ?? 44).u64(48, o.setFlags ?? 0n).u32(56, o.getSize ?? 44).u64(64, o.getFlags ?? 0n).bytes;
}

const V6_A = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xa];
const V6_B = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xb];

describe.skipIf(!haveClang)('tunnel key helpers', () => {
  let obj: LoadedObject;
  beforeEach(async () => {
    obj = await loadVmFixture('tunnel');
  });

  function go(prog: string, o: KeyIn, tunnelKey?: TunnelKey) {
    setValue(obj, 'targs', key0(), args(o));
    const res = run(obj, prog, { dataIn: PKT, ...(tunnelKey ? { tunnelKey } : {}) });
    const out = getValue(obj, 'tout', key0())!;
    return { r: ret(res), key: out.subarray(0, 44), setRet: s32At(out, 44), getRet: s32At(out, 48), res };
  }

  it('get without tunnel metadata is -EINVAL and zeroes the key', () => {
    const { r, key } = go('get_key', {});
    expect(r).toBe(-EINVAL);
    expect([...key]).toEqual(new Array(44).fill(0));
  });

  it('get with a truncated size zeroes only that much on error', () => {
    const { r, key } = go('get_key', { getSize: 8 });
    expect(r).toBe(-EINVAL);
    expect([...key.subarray(0, 8)]).toEqual(new Array(8).fill(0));
    expect([...key.subarray(8)]).toEqual(new Array(36).fill(0xaa));
  });

  it('get reads the metadata a collect-metadata device attached (RX: remote is the outer source)', () => {
    const md: TunnelKey = { tunnelId: 0x12345, srcIpv4: 0x0a000001, dstIpv4: 0x0a000002, tos: 4, ttl: 63, label: 0, flags: 0 };
    const { r, key } = go('get_key', {}, md);
    expect(r).toBe(0);
    const v = new DataView(key.buffer, key.byteOffset, 44);
    expect([v.getUint32(0, true), v.getUint32(4, true), key[20], key[21], v.getUint32(24, true), v.getUint32(28, true)])
      .toEqual([0x12345, 0x0a000001, 4, 63, 0, 0x0a000002]);
    expect([...key.subarray(8, 20)]).toEqual(new Array(12).fill(0)); // remote_ipv6[1..3] cleared
  });

  it('set stores a key that the run reports (tunnel id, remote, tos, ttl)', () => {
    const { r, res } = go('set_key', { id: 0x77, remote: 0xc0a80001, local: 0xc0a80002, tos: 8, ttl: 9 });
    expect(r).toBe(0);
    expect(res.tunnelKey).toMatchObject({ tunnelId: 0x77, tos: 8, ttl: 9 });
  });

  // fixed in dpsim (helpers/tunnel.ts); it was: get returns remote/local as they were set instead of swapped
  // (Linux 6.18: set {remote=10.0.0.1, local=10.0.0.2} then get → {remote=10.0.0.2, local=10.0.0.1}).
  it('set then get (IPv4): id, tos and ttl round-trip; remote and local come back swapped', () => {
    const { r, key, setRet, getRet } = go('set_then_get', { id: 0x1234, remote: 0x0a000001, local: 0x0a000002, tos: 4, ttl: 64 });
    expect([r, setRet, getRet]).toEqual([0, 0, 0]);
    const v = new DataView(key.buffer, key.byteOffset, 44);
    expect(v.getUint32(0, true)).toBe(0x1234);
    expect([key[20], key[21]]).toEqual([4, 64]);
    expect(v.getUint16(22, true)).toBe(0); // tunnel_ext: 0 without BPF_F_TUNINFO_FLAGS
    expect(v.getUint32(24, true)).toBe(0); // tunnel_label: 0 for IPv4
    expect(v.getUint32(4, true).toString(16)).toBe('a000002'); // remote_ipv4 = the local address set
    expect(v.getUint32(28, true).toString(16)).toBe('a000001'); // local_ipv4 = the remote address set
  });

  it('set then get (IPv6): addresses swapped, label masked to 20 bits', () => {
    const { r, key } = go('set_then_get', { id: 7, remote6: V6_A, local6: V6_B, label: 0xfffff123, setFlags: F.TUNINFO_IPV6, getFlags: F.TUNINFO_IPV6 });
    expect(r).toBe(0);
    expect([...key.subarray(4, 20)]).toEqual(V6_B);
    expect([...key.subarray(28, 44)]).toEqual(V6_A);
    expect(u32At(key, 24).toString(16)).toBe('ff123');
  });

  // fixed in dpsim (helpers/tunnel.ts); it was: with BPF_F_TUNINFO_FLAGS, get returns the tunnel flags (as
  // __be16) the key was set with; dpsim always writes 0.
  it.each<[string, bigint, number]>([
    ['default: checksum and key', 0n, TUNNEL.NOCACHE | TUNNEL.CSUM | TUNNEL.KEY],
    ['ZERO_CSUM_TX | DONT_FRAGMENT | SEQ_NUMBER', F.ZERO_CSUM_TX | F.DONT_FRAGMENT | F.SEQ_NUMBER, TUNNEL.NOCACHE | TUNNEL.DONT_FRAGMENT | TUNNEL.SEQ | TUNNEL.KEY],
    ['NO_TUNNEL_KEY', F.NO_TUNNEL_KEY, TUNNEL.NOCACHE | TUNNEL.CSUM],
  ])('get with BPF_F_TUNINFO_FLAGS reports the flags of the key (%s)', (_n, setFlags, be16) => {
    const { r, key } = go('set_then_get', { id: 7, remote: 0x0a000001, setFlags, getFlags: F.TUNINFO_FLAGS });
    expect(r).toBe(0);
    expect(((key[22]! << 8) | key[23]!).toString(16)).toBe(be16.toString(16));
  });

  it('get with the address family of the other kind of key is -EPROTO', () => {
    expect(go('set_then_get', { id: 7, remote: 0x0a000001, getFlags: F.TUNINFO_IPV6 }).r).toBe(-EPROTO);
    expect(go('set_then_get', { id: 7, remote6: V6_A, setFlags: F.TUNINFO_IPV6, getFlags: 0n }).r).toBe(-EPROTO);
  });

  it('get with an older (shorter) layout fills only that much', () => {
    for (const size of [8, 22, 24, 28]) {
      const { r, key } = go('set_then_get', { id: 7, remote: 0x0a000001, getSize: size });
      expect(r, `size ${size}`).toBe(0);
      expect(u32At(key, 0)).toBe(7);
      expect([...key.subarray(size)], `size ${size}`).toEqual(new Array(44 - size).fill(0xaa));
    }
    expect(go('set_then_get', { id: 7, remote: 0x0a000001, getSize: 30 }).r).toBe(-EINVAL);
  });

  it.each<[string, KeyIn, number]>([
    ['an unknown flag', { remote: 1, setFlags: 32n }, -EINVAL],
    ['a size that is no struct layout (30)', { remote: 1, setSize: 30 }, -EINVAL],
    ['a label without BPF_F_TUNINFO_IPV6', { remote: 1, label: 5 }, -EINVAL],
    ['a non-zero tunnel_ext', { remote: 1, ext: 1 }, -EINVAL],
    ['ZERO_CSUM_TX | DONT_FRAGMENT | SEQ_NUMBER', { remote: 1, setFlags: F.ZERO_CSUM_TX | F.DONT_FRAGMENT | F.SEQ_NUMBER }, 0],
    ['BPF_F_NO_TUNNEL_KEY', { remote: 1, setFlags: F.NO_TUNNEL_KEY }, 0],
    ['the 24-byte compat layout', { remote: 1, setSize: 24 }, 0],
  ])('set with %s', (_n, o, want) => {
    expect(go('set_key', o).r).toBe(want);
  });
});
