// What the kernel's test runs see of their environment, so the emulator can be set up alike.

import { readdirSync, readFileSync } from 'node:fs';

/** ifindexes of the network devices in this process's netns (where the kernel helper runs). */
export function netnsDevices(): Set<number> {
  const out = new Set<number>();
  for (const dev of readdirSync('/sys/class/net')) {
    try {
      out.add(Number(readFileSync(`/sys/class/net/${dev}/ifindex`, 'utf8').trim()));
    } catch {
      // a device that went away while listing
    }
  }
  return out;
}

/** A ctx_in the kernel side can return in full: zero-extended to the context struct's size. */
export function fullSizeCtx(ctx: Uint8Array, size: number): Uint8Array {
  if (ctx.length >= size) return ctx;
  const out = new Uint8Array(size);
  out.set(ctx);
  return out;
}
