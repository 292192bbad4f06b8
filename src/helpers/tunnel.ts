// Tunnel metadata helpers (collect-metadata devices such as VXLAN in external mode): the key is
// carried with the packet, as a metadata dst is in the kernel. struct bpf_tunnel_key layout:
// tunnel_id 0, remote_ipv4/6 4..20, tos 20, ttl 21, tunnel_ext/flags 22, label 24, local 28..44.
// set (for transmit) stores remote as the outer destination and local as the outer source;
// get (for receive) reports the outer source as remote and the destination as local.

import type { LoadedObject } from '../vm/loaded-object.js';
import { FaultSignal } from '../vm/fault.js';
import { define, HelperTable, memArg, u32, EINVAL } from './args.js';

const KEY_SIZE = 44;
const COMPAT_SIZES = new Set([28, 24, 22, 8]); // older struct layouts the kernel still accepts
const F = { TUNINFO_IPV6: 1, ZERO_CSUM_TX: 2, DONT_FRAGMENT: 4, SEQ_NUMBER: 8, NO_TUNNEL_KEY: 16, TUNINFO_FLAGS: 16 };
const SET_FLAGS = F.TUNINFO_IPV6 | F.ZERO_CSUM_TX | F.DONT_FRAGMENT | F.SEQ_NUMBER | F.NO_TUNNEL_KEY;
/** The kernel's TUNNEL_* flag bits, as ip_tunnel_flags_to_be16 reports them. */
export const TUNNEL = { CSUM: 0x01, KEY: 0x04, SEQ: 0x08, DONT_FRAGMENT: 0x0100, NOCACHE: 0x2000 } as const;
const EPROTO = 71;

export function tunnelHelpers(obj: LoadedObject, t: HelperTable): void {
  const env = obj.env;
  const skbOf = (what: string) => {
    if (!env.skb) throw new FaultSignal('helper-argument', `${what} needs a socket buffer (tc) context`);
    return env.skb;
  };

  define(t, 'skb_set_tunnel_key', (vm) => {
    const skb = skbOf('bpf_skb_set_tunnel_key');
    const size = u32(vm, 3);
    const flags = vm.regU(4);
    if (flags & ~SET_FLAGS) return -EINVAL;
    if (size !== KEY_SIZE && !COMPAT_SIZES.has(size)) return -EINVAL;
    const key = new Uint8Array(KEY_SIZE);
    key.set(memArg(vm, 2, size, false, 'key'));
    const v = new DataView(key.buffer);
    const label = v.getUint32(24, true);
    const ipv6 = (flags & F.TUNINFO_IPV6) !== 0;
    if ((!ipv6 && label !== 0) || v.getUint16(22, true) !== 0) return -EINVAL;
    let tunFlags = TUNNEL.NOCACHE | TUNNEL.KEY | TUNNEL.CSUM;
    if (flags & F.ZERO_CSUM_TX) tunFlags &= ~TUNNEL.CSUM;
    if (flags & F.DONT_FRAGMENT) tunFlags |= TUNNEL.DONT_FRAGMENT;
    if (flags & F.SEQ_NUMBER) tunFlags |= TUNNEL.SEQ;
    if (flags & F.NO_TUNNEL_KEY) tunFlags &= ~TUNNEL.KEY;
    skb.tunnelKey = {
      tunnelId: v.getUint32(0, true),
      dstIpv4: ipv6 ? 0 : v.getUint32(4, true),
      srcIpv4: ipv6 ? 0 : v.getUint32(28, true),
      ...(ipv6 ? { dstIpv6: key.slice(4, 20), srcIpv6: key.slice(28, 44) } : {}),
      tos: key[20]!,
      ttl: key[21]!,
      label: ipv6 ? label & 0xfffff : 0,
      flags: tunFlags,
    };
    return 0;
  });

  define(t, 'skb_get_tunnel_key', (vm) => {
    const skb = skbOf('bpf_skb_get_tunnel_key');
    const size = u32(vm, 3);
    const flags = vm.regU(4);
    const to = memArg(vm, 2, size, true, 'key');
    const info = skb.tunnelKey;
    const fail = (err: number) => { to.fill(0); return -err; };
    if (!info || flags & ~(F.TUNINFO_IPV6 | F.TUNINFO_FLAGS)) return fail(EINVAL);
    if ((info.srcIpv6 !== undefined) !== ((flags & F.TUNINFO_IPV6) !== 0)) return fail(EPROTO);
    if (size !== KEY_SIZE && !COMPAT_SIZES.has(size)) return fail(EINVAL);
    const key = new Uint8Array(KEY_SIZE);
    const v = new DataView(key.buffer);
    v.setUint32(0, info.tunnelId, true);
    key[20] = info.tos;
    key[21] = info.ttl;
    if (flags & F.TUNINFO_FLAGS) v.setUint16(22, info.flags, false); // __be16 tunnel_flags
    if (info.srcIpv6) {
      key.set(info.srcIpv6, 4);
      key.set(info.dstIpv6 ?? new Uint8Array(16), 28);
      v.setUint32(24, info.label, true);
    } else {
      v.setUint32(4, info.srcIpv4, true);
      v.setUint32(28, info.dstIpv4, true);
    }
    to.set(key.subarray(0, size));
    return 0;
  });
}
