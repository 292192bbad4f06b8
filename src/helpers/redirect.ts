// Redirect helpers: record where the program sent the packet, returning what the kernel
// returns (TC_ACT_REDIRECT, or TC_ACT_SHOT for bad flags; XDP_REDIRECT/XDP_ABORTED in XDP).

import type { LoadedObject } from '../vm/loaded-object.js';
import { define, HelperTable, memArg, u32, EINVAL, TC_ACT } from './args.js';
import { fibLookup } from './fib.js';

const F_INGRESS = 1;
const XDP_ABORTED = 0;
const XDP_REDIRECT = 4;

export function redirectHelpers(obj: LoadedObject, t: HelperTable): void {
  const env = obj.env;
  const known = (ifindex: number) => env.devices === null || env.devices.has(ifindex);

  define(t, 'redirect', (vm) => {
    const ifindex = u32(vm, 1);
    const flags = vm.regU(2);
    if (env.xdp) {
      if (flags !== 0) return XDP_ABORTED;
      env.redirect = { helper: 'redirect', ifindex, flags };
      return XDP_REDIRECT;
    }
    if (flags & ~F_INGRESS) return TC_ACT.SHOT;
    env.redirect = { helper: 'redirect', ifindex, flags };
    return TC_ACT.REDIRECT;
  });

  define(t, 'redirect_peer', (vm) => {
    const ifindex = u32(vm, 1);
    const flags = vm.regU(2);
    if (flags !== 0) return TC_ACT.SHOT;
    env.redirect = { helper: 'redirect_peer', ifindex, flags };
    return TC_ACT.REDIRECT;
  });

  define(t, 'redirect_neigh', (vm) => {
    const ifindex = u32(vm, 1);
    const plen = u32(vm, 3);
    const flags = vm.regU(4);
    if ((plen !== 0 && plen < 20) || flags !== 0) return TC_ACT.SHOT;
    const rec: NonNullable<typeof env.redirect> = { helper: 'redirect_neigh', ifindex, flags };
    if (plen !== 0) {
      // struct bpf_redir_neigh { __u32 nh_family; union { __be32 ipv4_nh; __u32 ipv6_nh[4]; }; }
      const p = memArg(vm, 2, 20, false, 'params');
      const family = p[0]! | (p[1]! << 8) | (p[2]! << 16) | (p[3]! << 24);
      rec.nexthop = { family, address: family === 2 ? [...p.subarray(4, 8)].join('.') : Buffer.from(p.subarray(4, 20)).toString('hex') };
    }
    env.redirect = rec;
    return TC_ACT.REDIRECT;
  });

  define(t, 'clone_redirect', (vm) => {
    const skb = env.skb;
    const ifindex = u32(vm, 2);
    const flags = vm.regU(3);
    if (!skb) return -EINVAL;
    if (flags & ~F_INGRESS) return -EINVAL;
    if (!known(ifindex)) return -EINVAL;
    env.clones.push({ helper: 'clone_redirect', ifindex, flags, packet: skb.packet.copy() });
    return 0;
  });

  define(t, 'fib_lookup', (vm) => {
    const plen = u32(vm, 3);
    if (plen < 64) return -EINVAL;
    const params = memArg(vm, 2, 64, true, 'params');
    return fibLookup(env.fib, params, u32(vm, 4));
  });
}
