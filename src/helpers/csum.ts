// Checksum helpers: l3/l4_csum_replace and csum_diff, with Linux's flag checks and return
// values, and the skb checksum state (ip_summed) that decides what l4_csum_replace updates.

import type { LoadedObject } from '../vm/loaded-object.js';
import { FaultSignal } from '../vm/fault.js';
import { csumAdd, csumSub, csumFold, csum16Add, csumPartial, csumFrom32To16 } from '../packet/csum.js';
import { define, HelperTable, memArg, u32, EINVAL, EFAULT } from './args.js';

const HDR_FIELD_MASK = 0xf;
const F_PSEUDO_HDR = 0x10;
const F_MARK_MANGLED_0 = 0x20;
const F_MARK_ENFORCE = 0x40;
const F_IPV6 = 0x80;
const CSUM_MANGLED_0 = 0xffff;

/** csum_replace4 on a host-view u16 checksum. */
function replace4(sum: number, from: number, to: number): number {
  return csumFold(csumAdd(csumSub(~sum >>> 0, from), to));
}
function replace2(sum: number, from: number, to: number): number {
  return ~csum16Add(csum16Add(~sum & 0xffff, ~from & 0xffff), to) & 0xffff;
}
function replaceByDiff(sum: number, diff: number): number {
  return csumFold(csumAdd(diff, ~sum >>> 0));
}

export function csumHelpers(obj: LoadedObject, t: HelperTable): void {
  const env = obj.env;
  const skbOf = (what: string) => {
    if (!env.skb) throw new FaultSignal('helper-argument', `${what} needs a socket buffer (tc) context`);
    return env.skb;
  };

  /** The checksum field at `offset` as a little-endian u16 view, or undefined when out of the packet. */
  const field = (offset: number) => {
    const skb = skbOf('checksum helper');
    if (offset > 0xffff || offset & 1 || offset + 2 > skb.len) return undefined; // the kernel refuses odd offsets too
    return { data: skb.packet.data(), at: offset, skb };
  };
  const get = (f: { data: Uint8Array; at: number }) => f.data[f.at]! | (f.data[f.at + 1]! << 8);
  const put = (f: { data: Uint8Array; at: number }, v: number) => { f.data[f.at] = v & 0xff; f.data[f.at + 1] = (v >> 8) & 0xff; };

  define(t, 'l3_csum_replace', (vm) => {
    const offset = u32(vm, 2);
    const flags = vm.regU(5);
    if (flags & ~HDR_FIELD_MASK) return -EINVAL;
    const f = field(offset);
    if (!f) return -EFAULT;
    const from = u32(vm, 3), to = u32(vm, 4);
    const sum = get(f);
    switch (flags & HDR_FIELD_MASK) {
      case 0: if (vm.regU(3) !== 0) return -EINVAL; put(f, replaceByDiff(sum, to)); break;
      case 2: put(f, replace2(sum, from, to)); break;
      case 4: put(f, replace4(sum, from, to)); break;
      default: return -EINVAL;
    }
    return 0;
  });

  define(t, 'l4_csum_replace', (vm) => {
    const offset = u32(vm, 2);
    const flags = vm.regU(5);
    if (flags & ~(F_MARK_MANGLED_0 | F_MARK_ENFORCE | F_PSEUDO_HDR | HDR_FIELD_MASK | F_IPV6)) return -EINVAL;
    const f = field(offset);
    if (!f) return -EFAULT;
    const pseudo = (flags & F_PSEUDO_HDR) !== 0;
    const mmzero = (flags & F_MARK_MANGLED_0) !== 0;
    const from = u32(vm, 3), to = u32(vm, 4);
    if (mmzero && !(flags & F_MARK_ENFORCE) && get(f) === 0) return 0;
    const partial = f.skb.ipSummed === 'partial';
    const size = flags & HDR_FIELD_MASK;
    if (size === 0 && vm.regU(3) !== 0) return -EINVAL;
    if (size !== 0 && size !== 2 && size !== 4) return -EINVAL;
    const sum = get(f);
    if (!partial) {
      put(f, size === 0 ? replaceByDiff(sum, to) : size === 2 ? replace4(sum, from & 0xffff, to & 0xffff) : replace4(sum, from, to));
    } else if (pseudo) {
      // CHECKSUM_PARTIAL: the field holds the pseudo-header sum; only pseudo-header changes touch it.
      const next = size === 0 ? csumAdd(to, sum) : csumAdd(csumSub(sum, size === 2 ? from & 0xffff : from), size === 2 ? to & 0xffff : to);
      put(f, ~csumFold(next) & 0xffff);
    }
    if (mmzero && get(f) === 0) put(f, CSUM_MANGLED_0);
    return 0;
  });

  define(t, 'csum_diff', (vm) => {
    const fromSize = u32(vm, 2), toSize = u32(vm, 4);
    const seed = u32(vm, 5);
    // Linux >= 6.13 sums the buffers directly: no size checks (any length, no -EINVAL), and
    // every result, the bare seed included, is folded to 16 bits on every architecture.
    const from = fromSize ? memArg(vm, 1, fromSize, false, 'from') : new Uint8Array(0);
    const to = toSize ? memArg(vm, 3, toSize, false, 'to') : new Uint8Array(0);
    if (fromSize && toSize) return csumFrom32To16(csumSub(csumPartial(to, seed), csumPartial(from, 0)));
    if (toSize) return csumFrom32To16(csumPartial(to, seed));
    if (fromSize) return csumFrom32To16(~csumPartial(from, ~seed >>> 0) >>> 0);
    return csumFrom32To16(seed);
  });
}
