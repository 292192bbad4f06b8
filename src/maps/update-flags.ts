// The flag checks the kernel's map update paths share.

import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, EEXIST, EINVAL, ENOENT } from './constants.js';

/**
 * Hash-style check: 0, or the errno for these flags given whether the key exists.
 * `allowLock`: BPF_F_LOCK passes (we do not model bpf_spin_lock); per-CPU maps and
 * LPM tries reject it as the kernel does.
 */
export function updateFlagsError(flags: number, exists: boolean, allowLock: boolean): number {
  if (!validUpdateFlags(flags, allowLock)) return -EINVAL;
  const mode = flags & ~BPF_F_LOCK;
  if (mode === BPF_NOEXIST && exists) return -EEXIST;
  if (mode === BPF_EXIST && !exists) return -ENOENT;
  return 0;
}

/** BPF_ANY, BPF_NOEXIST or BPF_EXIST, plus BPF_F_LOCK when allowed. */
export function validUpdateFlags(flags: number, allowLock: boolean): boolean {
  if (!(flags >= 0 && flags <= (BPF_F_LOCK | BPF_EXIST))) return false; // also rejects NaN, u64 high bits
  if ((flags & BPF_F_LOCK) !== 0 && !allowLock) return false;
  return (flags & ~BPF_F_LOCK) <= BPF_EXIST && Number.isInteger(flags);
}
