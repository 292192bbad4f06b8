// Socket-buffer helpers: reading and writing packet bytes and reshaping the packet
// (adjust_room, change_head/tail/proto/type, pull_data) with Linux's checks and errnos.

import type { LoadedObject } from '../vm/loaded-object.js';
import { FaultSignal } from '../vm/fault.js';
import { define, HelperTable, memArg, u32, s32, sizeArg, EINVAL, EFAULT, ENOMEM, ENOTSUPP } from './args.js';
import { flowHash } from './flow-hash.js';
import type { SkBuff } from '../vm/skb.js';

const F_RECOMPUTE_CSUM = 1;
const F_INVALIDATE_HASH = 2;
const ETH_P_IP = 0x0800;
const ETH_P_IPV6 = 0x86dd;
/** BPF_SKB_MAX_LEN = SKB_MAX_ALLOC: 16 KiB less skb_shared_info. */
export const BPF_SKB_MAX_LEN = 16384 - 320;
const ADJ_ROOM = {
  FIXED_GSO: 1 << 0, ENCAP_L3_IPV4: 1 << 1, ENCAP_L3_IPV6: 1 << 2, ENCAP_L4_GRE: 1 << 3, ENCAP_L4_UDP: 1 << 4,
  NO_CSUM_RESET: 1 << 5, ENCAP_L2_ETH: 1 << 6, DECAP_L3_IPV4: 1 << 7, DECAP_L3_IPV6: 1 << 8,
};
const ADJ_ROOM_MASK = ADJ_ROOM.FIXED_GSO | ADJ_ROOM.ENCAP_L3_IPV4 | ADJ_ROOM.ENCAP_L3_IPV6 | ADJ_ROOM.ENCAP_L4_GRE |
  ADJ_ROOM.ENCAP_L4_UDP | ADJ_ROOM.ENCAP_L2_ETH | ADJ_ROOM.DECAP_L3_IPV4 | ADJ_ROOM.DECAP_L3_IPV6;
const ENCAP_L2_SHIFT = 56; // BPF_F_ADJ_ROOM_ENCAP_L2(len): bits 56..63 of flags
const MAC_LEN = 14;

/** IPv4 or IPv6 base header length (bpf_skb_net_base_len), 0 for anything else. */
function netBaseLen(skb: SkBuff): number {
  return skb.protocol === ETH_P_IP ? 20 : skb.protocol === ETH_P_IPV6 ? 40 : 0;
}

