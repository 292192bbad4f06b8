// Tunnel metadata helpers (collect-metadata devices such as VXLAN in external mode): the key is
// carried with the packet, as a metadata dst is in the kernel. struct bpf_tunnel_key layout:
// tunnel_id 0, remote_ipv4/6 4..20, tos 20, ttl 21, tunnel_ext/flags 22, label 24, local 28..44.

import type { LoadedObject } from '../vm/loaded-object.js';
import { FaultSignal } from '../vm/fault.js';
import { define, HelperTable, memArg, u32, EINVAL } from './args.js';

const KEY_SIZE = 44;
const COMPAT_SIZES = new Set([28, 24, 22, 8]); // older struct layouts the kernel still accepts
const F_TUNINFO_IPV6 = 1;
const F_TUNINFO_FLAGS = 16;
const SET_FLAGS = 1 | 2 | 4 | 8 | 16; // IPV6, ZERO_CSUM_TX, DONT_FRAGMENT, SEQ_NUMBER, NO_TUNNEL_KEY
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
    if ((!(flags & F_TUNINFO_IPV6) && label !== 0) || v.getUint16(22, true) !== 0) return -EINVAL;
    skb.tunnelKey = {
      tunnelId: v.getUint32(0, true),
      remoteIpv4: v.getUint32(4, true),
      ...(flags & F_TUNINFO_IPV6 ? { remoteIpv6: key.slice(4, 20) } : {}),
      localIpv4: v.getUint32(28, true),
      tos: key[20]!,
      ttl: key[21]!,
      label: flags & F_TUNINFO_IPV6 ? label & 0xfffff : 0,
      flags,
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
    if (!info || flags & ~(F_TUNINFO_IPV6 | F_TUNINFO_FLAGS)) return fail(EINVAL);
    if ((info.remoteIpv6 !== undefined) !== ((flags & F_TUNINFO_IPV6) !== 0)) return fail(EPROTO);
    if (size !== KEY_SIZE && size !== 24 && size !== 22 && size !== 8 && size !== 28) return fail(EINVAL);
    const key = new Uint8Array(KEY_SIZE);
    const v = new DataView(key.buffer);
    v.setUint32(0, info.tunnelId, true);
    key[20] = info.tos;
    key[21] = info.ttl;
    if (info.remoteIpv6) {
      key.set(info.remoteIpv6, 4);
      v.setUint32(24, info.label, true);
    } else {
      v.setUint32(4, info.remoteIpv4, true);
      v.setUint32(28, info.localIpv4 ?? 0, true);
    }
    to.set(key.subarray(0, size));
    return 0;
  });
}
