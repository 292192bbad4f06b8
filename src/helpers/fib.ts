// bpf_fib_lookup against a FIB the caller supplies (routes, neighbours, device MACs), filling
// struct bpf_fib_lookup the way the kernel does: egress ifindex, MACs, the gateway written over
// ipv4_dst, and the BPF_FIB_LKUP_RET_* codes.

import type { FibTable } from '../vm/env.js';

export const FIB_RET = { SUCCESS: 0, BLACKHOLE: 1, UNREACHABLE: 2, PROHIBIT: 3, NOT_FWDED: 4, FWD_DISABLED: 5, UNSUPP_LWT: 6, NO_NEIGH: 7, FRAG_NEEDED: 8 } as const;
const AF_INET = 2;
const AF_INET6 = 10;
const EAFNOSUPPORT = 97;
const F_SKIP_NEIGH = 4;

function ipToU32(s: string): number {
  return s.split('.').reduce((a, b) => (a * 256 + Number(b)) >>> 0, 0);
}
function macBytes(s: string): number[] {
  return s.split(':').map((x) => parseInt(x, 16));
}

const KNOWN_FLAGS = 0x3f; // DIRECT, OUTPUT, SKIP_NEIGH, TBID, SRC, MARK
const EINVAL = 22;

export function fibLookup(fib: FibTable | null, p: Uint8Array, flags: number): number {
  if (flags & ~KNOWN_FLAGS) return -EINVAL;
  const family = p[0]!;
  if (family === AF_INET6) return FIB_RET.NOT_FWDED; // IPv6 routing: not modelled yet
  if (family !== AF_INET) return -EAFNOSUPPORT;
  if (!fib) return FIB_RET.NOT_FWDED;
  const dst = ((p[32]! << 24) | (p[33]! << 16) | (p[34]! << 8) | p[35]!) >>> 0;
  let best: FibTable['routes'][number] | undefined;
  let bestLen = -1;
  for (const r of fib.routes) {
    const [net, lenStr] = r.prefix.split('/');
    const len = Number(lenStr ?? 32);
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    if (((dst & mask) >>> 0) === ((ipToU32(net!) & mask) >>> 0) && len > bestLen) { best = r; bestLen = len; }
  }
  if (!best) return FIB_RET.NOT_FWDED;
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const dev = fib.devices[best.ifindex];
  const totLen = view.getUint16(6, true);
  const mtu = dev?.mtu ?? 1500;
  if (totLen > mtu) {
    view.setUint16(6, mtu, true); // mtu_result
    return FIB_RET.FRAG_NEEDED;
  }
  const nexthop = best.gateway ? ipToU32(best.gateway) : dst;
  if (best.gateway) view.setUint32(32, nexthop, false);
  view.setUint32(8, best.ifindex, true);
  if (!(flags & F_SKIP_NEIGH)) {
    const nhText = [nexthop >>> 24, (nexthop >>> 16) & 0xff, (nexthop >>> 8) & 0xff, nexthop & 0xff].join('.');
    const neigh = fib.neighbours[nhText];
    if (!neigh) return FIB_RET.NO_NEIGH;
    // Only a valid neighbour fills the MACs: dmac from it, smac from the egress device.
    p.set(macBytes(neigh), 58);
    if (dev) p.set(macBytes(dev.mac), 52);
  }
  // bpf_fib_set_fwd_params: VLAN fields cleared, the MTU reported.
  view.setUint32(48, 0, true);
  view.setUint16(6, mtu, true);
  return FIB_RET.SUCCESS;
}