export function skbHelpers(obj: LoadedObject, t: HelperTable): void {
  const env = obj.env;
  const skbOf = (what: string) => {
    if (!env.skb) throw new FaultSignal('helper-argument', `${what} needs a socket buffer (tc) context`);
    return env.skb;
  };

  define(t, 'skb_load_bytes', (vm) => {
    const skb = skbOf('bpf_skb_load_bytes');
    const offset = u32(vm, 2);
    const len = sizeArg(vm, 4, 'len');
    const to = memArg(vm, 3, len, true, 'to');
    if (offset > 0x7fffffff || offset + len > skb.len) { to.fill(0); return -EFAULT; }
    to.set(skb.packet.data().subarray(offset, offset + len));
    return 0;
  });

  define(t, 'skb_load_bytes_relative', (vm) => {
    const skb = skbOf('bpf_skb_load_bytes_relative');
    const offset = u32(vm, 2);
    const len = sizeArg(vm, 4, 'len');
    const to = memArg(vm, 3, len, true, 'to');
    const base = u32(vm, 5) === 0 ? 0 : u32(vm, 5) === 1 ? MAC_LEN : -1; // BPF_HDR_START_MAC / _NET
    if (base < 0 || vm.H[5] !== 0) { to.fill(0); return -EFAULT; }
    if (offset > 0xffff || base + offset + len > skb.len) { to.fill(0); return -EFAULT; }
    to.set(skb.packet.data().subarray(base + offset, base + offset + len));
    return 0;
  });

  define(t, 'skb_store_bytes', (vm) => {
    const skb = skbOf('bpf_skb_store_bytes');
    const offset = u32(vm, 2);
    const len = sizeArg(vm, 4, 'len');
    const from = memArg(vm, 3, len, false, 'from');
    const flags = vm.regU(5);
    if (flags & ~(F_RECOMPUTE_CSUM | F_INVALIDATE_HASH)) return -EINVAL;
    if (offset > 0x7fffffff || offset + len > skb.len) return -EFAULT;
    skb.packet.data().set(from, offset);
    if (flags & F_INVALIDATE_HASH) { skb.hash = 0; skb.hashValid = false; }
    return 0;
  });

  define(t, 'skb_pull_data', (vm) => {
    const skb = skbOf('bpf_skb_pull_data');
    const len = u32(vm, 2);
    return len > skb.len ? -ENOMEM : 0; // dpsim's packets are always linear
  });

  define(t, 'skb_change_type', (vm) => {
    const skb = skbOf('bpf_skb_change_type');
    const type = u32(vm, 2);
    if (skb.pktType > 3 || type > 3) return -EINVAL;
    skb.pktType = type;
    return 0;
  });

  define(t, 'skb_change_head', (vm) => {
    const skb = skbOf('bpf_skb_change_head');
    const room = u32(vm, 2);
    const newLen = skb.len + room;
    if (vm.regU(3) !== 0 || newLen > BPF_SKB_MAX_LEN || newLen < skb.len) return -EINVAL;
    skb.packet.adjustHead(-room);
    env.packetChanged();
    return 0;
  });

  define(t, 'skb_change_tail', (vm) => {
    const skb = skbOf('bpf_skb_change_tail');
    const newLen = u32(vm, 2);
    if (vm.regU(3) !== 0 || newLen > BPF_SKB_MAX_LEN || newLen < MAC_LEN) return -EINVAL;
    skb.packet.resize(newLen);
    env.packetChanged();
    return 0;
  });

  define(t, 'skb_adjust_room', (vm) => {
    const skb = skbOf('bpf_skb_adjust_room');
    const lenDiff = s32(vm, 2);
    const mode = u32(vm, 3);
    const flagsLo = vm.L[4]! >>> 0, flagsHi = vm.H[4]! >>> 0;
    const abs = Math.abs(lenDiff);
    const shrink = lenDiff < 0;
    if (flagsLo & ~(ADJ_ROOM_MASK | ADJ_ROOM.NO_CSUM_RESET) || (flagsHi & ~(0xff << (ENCAP_L2_SHIFT - 32))) !== 0) return -EINVAL;
    if (abs > 0xfff) return -EFAULT;
    if (skb.protocol !== ETH_P_IP && skb.protocol !== ETH_P_IPV6) return -ENOTSUPP;
    let off = MAC_LEN;
    if (mode === 0) off += netBaseLen(skb); // BPF_ADJ_ROOM_NET
    else if (mode !== 1) return -ENOTSUPP; // not BPF_ADJ_ROOM_MAC
    let lenMin = netBaseLen(skb);
    const decap = flagsLo & (ADJ_ROOM.DECAP_L3_IPV4 | ADJ_ROOM.DECAP_L3_IPV6);
    if (decap) {
      if (!shrink) return -EINVAL;
      if (decap === ADJ_ROOM.DECAP_L3_IPV4) lenMin = 20;
      else if (decap === ADJ_ROOM.DECAP_L3_IPV6) lenMin = 40;
      else return -EINVAL;
    }
    const lenCur = skb.len - MAC_LEN;
    if (shrink ? abs >= lenCur || lenCur - abs < lenMin : skb.len + abs > BPF_SKB_MAX_LEN) return -ENOTSUPP;
    if (shrink && flagsLo & ~(ADJ_ROOM.FIXED_GSO | ADJ_ROOM.DECAP_L3_IPV4 | ADJ_ROOM.DECAP_L3_IPV6 | ADJ_ROOM.NO_CSUM_RESET)) return -EINVAL;
    if (!shrink) {
      const encap = flagsLo & (ADJ_ROOM.ENCAP_L3_IPV4 | ADJ_ROOM.ENCAP_L3_IPV6);
      if (encap) {
        if (encap === (ADJ_ROOM.ENCAP_L3_IPV4 | ADJ_ROOM.ENCAP_L3_IPV6)) return -EINVAL;
        if ((flagsLo & ADJ_ROOM.ENCAP_L4_GRE) && (flagsLo & ADJ_ROOM.ENCAP_L4_UDP)) return -EINVAL;
        const innerMacLen = flagsHi >>> (ENCAP_L2_SHIFT - 32);
        if ((flagsLo & ADJ_ROOM.ENCAP_L2_ETH) && innerMacLen < MAC_LEN) return -EINVAL;
        if (innerMacLen > abs) return -EINVAL;
      }
      // bpf_skb_net_hdr_push: headers before `off` move to the front, zeros fill the gap.
      skb.packet.adjustHead(-abs);
      const d = skb.packet.data();
      d.copyWithin(0, abs, abs + off);
      d.fill(0, off, off + abs);
    } else {
      const d = skb.packet.data();
      d.copyWithin(abs, 0, off);
      skb.packet.adjustHead(abs);
    }
    env.packetChanged();
    return 0;
  });

  define(t, 'skb_change_proto', (vm) => {
    const skb = skbOf('bpf_skb_change_proto');
    const proto = ((vm.L[2]! & 0xff) << 8) | ((vm.L[2]! >> 8) & 0xff); // __be16 argument
    if (vm.regU(3) !== 0) return -EINVAL;
    if (proto !== ETH_P_IP && proto !== ETH_P_IPV6) return -ENOTSUPP;
    if (skb.protocol !== ETH_P_IP && skb.protocol !== ETH_P_IPV6) return -ENOTSUPP;
    if (proto === skb.protocol) return 0;
    if (proto === ETH_P_IPV6) {
      skb.packet.adjustHead(-20);
      const d = skb.packet.data();
      d.copyWithin(0, 20, 20 + MAC_LEN);
      d.fill(0, MAC_LEN, MAC_LEN + 20);
    } else {
      if (skb.len < MAC_LEN + 40) return -ENOTSUPP;
      skb.packet.data().copyWithin(20, 0, MAC_LEN);
      skb.packet.adjustHead(20);
    }
    skb.protocol = proto;
    env.packetChanged();
    return 0;
  });

  define(t, 'get_hash_recalc', () => {
    const skb = skbOf('bpf_get_hash_recalc');
    if (!skb.hashValid) {
      skb.hash = flowHash(skb.packet.data(), obj.env.hashSeed);
      skb.hashValid = true;
    }
    return skb.hash;
  });

  define(t, 'set_hash_invalid', () => {
    const skb = skbOf('bpf_set_hash_invalid');
    skb.hash = 0;
    skb.hashValid = false;
    return 0;
  });

  define(t, 'set_hash', (vm) => {
    const skb = skbOf('bpf_set_hash');
    skb.hash = u32(vm, 2);
    skb.hashValid = true;
    return 0;
  });

  define(t, 'get_cgroup_classid', () => 0);
  define(t, 'get_route_realm', () => 0);
  define(t, 'skb_cgroup_id', () => 0);
}
