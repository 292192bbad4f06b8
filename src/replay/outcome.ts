// What one packet's run produced, on either backend: the program differ's RunRecord (so the
// two sides compare with src/diff) plus the redirect target where it can be seen.

import type { RunRecord } from '../diff/index.js';

export interface PacketOutcome extends RunRecord {
  /** Where a redirect helper sent the packet; null when none was called or it cannot be seen (kernel). */
  redirect: { helper: string; ifindex: number } | null;
}
